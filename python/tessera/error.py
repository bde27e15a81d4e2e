"""Tessera's typed errors (MXNet 1.9's mxnet.error). Each derives from MXNetError and from the
Python built-in of the same meaning; the C++ core raises them (python/src/errors.cc)."""
import builtins

from . import _core
from .base import MXNetError

__all__ = ["MXNetError", "register", "ValueError", "TypeError", "IndexError",
           "NotImplementedError", "InternalError", "IOError", "ShapeError", "ContextError",
           "OutOfMemoryError", "DistError"]

error_types = {}


def register(func_name=None, cls=None):
    """Registers an error class under a name (MXNet's mxnet.error.register)."""
    if callable(func_name):
        cls = func_name
        func_name = cls.__name__

    def _register(mycls):
        error_types[func_name if isinstance(func_name, str) else mycls.__name__] = mycls
        return mycls

    return _register if cls is None else _register(cls)


@register
class ValueError(MXNetError, builtins.ValueError):
    """A bad parameter value or argument."""


@register
class TypeError(MXNetError, builtins.TypeError):
    """A wrong or unsupported dtype or argument type."""


@register
class IndexError(MXNetError, builtins.IndexError):
    """An index out of range."""


@register
class NotImplementedError(MXNetError, builtins.NotImplementedError):
    """No kernel for this device or dtype, or a feature Tessera does not have."""


@register
class IOError(MXNetError, builtins.IOError):
    """A file that cannot be read or written, or is corrupt."""


@register
class OutOfMemoryError(MXNetError, builtins.MemoryError):
    """An allocation failed."""


@register
class ShapeError(ValueError):
    """Shapes that do not fit together."""


@register
class ContextError(ValueError):
    """Arrays on different or missing devices."""


@register
class DistError(MXNetError):
    """A distributed peer failed or timed out."""


@register
class InternalError(MXNetError):
    """A broken invariant: a bug in Tessera."""


_core._set_error_classes(dict(error_types, MXNetError=MXNetError))
