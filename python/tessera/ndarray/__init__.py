"""Imperative arrays (MXNet 1.9's mxnet.ndarray, also mx.nd): NDArray, creation functions,
every registered operator (generated from the C++ registry at import), random, save/load."""
from . import _internal, contrib, image, linalg, op, random
from .indexing import get_item as _get_item  # noqa: F401
from .ndarray import *  # noqa: F401,F403
from .ndarray import NDArray, _invoke, full
from .register import add_methods as _add_methods
from .register import populate as _populate
from .utils import load, save

_populate({"op": op, "_internal": _internal, "contrib": contrib, "linalg": linalg,
           "random": random, "image": image})

from .op import *  # noqa: E402,F401,F403
from .ndarray import (add, concat, divide, equal, greater, greater_equal, lesser,  # noqa: E402
                      lesser_equal, maximum, minimum, modulo, multiply, not_equal, ones_like,
                      power, stack, subtract, zeros_like)


# NDArray methods that call the operator of the same name on it (MXNet's set).
_METHODS = [
    "reshape_like", "broadcast_axes", "repeat", "pad", "swapaxes", "split", "slice",
    "slice_axis", "slice_like", "take", "one_hot", "pick", "sort", "topk", "argsort", "argmax",
    "argmax_channel", "argmin", "clip", "abs", "sign", "flatten", "tile", "transpose", "flip",
    "sum", "nansum", "prod", "nanprod", "mean", "max", "min", "norm", "round", "rint", "fix",
    "floor", "ceil", "trunc", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "degrees",
    "radians", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "exp", "expm1", "log",
    "log10", "log2", "log1p", "sqrt", "rsqrt", "cbrt", "rcbrt", "square", "reciprocal", "relu",
    "sigmoid", "softmax", "log_softmax", "softmin", "squeeze", "expand_dims", "zeros_like",
    "ones_like", "broadcast_like",
]
_add_methods(NDArray, op, _METHODS, "mx.nd")


def _broadcast_to(self, shape):
    """The array broadcast to `shape` (numpy's rules; a 0 keeps that dimension)."""
    lead = (1,) * (len(shape) - self.ndim)
    shape = tuple(d if s == 0 else s for s, d in zip(shape, lead + self.shape))
    if self.shape == shape:
        return self
    return _invoke("broadcast_add", [full(shape, 0, self.context, self.dtype), self], {})


NDArray.broadcast_to = _broadcast_to
