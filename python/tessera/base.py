"""Basic types shared by the whole package (MXNet 1.9's mxnet.base): the error base class and
the Python types that count as numbers and strings."""
import numbers

import numpy as _np

__all__ = ["MXNetError", "numeric_types", "integer_types", "string_types", "py_str",
           "mx_real_t", "_Null"]


class MXNetError(RuntimeError):
    """The base class of every error Tessera raises (MXNet's mxnet.base.MXNetError).

    The typed errors of mxnet.error (ValueError, TypeError, IndexError, ...) derive from it and
    from the matching Python built-in, so ``except ValueError`` and ``except MXNetError`` both
    catch a bad parameter value."""


class _NullType(object):
    """Placeholder for arguments not given (MXNet's _Null)."""

    def __repr__(self):
        return "_Null"


_Null = _NullType()

numeric_types = (float, int, _np.generic)
integer_types = (int, _np.integer)
string_types = (str,)
mx_real_t = _np.float32


def py_str(x):
    return x.decode("utf-8") if isinstance(x, bytes) else x


def _is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, bool) or isinstance(x, _np.generic)


class NotImplementedForSymbol(MXNetError):
    """An NDArray-only function was called on a Symbol."""

    def __init__(self, function, alias, *args):
        super(NotImplementedForSymbol, self).__init__()
        self.function = function.__name__
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        msg = "Function {}".format(self.function)
        if self.alias:
            msg += ' (namely operator "{}")'.format(self.alias)
        if self.args:
            msg += " with arguments ({})".format(", ".join(self.args))
        msg += " is not implemented for Symbol and only available in NDArray."
        return msg
