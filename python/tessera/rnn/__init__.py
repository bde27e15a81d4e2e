"""Recurrent networks for symbolic graphs (MXNet 1.9's mx.rnn): cells and their unroll, and
sentence iterators for BucketingModule."""
from .io import *  # noqa: F401,F403
from .rnn_cell import *  # noqa: F401,F403
