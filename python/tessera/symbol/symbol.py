"""Symbol (MXNet 1.9's mxnet.symbol.Symbol): a static graph of operators over named variables.
Build it with mx.sym.Variable and the operator constructors, query it (list_arguments,
infer_shape, get_internals, ...), save it as MXNet's JSON, and bind it to arrays to run it
(bind, simple_bind, eval give an Executor)."""
import warnings

import numpy as _np

from .. import _core
from ..attribute import AttrScope
from ..base import MXNetError, NotImplementedForSymbol, numeric_types, string_types
from ..context import Context, current_context
from ..name import NameManager
from ..ndarray.ndarray import NDArray, _CODE_TO_NP, _dtype_code, _param_str

__all__ = ["Symbol", "Variable", "var", "Group", "load", "load_json", "fromjson"]


# Attributes MXNet stores as __key__ (its kHiddenKeys).
_HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


def _stored_key(key):
    """MXNet's name for an attribute: ctx_group -> __ctx_group__; a name that ends in a hidden
    key (fc1_lr_mult) is refused, as MXNet does."""
    for k in _HIDDEN_KEYS:
        if key == k:
            return "__%s__" % k
        if key.endswith(k) and not key.startswith("__"):
            raise ValueError("setting variable attributes with %s is deprecated. please instead "
                             "use\nw = Variable(%s=value)\nsym = YourSymbolName(%s=w)" %
                             (key, k, key[:-len(k) - 1]))
    return key


def _wrap(handle):
    s = Symbol.__new__(Symbol)
    s.handle = handle
    return s


