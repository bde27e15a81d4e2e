"""Generates a Python function for every registered C++ operator (MXNet's way: from the
registry at import time, so a new C++ operator appears here with no Python edit).

A generated function is called as MXNet's are: `op(*inputs, out=None, name=None, **params)`.
Positional NDArrays are the inputs in order (all of them for operators that take `num_args`,
which is then set); positional values after them are parameters in declaration order; inputs
may also be named (`data=x, weight=w`). Parameter values are Python values (tuples, bools,
None, numpy dtypes) or MXNet's strings."""
from .. import _core
from .ndarray import NDArray, _invoke, _param_str

# MXNet's other names for operators Tessera has (the C++ registry's aliases, core/ops/aliases.cc).
ALIASES = _core.op_aliases()

# The sub-namespace an operator's name prefix puts it in (MXNet: mx.nd.contrib.X for
# _contrib_X, and so on).
PREFIXES = [("_contrib_", "contrib"), ("_linalg_", "linalg"), ("_random_", "random"),
            ("_sample_", "random"), ("_image_", "image"), ("_sparse_", "sparse")]


def _doc(info):
    lines = [info["description"], "", "Parameters", "----------"]
    for d in info["param_docs"]:
        name, _, rest = d.partition(": ")
        kind, _, text = rest.partition(" -- ")
        lines.append("%s : %s" % (name, kind))
        if text:
            lines.append("    " + text)
    lines += ["out : NDArray, optional", "    The output array.", "",
              "Runs on: %s." % info["devices"]]
    return "\n".join(lines)


def split_args(op_name, param_names, variadic, args, kwargs, array_type):
    """(inputs, named inputs, params) of a call: leading positional arrays are inputs, further
    positional values parameters in declaration order, keyword arrays named inputs."""
    inputs = []
    i = 0
    while i < len(args) and isinstance(args[i], array_type):
        inputs.append(args[i])
        i += 1
    if i < len(args):
        extra = args[i:]
        if len(extra) > len(param_names):
            raise TypeError("%s() takes at most %d positional parameters after its inputs "
                            "(%s); got %d" % (op_name, len(param_names),
                                              ", ".join(param_names), len(extra)))
        for name, value in zip(param_names, extra):
            if name in kwargs:
                raise TypeError("%s() got multiple values for parameter %r" % (op_name, name))
            kwargs[name] = value
    named = {k: v for k, v in kwargs.items() if isinstance(v, array_type)}
    params = {k: v for k, v in kwargs.items() if k not in named and v is not None}
    if variadic and "num_args" not in params:
        params["num_args"] = len(inputs) + len(named)
    return inputs, named, params


def make_function(op_name, info, hint=None, invoke=_invoke, array_type=NDArray):
    """The imperative function of one operator."""
    param_names = list(info["param_names"])
    variadic = "num_args" in param_names
    if variadic:
        param_names.remove("num_args")

    def fn(*args, **kwargs):
        out = kwargs.pop("out", None)
        kwargs.pop("name", None)
        ctx = kwargs.pop("ctx", None)
        inputs, named, params = split_args(op_name, param_names, variadic, args, kwargs,
                                           array_type)
        if named:
            names = _core.op_input_names(
                op_name, {k: _param_str(k, v) for k, v in params.items()})
            slots = list(inputs) + [None] * (len(names) - len(inputs))
            for k, v in named.items():
                if k not in names:
                    raise TypeError("%s() got an unexpected input %r; its inputs are %s" %
                                    (op_name, k, ", ".join(names)))
                pos = names.index(k)
                if slots[pos] is not None:
                    raise TypeError("%s() got multiple values for input %r" % (op_name, k))
                slots[pos] = v
            while slots and slots[-1] is None:
                slots.pop()
            if any(s is None for s in slots):
                missing = [names[j] for j, s in enumerate(slots) if s is None]
                raise TypeError("%s() is missing inputs %s" % (op_name, ", ".join(missing)))
            inputs = slots
        return invoke(op_name, inputs, params, out=out, ctx=ctx)

    fn.__name__ = hint or op_name
    fn.__qualname__ = hint or op_name
    fn.__doc__ = _doc(info)
    return fn


def populate(modules, make=make_function):
    """Fills modules {"op": m, "_internal": m, "contrib": m, ...} with every operator."""
    made = {}
    infos = {}
    for name in _core.list_ops():
        info = infos[name] = _core.op_info(name)
        f = made[name] = make(name, info, name)
        target, public = "op", name
        for prefix, ns in PREFIXES:
            if name.startswith(prefix):
                target, public = ns, name[len(prefix):]
                break
        else:
            if name.startswith("_"):
                target = "_internal"
        # mx.nd.random.uniform and normal are Python functions that pick _random_* or
        # _sample_* by their arguments, as MXNet's do: the generated ones do not replace them.
        if not (target == "random" and hasattr(modules[target], public)):
            setattr(modules[target], public, f)
        if target != "op" and not name.startswith("_backward"):
            setattr(modules["_internal"], name, f)
    for alias, name in ALIASES.items():
        if name in made:
            setattr(modules["_internal" if alias.startswith("_") else "op"], alias,
                    make(name, infos[name], alias))
    return made


def add_methods(cls, op_module, names, what):
    """Methods of `cls` that call the operator of the same name on self (NDArray.sum, ...),
    for each name the operator module has and the class does not define yet."""
    def method(op_name):
        def m(self, *args, **kwargs):
            return getattr(op_module, op_name)(self, *args, **kwargs)
        m.__name__ = op_name
        m.__doc__ = "The same as %s.%s(self, ...)." % (what, op_name)
        return m
    for name in names:
        if hasattr(op_module, name) and not hasattr(cls, name):
            setattr(cls, name, method(name))
