"""Symbolic graphs (MXNet 1.9's mxnet.symbol, also mx.sym): Symbol, Variable/var, Group,
load/load_json, and a constructor for every registered operator (generated at import)."""
from . import _internal, contrib, image, linalg, op, random
from ..ndarray.register import add_methods as _add_methods
from ..ndarray.register import populate as _populate
from .register import make_function as _make_function
from .symbol import *  # noqa: F401,F403
from .symbol import Symbol

_populate({"op": op, "_internal": _internal, "contrib": contrib, "linalg": linalg,
           "random": random, "image": image}, make=_make_function)

from .op import *  # noqa: E402,F401,F403


# Symbol methods that call the operator of the same name on it (MXNet's set).
_METHODS = [
    "reshape", "reshape_like", "astype", "zeros_like", "ones_like", "broadcast_axes", "repeat",
    "pad", "swapaxes", "split", "slice", "slice_axis", "slice_like", "take", "one_hot", "pick",
    "sort", "topk", "argsort", "argmax", "argmax_channel", "argmin", "clip", "abs", "sign",
    "flatten", "expand_dims", "broadcast_to", "broadcast_like", "tile", "transpose", "flip",
    "sum", "nansum", "prod", "nanprod", "mean", "max", "min", "norm", "round", "rint", "fix",
    "floor", "ceil", "trunc", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "degrees",
    "radians", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "exp", "expm1", "log",
    "log10", "log2", "log1p", "sqrt", "rsqrt", "cbrt", "rcbrt", "square", "reciprocal", "relu",
    "sigmoid", "softmax", "log_softmax", "softmin", "squeeze",
]
_add_methods(Symbol, op, _METHODS, "mx.sym")
if hasattr(op, "Cast"):
    Symbol.astype = lambda self, dtype, **kwargs: op.Cast(self, dtype=dtype, **kwargs)


def zeros(shape, dtype=None, **kwargs):
    """A symbol of zeros of `shape` (MXNet's mx.sym.zeros: the _zeros operator)."""
    return _internal._zeros(shape=shape, dtype=dtype or "float32", **kwargs)


def ones(shape, dtype=None, **kwargs):
    """A symbol of ones of `shape` (MXNet's mx.sym.ones: the _ones operator)."""
    return _internal._ones(shape=shape, dtype=dtype or "float32", **kwargs)


def full(shape, val, dtype=None, **kwargs):
    """A symbol of `shape` filled with `val` (MXNet's mx.sym.full: the _full operator)."""
    return _internal._full(shape=shape, value=val, dtype=dtype or "float32", **kwargs)
