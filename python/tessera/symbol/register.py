"""Symbol constructors for every registered operator, generated from the registry at import
(the same rules as mx.nd's, ndarray/register.py): `op(*inputs, name=None, attr=None,
**params)`; inputs not given become variables named "<name>_<input>"."""
from ..ndarray.register import _doc, split_args
from .symbol import Symbol, _create


def make_function(op_name, info, hint=None):
    param_names = list(info["param_names"])
    variadic = "num_args" in param_names
    if variadic:
        param_names.remove("num_args")
    hint = hint or op_name

    def fn(*args, **kwargs):
        name = kwargs.pop("name", None)
        attr = kwargs.pop("attr", None)
        inputs, named, params = split_args(op_name, param_names, variadic, args, kwargs,
                                           Symbol)
        return _create(op_name, hint, inputs, named, params, name, attr)

    fn.__name__ = hint
    fn.__qualname__ = hint
    fn.__doc__ = _doc(info).replace("out : NDArray, optional\n    The output array.",
                                    "name : str, optional\n    The node's name.")
    return fn