class Symbol(object):
    """A symbolic graph: one or more outputs of operator and variable nodes."""

    __slots__ = ["handle", "__weakref__"]

    def __init__(self, handle):
        self.handle = handle

    # ---- naming and printing ----------------------------------------------------------------
    @property
    def name(self):
        """The name of a single-output symbol's node; None for a group."""
        return self.handle.name

    def __repr__(self):
        name = self.name
        if name is None:
            return "<%s group [%s]>" % (self.__class__.__name__,
                                        ", ".join([s.name for s in self]))
        return "<%s %s>" % (self.__class__.__name__, name)

    def __len__(self):
        return self.handle.num_outputs

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index):
        n = len(self)
        if isinstance(index, slice):
            return Group([self[i] for i in range(*index.indices(n))])
        if isinstance(index, string_types):
            names = self.list_outputs()
            matches = [i for i, name in enumerate(names) if name == index]
            if len(matches) > 1:
                raise ValueError('There are multiple outputs with name "%s"' % index)
            if not matches:
                raise ValueError('Cannot find output that matches name "%s"; the outputs are '
                                 '%s' % (index, ", ".join(names[:20]) +
                                         (", ..." if len(names) > 20 else "")))
            index = matches[0]
        if not isinstance(index, int):
            raise TypeError("Symbol only support integer index to fetch i-th output")
        if index >= n:
            raise IndexError  # Python ends iteration with this
        return _wrap(self.handle.output(index))

    def __copy__(self):
        return _wrap(self.handle.copy())

    def __deepcopy__(self, _):
        return _wrap(self.handle.copy())

    def __getstate__(self):
        return {"handle": self.tojson()}

    def __setstate__(self, state):
        self.handle = _core.sym_load_json(state["handle"])

    def __bool__(self):
        raise NotImplementedForSymbol(self.__bool__, "bool")

    # ---- composition ------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        """A copy with variables replaced: positionally in list_arguments order, or by name;
        name= renames the result's node."""
        name = kwargs.pop("name", None)
        if args and kwargs:
            raise TypeError("compose only accept input Symbols either as positional or keyword "
                            "arguments, not both")
        for v in list(args) + list(kwargs.values()):
            if not isinstance(v, Symbol):
                raise TypeError("Compose expect `Symbol` as arguments")
        return _wrap(self.handle.compose([a.handle for a in args],
                                         {k: v.handle for k, v in kwargs.items()}, name or ""))

    # ---- graph queries ----------------------------------------------------------------------
    def list_arguments(self):
        return self.handle.list_arguments()

    def list_outputs(self):
        return self.handle.list_outputs()

    def list_auxiliary_states(self):
        return self.handle.list_auxiliary_states()

    def list_inputs(self):
        return self.handle.list_inputs()

    def get_internals(self):
        """Every output of every node (variables included) as one group."""
        return _wrap(self.handle.get_internals())

    def get_children(self):
        """The inputs of this symbol's node(s), grouped; None for a variable."""
        children = _wrap(self.handle.get_children())
        return children if len(children) else None

    # ---- attributes -------------------------------------------------------------------------
    def attr(self, key):
        """The attribute `key` of this symbol's node, or None (ctx_group, lr_mult, wd_mult,
        force_mirroring and mirror_stage are found under their stored names __key__ too)."""
        value = self.handle.attr(key)
        if value is None and key in _HIDDEN_KEYS:
            value = self.handle.attr("__%s__" % key)
        return value

    def list_attr(self, recursive=False):
        """This node's attributes (operator parameters and hints) as a dict."""
        if recursive:
            raise DeprecationWarning("Symbol.list_attr with recursive=True has been deprecated. "
                                     "Please use attr_dict instead.")
        return self.handle.list_attr()

    def attr_dict(self):
        """Attributes of every node with any, by node name."""
        return self.handle.attr_dict()

    def _set_attr(self, **kwargs):
        for key, value in kwargs.items():
            if not isinstance(value, string_types):
                raise ValueError("Set Attr only accepts string values")
            self.handle.set_attr(_stored_key(key), str(value))

    # ---- inference --------------------------------------------------------------------------
    def _known(self, args, kwargs, what):
        if args and kwargs:
            raise ValueError("Can only specify known argument %ss either by positional or "
                             "kwargs way." % what)
        if args:
            names = self.list_arguments()
            if len(args) > len(names):
                raise ValueError("%d positional %ss for %d arguments" %
                                 (len(args), what, len(names)))
            return {n: v for n, v in zip(names, args) if v is not None}
        return dict(kwargs)

    def _infer_shape_impl(self, partial, *args, **kwargs):
        known = self._known(args, kwargs, "shape")
        for k, v in known.items():
            if not isinstance(v, tuple):
                raise TypeError("Arguments need to be shapes (tuple), but '%s' is %s." %
                                (k, type(v)))
        arg, out, aux, _ = self.handle.infer_shape({k: list(v) for k, v in known.items()},
                                                   partial)

        def legacy(shapes):  # MXNet writes a dimension not known yet as 0 (Tessera: -1)
            if shapes is None:
                return None
            return [tuple(0 if d < 0 else d for d in s) if s is not None else s for s in shapes]
        return (legacy(arg), legacy(out), legacy(aux))

    def infer_shape(self, *args, **kwargs):
        """(arg_shapes, out_shapes, aux_shapes) from known input shapes (by name, or
        positionally in list_arguments order); (None, None, None) with a warning when some
        shapes stay unknown. Raises ShapeError (a ValueError) when shapes conflict."""
        res = self._infer_shape_impl(False, *args, **kwargs)
        if res[1] is None:
            arg_shapes, _, _ = self._infer_shape_impl(True, *args, **kwargs)
            unknowns = ["%s: %s" % (n, s) for n, s in zip(self.list_arguments(), arg_shapes)
                        if not s or 0 in s][:10]
            warnings.warn("Cannot decide shape for the following arguments (0s in shape means "
                          "unknown dimensions). Consider providing them as input:\n\t" +
                          "\n\t".join(unknowns), stacklevel=2)
        return res

    def infer_shape_partial(self, *args, **kwargs):
        """infer_shape that returns what it found; unknown shapes are (), unknown dimensions
        of partly known shapes 0 (as MXNet)."""
        return self._infer_shape_impl(True, *args, **kwargs)

    def _infer_type_impl(self, partial, *args, **kwargs):
        known = {k: _dtype_code(v) for k, v in self._known(args, kwargs, "type").items()}
        arg, out, aux, complete = self.handle.infer_type(known)
        if not complete and not partial:
            return (None, None, None)

        def np_types(codes):
            return [_CODE_TO_NP.get(c) if c >= 0 else None for c in codes]
        return (np_types(arg), np_types(out), np_types(aux))

    def infer_type(self, *args, **kwargs):
        """(arg_types, out_types, aux_types) as numpy types from known input types;
        (None, None, None) with a warning when some stay unknown."""
        res = self._infer_type_impl(False, *args, **kwargs)
        if res[1] is None:
            warnings.warn("Cannot decide type for the following arguments. Consider providing "
                          "them as input:\n\t" + "\n\t".join(
                              n for n, t in zip(self.list_arguments(),
                                                self._infer_type_impl(True, *args, **kwargs)[0])
                              if t is None), stacklevel=2)
        return res

    def infer_type_partial(self, *args, **kwargs):
        return self._infer_type_impl(True, *args, **kwargs)

    # ---- JSON -------------------------------------------------------------------------------
    def tojson(self, remove_amp_cast=True):
        """MXNet's symbol JSON, byte for byte as MXNet 1.9 writes it."""
        return self.handle.tojson()

    def save(self, fname, remove_amp_cast=True):
        """Writes tojson() to `fname` (atomically)."""
        if not isinstance(fname, string_types):
            raise TypeError("fname need to be string")
        self.handle.save(fname)

    def debug_str(self):
        return self.tojson()

    # ---- running ----------------------------------------------------------------------------
    def _arrays(self, what, arrays, names, allow_missing):
        if arrays is None:
            return {}
        if isinstance(arrays, (list, tuple)):
            if len(arrays) != len(names):
                raise ValueError("Length of %s does not match the number of arguments" % what)
            out = {}
            for n, a in zip(names, arrays):
                if a is None and allow_missing:
                    continue
                if not isinstance(a, NDArray):
                    raise TypeError("Only accept list of NDArrays or dict of str to NDArray")
                out[n] = a.handle
            return out
        if isinstance(arrays, dict):
            out = {}
            for n in names:
                if n in arrays:
                    if not isinstance(arrays[n], NDArray):
                        raise TypeError("Only accept list of NDArrays or dict of str to NDArray")
                    out[n] = arrays[n].handle
                elif not allow_missing:
                    raise ValueError("key `%s` is missing in `%s`" % (n, what))
            return out
        raise TypeError("Only accept list of NDArrays or dict of str to NDArray")

    def bind(self, ctx, args, args_grad=None, grad_req="write", aux_states=None,
             group2ctx=None, shared_exec=None):
        """An Executor over the caller's arrays (shared, not copied): `args` and `args_grad`
        as lists in list_arguments order or dicts by name."""
        from ..executor import Executor
        names = self.list_arguments()
        a = self._arrays("args", args, names, False)
        g = self._arrays("args_grad", args_grad, names, True)
        x = self._arrays("aux_states", aux_states, self.list_auxiliary_states(), False)
        if isinstance(grad_req, (list, tuple)):
            grad_req = dict(zip(names, grad_req))
        if args_grad is None and isinstance(grad_req, str):
            grad_req = "null"
        return Executor(_core.bind(self.handle, Context(ctx)._pair(), a, g, grad_req, x), self)

    def simple_bind(self, ctx, grad_req="write", type_dict=None, stype_dict=None,
                    group2ctx=None, shared_arg_names=None, shared_exec=None,
                    shared_buffer=None, **kwargs):
        """An Executor with arrays allocated from input shapes given as keywords
        (data=(32, 3, 28, 28)); type_dict gives dtypes by name (float32 by default)."""
        from ..executor import Executor
        for k, v in kwargs.items():
            if not isinstance(v, tuple):
                raise TypeError("simple_bind: the shape of %r must be a tuple, got %s" %
                                (k, type(v)))
        if isinstance(grad_req, (list, tuple)):
            grad_req = dict(zip(self.list_arguments(), grad_req))
        types = {k: _dtype_code(v) for k, v in (type_dict or {}).items()}
        h = _core.simple_bind(self.handle, Context(ctx)._pair(),
                              {k: list(v) for k, v in kwargs.items()}, types, grad_req)
        return Executor(h, self)

    def eval(self, ctx=None, **kwargs):
        """The outputs (a list of NDArrays) for the given argument arrays."""
        if ctx is None:
            ctx = current_context()
        return self.bind(ctx, kwargs).forward()

    def gradient(self, wrt):
        raise NotImplementedError("Symbol.gradient is not in Tessera; bind with args_grad to "
                                  "get gradients")

    # ---- arithmetic -------------------------------------------------------------------------
    def _binary(self, other, array_op, scalar_op, reverse_scalar_op=None, reverse=False):
        from . import _internal
        if isinstance(other, Symbol):
            a, b = (other, self) if reverse else (self, other)
            return getattr(_internal, array_op)(a, b)
        if isinstance(other, numeric_types):
            op = reverse_scalar_op if reverse else scalar_op
            return getattr(_internal, op)(self, scalar=other)
        raise TypeError("type %s not supported" % str(type(other)))

    def __add__(self, other):
        return self._binary(other, "_Plus", "_PlusScalar")

    __radd__ = __add__

    def __sub__(self, other):
        return self._binary(other, "_Minus", "_MinusScalar")

    def __rsub__(self, other):
        return self._binary(other, "_Minus", "_MinusScalar", "_RMinusScalar", reverse=True)

    def __mul__(self, other):
        return self._binary(other, "_Mul", "_MulScalar")

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self._binary(other, "_Div", "_DivScalar")

    def __rtruediv__(self, other):
        return self._binary(other, "_Div", "_DivScalar", "_RDivScalar", reverse=True)

    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def __mod__(self, other):
        return self._binary(other, "_Mod", "_ModScalar")

    def __rmod__(self, other):
        return self._binary(other, "_Mod", "_ModScalar", "_RModScalar", reverse=True)

    def __pow__(self, other):
        return self._binary(other, "_Power", "_PowerScalar")

    def __rpow__(self, other):
        return self._binary(other, "_Power", "_PowerScalar", "_RPowerScalar", reverse=True)

    def __neg__(self):
        return self.__mul__(-1.0)

    def __abs__(self):
        from . import op
        return op.abs(self)

    def _compare(self, other, array_op, scalar_op):
        from . import _internal, op
        if isinstance(other, Symbol):
            return getattr(op, array_op)(self, other)
        if isinstance(other, numeric_types):
            return getattr(_internal, scalar_op)(self, scalar=other)
        raise TypeError("type %s not supported" % str(type(other)))

    def __eq__(self, other):
        return self._compare(other, "broadcast_equal", "_equal_scalar")

    def __ne__(self, other):
        return self._compare(other, "broadcast_not_equal", "_not_equal_scalar")

    def __gt__(self, other):
        return self._compare(other, "broadcast_greater", "_greater_scalar")

    def __ge__(self, other):
        return self._compare(other, "broadcast_greater_equal", "_greater_equal_scalar")

    def __lt__(self, other):
        return self._compare(other, "broadcast_lesser", "_lesser_scalar")

    def __le__(self, other):
        return self._compare(other, "broadcast_lesser_equal", "_lesser_equal_scalar")

    def __hash__(self):
        return id(self) // 16

    def _inplace_error(self, *args):
        raise NotImplementedForSymbol(self._inplace_error, "+=")

    __iadd__ = __isub__ = __imul__ = __idiv__ = __itruediv__ = __imod__ = _inplace_error


