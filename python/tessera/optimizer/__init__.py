"""Optimizers (MXNet 1.9's mxnet.optimizer)."""
from .optimizer import *  # noqa: F401,F403
from .optimizer import Optimizer, create, register  # noqa: F401
