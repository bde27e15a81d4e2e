"""Modules (MXNet 1.9's mxnet.module, also mx.mod)."""
from .base_module import BaseModule  # noqa: F401
from .module import Module  # noqa: F401
from .bucketing_module import BucketingModule  # noqa: F401
