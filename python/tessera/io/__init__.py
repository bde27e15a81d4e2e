"""Data iterators (MXNet 1.9's mxnet.io)."""
from .io import *  # noqa: F401,F403
from .io import DataBatch, DataDesc, DataIter  # noqa: F401