def var(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None,
        stype=None, **kwargs):
    """A variable (an input or parameter placeholder) called `name`, with optional hints:
    shape, dtype, lr_mult, wd_mult, an initializer (mx.init object or its JSON), attributes."""
    if not isinstance(name, string_types):
        raise TypeError("Expect a string for variable `name`")
    if stype not in (None, "default"):
        raise NotImplementedError("storage type %r is not supported by Tessera" % (stype,))
    attrs = {_stored_key(k): v for k, v in AttrScope.current.get(attr).items()}
    for k, v in kwargs.items():
        if k.startswith("__") and k.endswith("__"):
            attrs[k] = str(v)
        else:
            raise ValueError("Attribute name=%s is not supported. Additional attributes must "
                             "start and end with double underscores, e.g, __yourattr__" % k)
    if init is not None and not isinstance(init, string_types):
        init = init.dumps()
    handle = _core.sym_variable(name, None if shape is None else [int(s) for s in shape],
                                None if dtype is None else _dtype_code(dtype),
                                None if lr_mult is None else float(lr_mult),
                                None if wd_mult is None else float(wd_mult), init or "",
                                {k: str(v) for k, v in attrs.items()})
    return _wrap(handle)


Variable = var


def Group(symbols, create_fn=None):
    """One symbol whose outputs are the outputs of `symbols`, in order."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Expected a list of symbols as input")
    return _wrap(_core.sym_group([s.handle for s in symbols]))


def load(fname):
    """The symbol in an MXNet symbol JSON file (current or legacy format)."""
    if not isinstance(fname, string_types):
        raise TypeError("fname need to be string")
    return _wrap(_core.sym_load(fname))


def load_json(json_str):
    """The symbol in an MXNet symbol JSON string."""
    if not isinstance(json_str, string_types):
        raise TypeError("json_str need to be string")
    return _wrap(_core.sym_load_json(json_str))


fromjson = load_json


def _create(op_name, hint, inputs, named, params, name, attr):
    """A new operator node (the symbolic counterpart of ndarray._invoke)."""
    name = NameManager.current.get(name, hint.lower())
    params = {k: _param_str(k, v) for k, v in params.items()}
    handle = _core.sym_create(op_name, [s.handle for s in inputs], params, name,
                              [(k, v.handle) for k, v in named.items()])
    s = _wrap(handle)
    attr = AttrScope.current.get(attr)
    if attr:
        s._set_attr(**attr)
    return s
