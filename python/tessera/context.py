"""Device contexts (MXNet 1.9's mxnet.context): cpu(), gpu(), cpu_pinned(), and the default
context that `with ctx:` changes for the block."""
import threading

from . import _core

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "cpu_shared", "current_context", "num_gpus"]


class Context(object):
    """A device: Context('cpu', 0), Context('gpu', 1), or a copy of another Context."""

    _default_ctx = threading.local()
    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {"cpu": 1, "gpu": 2, "cpu_pinned": 3, "cpu_shared": 5}

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if device_type not in Context.devstr2type:
                raise ValueError("unknown device type %r; expected one of %s" %
                                 (device_type, ", ".join(sorted(Context.devstr2type))))
            self.device_typeid = Context.devstr2type[device_type]
            self.device_id = device_id
        self._old_ctx = None

    @property
    def device_type(self):
        return Context.devtype2str[self.device_typeid]

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid and
                self.device_id == other.device_id)

    def __ne__(self, other):
        return not self == other

    def __str__(self):
        return "%s(%d)" % (self.device_type, self.device_id)

    __repr__ = __str__

    def __enter__(self):
        if not hasattr(Context._default_ctx, "value"):
            Context._default_ctx.value = Context("cpu", 0)
        self._old_ctx = Context._default_ctx.value
        Context._default_ctx.value = self
        return self

    def __exit__(self, ptype, value, trace):
        Context._default_ctx.value = self._old_ctx

    def empty_cache(self):
        """Returns pooled memory of this device to the system (kept pooled in Tessera)."""

    # The (device_typeid, device_id) pair the C++ core takes.
    def _pair(self):
        return (self.device_typeid, self.device_id)


def cpu(device_id=0):
    """The CPU context (device_id is ignored by computation, as in MXNet)."""
    return Context("cpu", device_id)


def cpu_pinned(device_id=0):
    """Page-locked host memory, for fast copies to and from GPUs."""
    return Context("cpu_pinned", device_id)


def cpu_shared(device_id=0):
    """Host memory shared with this machine's parameter servers."""
    return Context("cpu_shared", device_id)


def gpu(device_id=0):
    """The GPU context of device `device_id` (arrays there need a CUDA device at run time)."""
    return Context("gpu", device_id)


def num_gpus():
    """The number of usable CUDA devices (0 without a GPU or in a CPU-only build)."""
    return _core.gpu_count()


def current_context():
    """The default context: cpu(0), or the innermost `with ctx:` block's."""
    if not hasattr(Context._default_ctx, "value"):
        Context._default_ctx.value = Context("cpu", 0)
    return Context._default_ctx.value


def _from_pair(pair):
    return Context(Context.devtype2str[pair[0]], pair[1])
