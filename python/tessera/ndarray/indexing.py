"""NDArray indexing (MXNet 1.9's __getitem__/__setitem__, numpy's rules): ints, slices with
steps, Ellipsis, None/newaxis, tuples of these, and integer arrays (numpy arrays, NDArrays,
lists) for advanced indexing.

Reading: an index that selects a contiguous block (leading ints, then one slice of step 1)
gives a view that shares memory; any other index gives a copy, gathered on the device with
`take` from the flat positions numpy computes for the key. As in MXNet, indexing every axis
with an int gives shape (1,), not a 0-d array.
Writing: a view target is assigned in place on the device (values broadcast to its shape);
other targets are written through host memory (waits for pending work)."""
import builtins

import numpy as _np

from ..base import integer_types, numeric_types
from ..error import IndexError, ValueError  # noqa: A004 (Tessera's, subclasses of the built-ins)
from .ndarray import NDArray, _invoke, _recording, _wrap, array


def _is_int(k):
    return isinstance(k, integer_types) and not isinstance(k, bool)


def _normalize(key, ndim):
    """The key as a tuple; integer arrays (lists, NDArrays) become numpy arrays."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, NDArray):
            k = k.asnumpy()
            if not _np.issubdtype(k.dtype, _np.integer):
                k = k.astype(_np.int64)
        elif isinstance(k, list):
            k = _np.asarray(k)
        if isinstance(k, _np.ndarray) and k.dtype == _np.bool_:
            raise IndexError("boolean array indices are not supported by NDArray indexing; "
                             "use integer indices (numpy.nonzero) instead")
        if not (_is_int(k) or isinstance(k, (slice, _np.ndarray)) or k is None or
                k is Ellipsis):
            raise IndexError("NDArray does not support index type %s; use ints, slices, "
                             "None, Ellipsis or integer arrays" % type(k))
        out.append(k)
    return tuple(out)


def _view(a, key):
    """A view for leading ints followed by at most one step-1 slice, or None."""
    shape = a.shape
    n_int = 0
    while n_int < len(key) and _is_int(key[n_int]):
        n_int += 1
    rest = key[n_int:]
    if len(key) > len(shape) or len(rest) > 1:
        return None
    if rest and not (isinstance(rest[0], slice) and rest[0].step in (None, 1)):
        return None
    h = a.handle
    for axis in range(n_int):
        k, n = int(key[axis]), shape[axis]
        if not -n <= k < n:
            raise IndexError("index %d is out of bounds for axis %d with size %d" % (k, axis, n))
        h = h.at(k)
    if rest:
        start, stop, _ = rest[0].indices(shape[n_int])
        if stop <= start:
            return None  # an empty result: numpy's path makes it
        if (start, stop) != (0, shape[n_int]):
            h = h.slice(start, stop)
    return _wrap(h)


def get_item(a, key):
    key = _normalize(key, a.ndim)
    taped = a._ag is not None and _recording()  # views are not taped; take is
    if not taped and not any(k is None or k is Ellipsis for k in key):
        v = _view(a, key)
        if v is not None:
            return v
    # General case: the flat positions of the selected elements, by numpy's own rules.
    try:
        positions = _np.arange(a.size, dtype=_np.int64).reshape(a.shape)[key]
    except builtins.IndexError as e:
        raise IndexError("%s (NDArray of shape %s)" % (e, a.shape))
    shape = positions.shape if positions.ndim else (1,)
    if positions.size == 0:
        from .ndarray import empty
        return empty(shape, a.context, a.dtype)
    idx = array(positions.reshape(-1), ctx=a.context, dtype=_np.int64)
    flat = a.reshape((-1,))
    return _invoke("take", [flat, idx], {"axis": "0", "mode": "raise"}).reshape(shape)


def _assign_view(view, value):
    """Writes `value` (number, NDArray, numpy array or list) into the view, broadcasting."""
    if isinstance(value, numeric_types) and not isinstance(value, _np.ndarray):
        view.handle.fill(float(value))
        return
    if isinstance(value, NDArray):
        if value.shape != view.shape and value.size != 1:
            value = _invoke("broadcast_add", [_invoke("zeros_like", [view], {}),
                                              value.as_in_context(view.context)], {})
        view.handle.assign(value.handle)
        return
    src = _np.asarray(value, dtype=view.dtype)
    try:
        src = _np.ascontiguousarray(_np.broadcast_to(src, view.shape))
    except ValueError:
        raise ValueError("cannot broadcast a value of shape %s to the indexed shape %s" %
                         (src.shape, view.shape))
    view.handle.copy_from_numpy(src)


def set_item(a, key, value):
    key = _normalize(key, a.ndim)
    if len(key) == 1 and (key[0] is Ellipsis or
                          isinstance(key[0], slice) and key[0] == slice(None)):
        _assign_view(a, value)
        return
    if not any(k is None or k is Ellipsis for k in key):
        v = _view(a, key)
        if v is not None:
            _assign_view(v, value)
            return
    host = a.asnumpy()
    if isinstance(value, NDArray):
        value = value.asnumpy()
    try:
        host[key] = value
    except builtins.IndexError as e:
        raise IndexError(str(e))
    except builtins.ValueError as e:
        raise ValueError(str(e))
    a.handle.copy_from_numpy(_np.ascontiguousarray(host))
