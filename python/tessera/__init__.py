"""Tessera: Apache MXNet's design carried forward, with MXNet 1.9's Python API.

`import tessera as mx` and `import mxnet as mx` give the same package (python/mxnet/)."""
import atexit as _atexit

from . import _core  # noqa: F401  (the C++ core; first, so errors map from the start)
from . import base, error
from . import autograd
from .base import MXNetError
from . import context
from .context import Context, cpu, cpu_pinned, cpu_shared, current_context, gpu
from . import ndarray
from . import ndarray as nd
from . import random
from . import name
from . import attribute
from .attribute import AttrScope
from . import symbol
from . import symbol as sym
from . import executor
from . import io
from . import metric
from . import initializer
from . import initializer as init
from . import lr_scheduler
from . import optimizer
from . import model
from . import callback
from . import module
from . import module as mod
from . import rnn
from . import kvstore
from . import kvstore as kv
from . import monitor
from . import operator
from . import visualization
from . import visualization as viz

# The public classes print as MXNet's (<class 'mxnet.symbol.symbol.Symbol'>), as the seed's
# listings show: `mxnet` is the name users import.
for _cls in (ndarray.NDArray, symbol.Symbol, executor.Executor, context.Context,
             module.Module, io.DataBatch, io.DataDesc):
    _cls.__module__ = "mxnet" + _cls.__module__[len("tessera"):]



def _drain_at_exit():
    """Finishes queued work while the interpreter still runs: custom operators and iterators
    call back into Python, which is gone by the time the C++ engine drains at exit."""
    import sys
    try:
        _core.waitall()
    except Exception as e:  # nobody waited for it: say so, as the C++ drain does
        sys.stderr.write("tessera: an operation failed and nobody waited for it: %s\n" % e)


_atexit.register(_drain_at_exit)

# The MXNet API version implemented (scripts compare mx.__version__); Tessera's own version is
# __tessera_version__.
__version__ = "1.9.1"
__tessera_version__ = "0.1.0"
