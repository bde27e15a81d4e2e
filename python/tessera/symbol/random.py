"""Symbol constructors of _random_<name> and _sample_<name> operators (filled at import), and
MXNet 1.9's mx.sym.random.uniform / normal, which build _random_* nodes for number parameters
and _sample_* nodes for Symbol parameters."""
from . import _internal


def _pick(scalar_op, sample_op, a, b, names, shape, dtype, kwargs):
    from .symbol import Symbol
    if isinstance(a, Symbol) or isinstance(b, Symbol):
        if not (isinstance(a, Symbol) and isinstance(b, Symbol)):
            raise TypeError("%s: pass both distribution parameters as Symbols or both as "
                            "numbers" % scalar_op[len("_random_"):])
        params = dict(kwargs, shape=() if shape is None else shape)
        if dtype is not None:
            params["dtype"] = dtype
        return getattr(_internal, sample_op)(a, b, **params)
    params = dict(kwargs, shape=() if shape is None else shape)
    params[names[0]], params[names[1]] = a, b
    if dtype is not None:
        params["dtype"] = dtype
    return getattr(_internal, scalar_op)(**params)


def uniform(low=0, high=1, shape=None, dtype=None, **kwargs):
    """Uniform samples on [low, high): of `shape` for numbers, `shape` per element for
    Symbols."""
    return _pick("_random_uniform", "_sample_uniform", low, high, ("low", "high"), shape, dtype,
                 kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, **kwargs):
    """Normal samples (mean loc, deviation scale): of `shape` for numbers, `shape` per element
    for Symbols."""
    return _pick("_random_normal", "_sample_normal", loc, scale, ("loc", "scale"), shape, dtype,
                 kwargs)
