"""Random numbers (MXNet 1.9's mx.random): seed() and the samplers of mx.nd.random."""
from . import _core
from .ndarray.random import (exponential, multinomial, normal, randint, randn,  # noqa: F401
                             shuffle, uniform)


def seed(seed_state, ctx="all"):
    """Reseeds Tessera's generator (after the draws already made); the same seed gives the
    same draws. `ctx` is accepted for MXNet's signature: there is one generator for all
    devices."""
    if not isinstance(seed_state, int):
        raise ValueError("seed_state must be int")
    _core.random_seed(seed_state & 0xFFFFFFFF)
