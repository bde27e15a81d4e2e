"""NDArray files (MXNet 1.9's mx.nd.save / mx.nd.load): MXNet's .params format, list or dict
form. Files are written atomically and verified on load (core/ndarray/io.h)."""
from .. import _core
from .ndarray import NDArray, _wrap

__all__ = ["save", "load"]


def save(fname, data):
    """Saves an NDArray, a list of NDArrays, or a dict of str -> NDArray to `fname`."""
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        for k, v in data.items():
            if not isinstance(k, str) or not isinstance(v, NDArray):
                raise TypeError("save only accepts dict str->NDArray or list of NDArray")
        names = list(data.keys())
        arrays = [data[k].handle for k in names]
    elif isinstance(data, (list, tuple)):
        if not all(isinstance(v, NDArray) for v in data):
            raise TypeError("save only accepts dict str->NDArray or list of NDArray")
        names, arrays = [], [v.handle for v in data]
    else:
        raise TypeError("save only accepts dict str->NDArray or list of NDArray")
    if isinstance(data, dict) and not names:
        raise ValueError("save: an empty dict has no names to store; save an empty list")
    _core.save(str(fname), arrays, names)


def load(fname):
    """The arrays of an MXNet NDArray file: a list, or a dict for a file with names."""
    if not isinstance(fname, str):
        raise TypeError("fname required to be a string")
    arrays, names = _core.load(fname)
    arrays = [_wrap(h) for h in arrays]
    if names:
        return dict(zip(names, arrays))
    return arrays
