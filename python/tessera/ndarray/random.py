"""Random arrays (MXNet 1.9's mx.nd.random): uniform, normal, randn, randint, shuffle,
multinomial. Draws come from Tessera's one generator (mx.random.seed), in the order they are
made. Operators registered as _random_<name> or _sample_<name> also appear here."""
import numpy as _np

from .. import _core
from ..base import mx_real_t, numeric_types
from .ndarray import NDArray, _dtype_code, _invoke, _wrap, array, empty

__all__ = ["uniform", "normal", "randn", "randint", "shuffle", "multinomial", "exponential"]


def _shape(shape):
    if shape is None or shape == ():
        return (1,)
    return (int(shape),) if isinstance(shape, numeric_types) else tuple(int(s) for s in shape)


def _target(shape, dtype, ctx, out):
    if out is not None:
        return out
    return empty(_shape(shape), ctx, dtype if dtype is not None else mx_real_t)


def _sample(op, a, b, shape, dtype, out):
    """`shape` samples for each element of the parameter arrays a, b (MXNet's _sample_*)."""
    if not isinstance(a, NDArray) or not isinstance(b, NDArray):
        raise TypeError("%s: pass both distribution parameters as NDArrays or both as numbers; "
                        "found %s and %s" % (op[len("_sample_"):], type(a).__name__,
                                             type(b).__name__))
    params = {"shape": () if shape is None else shape}
    if dtype is not None:
        params["dtype"] = dtype
    return _invoke(op, [a, b], params, out=out)


def uniform(low=0, high=1, shape=(), dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the uniform distribution on [low, high)."""
    if isinstance(low, NDArray) or isinstance(high, NDArray):
        return _sample("_sample_uniform", low, high, shape, dtype, out)
    t = _target(shape, dtype, ctx, out)
    _core.random_uniform(float(low), float(high), t.handle)
    return t


def normal(loc=0, scale=1, shape=(), dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the normal distribution with mean `loc` and standard deviation `scale`."""
    if isinstance(loc, NDArray) or isinstance(scale, NDArray):
        return _sample("_sample_normal", loc, scale, shape, dtype, out)
    t = _target(shape, dtype, ctx, out)
    _core.random_normal(float(loc), float(scale), t.handle)
    return t


def randn(*shape, **kwargs):
    """Standard normal samples of the given shape (loc=0, scale=1 unless given)."""
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    return normal(loc, scale, shape if shape else (), **kwargs)


def randint(low, high, shape=(), dtype=None, ctx=None, out=None, **kwargs):
    """Integers drawn uniformly from [low, high) (dtype int32 by default)."""
    if high <= low:
        raise ValueError("randint: high (%s) must be greater than low (%s)" % (high, low))
    dtype = _np.int32 if dtype is None else dtype
    u = uniform(0, 1, _shape(shape), dtype=_np.float64, ctx=ctx)
    values = _np.floor(low + u.asnumpy() * (high - low)).clip(low, high - 1)
    res = array(values, ctx=u.context, dtype=dtype)
    if out is not None:
        out[:] = res
        return out
    return res


def exponential(scale=1, shape=(), dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the exponential distribution with mean `scale`."""
    u = uniform(0, 1, _shape(shape), dtype=_np.float64, ctx=ctx)
    res = array(-float(scale) * _np.log1p(-u.asnumpy()), ctx=u.context,
                dtype=dtype if dtype is not None else mx_real_t)
    if out is not None:
        out[:] = res
        return out
    return res


def shuffle(data, **kwargs):
    """A copy of `data` with its rows (first axis) in random order."""
    n = data.shape[0]
    keys = uniform(0, 1, (n,), dtype=_np.float64, ctx=data.context).asnumpy()
    order = array(_np.argsort(keys, kind="stable"), ctx=data.context, dtype=_np.int64)
    return _invoke("take", [data, order], {"axis": 0, "mode": "raise"})


def multinomial(data, shape=_np.int64(0), get_prob=False, out=None, dtype="int32", **kwargs):
    """Samples category indices from the distributions in the last axis of `data`: one per
    distribution (shape=()) or `shape` more axes of them. get_prob also returns the log of
    each sample's probability."""
    extra = () if isinstance(shape, _np.int64) and shape == 0 else _shape(shape)
    probs = data.asnumpy().astype(_np.float64)
    batch = probs.shape[:-1]
    k = probs.shape[-1]
    flat = probs.reshape(-1, k)
    count = int(_np.prod(extra)) if extra else 1
    u = uniform(0, 1, (max(flat.shape[0] * count, 1),), dtype=_np.float64,
                ctx=data.context).asnumpy()[:flat.shape[0] * count].reshape(flat.shape[0],
                                                                           count)
    cdf = _np.cumsum(flat, axis=1)
    cdf /= cdf[:, -1:]
    idx = _np.empty((flat.shape[0], count), dtype=_np.int64)
    for r in range(flat.shape[0]):
        idx[r] = _np.minimum(_np.searchsorted(cdf[r], u[r], side="right"), k - 1)
    out_shape = batch + extra
    samples = idx.reshape(out_shape if out_shape else (1,))
    res = array(samples, ctx=data.context, dtype=dtype)
    if out is not None:
        out[:] = res
        res = out
    if get_prob:
        p = _np.take_along_axis(flat, idx, axis=1).reshape(samples.shape)
        return [res, array(_np.log(p), ctx=data.context, dtype=data.dtype)]
    return res
