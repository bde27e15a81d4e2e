"""KVStores (MXNet 1.9's mxnet.kvstore, also mx.kv): create('local' | 'device' | 'nccl' |
'dist_sync' | 'dist_async' | 'dist_sync_device'). Keys are ints or strings (one kind per
store); values are NDArrays, or lists of them (one per device, summed on push). With an
optimizer set, push updates the stored weight on the store. In a process launched as a
scheduler or server (DMLC_ROLE), creating a dist store runs that role and exits the process,
as MXNet's does, so one training script serves every role of a `launch` job."""
from . import _core
from .base import string_types
from .ndarray.ndarray import NDArray
from .optimizer import Optimizer

__all__ = ["KVStore", "create"]


def _as_lists(keys, values, what):
    """(keys as a list, values as a list of lists of NDArrays) from MXNet's call forms."""
    if isinstance(keys, (int, str)):
        keys = [keys]
        values = [values]
    if not isinstance(keys, (list, tuple)):
        raise TypeError("%s: keys must be an int, a str or a list of them" % what)
    if len(values) != len(keys):
        raise ValueError("%s: %d keys but %d values" % (what, len(keys), len(values)))
    lists = []
    for v in values:
        v = [v] if isinstance(v, NDArray) else list(v)
        if not v or not all(isinstance(a, NDArray) for a in v):
            raise TypeError("%s: each value must be an NDArray or a list of NDArrays" % what)
        lists.append(v)
    return list(keys), lists


class KVStore(object):
    """A key-value store of NDArrays (made by create)."""

    def __init__(self, handle):
        self.handle = handle
        self._str_keys = {}
        self._key_kind = None
        self._optimizer = None

    def _ints(self, keys, allow_new=False):
        out = []
        for k in keys:
            kind = str if isinstance(k, string_types) else int
            if self._key_kind is None:
                self._key_kind = kind
            elif kind is not self._key_kind:
                raise TypeError("KVStore: keys must be all ints or all strings; got %r after "
                                "%s keys" % (k, self._key_kind.__name__))
            if kind is int:
                out.append(int(k))
            else:
                if k not in self._str_keys:
                    if not allow_new:
                        raise ValueError("KVStore: key %r was not initialized (call init "
                                         "first)" % k)
                    self._str_keys[k] = len(self._str_keys)
                out.append(self._str_keys[k])
        return out

    def init(self, key, value):
        """Stores the initial value of each key (once per key)."""
        keys, lists = _as_lists(key, value, "init")
        ints = self._ints(keys, allow_new=True)
        self.handle.init(ints, [v[0].handle for v in lists])

    def push(self, key, value, priority=0):
        """Sums the values of each key (one per device) into the store; with an optimizer the
        sum is a gradient that updates the stored weight."""
        keys, lists = _as_lists(key, value, "push")
        self.handle.push(self._ints(keys), [[a.handle for a in v] for v in lists],
                         int(priority))

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copies each key's stored value into `out` (an NDArray or a list, per key)."""
        if out is None:
            raise ValueError("pull: out is required")
        keys, lists = _as_lists(key, out, "pull")
        self.handle.pull(self._ints(keys), [[a.handle for a in v] for v in lists],
                         int(priority))

    def pushpull(self, key, value, out=None, priority=0):
        """push then pull of the same keys (out defaults to value)."""
        keys, values = _as_lists(key, value, "pushpull")
        if out is None:
            outs = values
        else:
            _, outs = _as_lists(key, out, "pushpull")
        self.handle.pushpull(self._ints(keys), [[a.handle for a in v] for v in values],
                             [[a.handle for a in v] for v in outs], int(priority))

    def set_optimizer(self, optimizer):
        """Updates run on the store from now on (a dist store sends the optimizer to the
        servers). Tessera's built-in optimizers only."""
        if not isinstance(optimizer, Optimizer):
            raise TypeError("set_optimizer needs an mx.optimizer.Optimizer; got %s" %
                            type(optimizer))
        if not optimizer._is_builtin():
            raise NotImplementedError("optimizer %s is defined in Python; a KVStore runs "
                                      "Tessera's built-in optimizers only for now" %
                                      type(optimizer).__name__)
        self.handle.set_optimizer(optimizer._cpp_name, optimizer._cpp_params(),
                                  optimizer._lr_spec())
        self._optimizer = optimizer

    def set_gradient_compression(self, compression_params):
        """{'type': '2bit', 'threshold': 0.5} or {'type': 'fp16'}; dist stores only."""
        self.handle.set_gradient_compression({k: str(v) for k, v in compression_params.items()})

    @property
    def type(self):
        return self.handle.type

    @property
    def rank(self):
        return self.handle.rank

    @property
    def num_workers(self):
        return self.handle.num_workers

    def barrier(self):
        """Waits until every worker reaches this barrier (dist stores)."""
        self.handle.barrier()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Writes the store's optimizer states (an NDArray file, written atomically)."""
        if not self.handle.has_optimizer:
            raise ValueError("save_optimizer_states: set_optimizer has not been called")
        self.handle.save_optimizer_states(fname)

    def load_optimizer_states(self, fname):
        """Reads states written by save_optimizer_states (same optimizer and keys)."""
        if not self.handle.has_optimizer:
            raise ValueError("load_optimizer_states: set_optimizer has not been called")
        self.handle.load_optimizer_states(fname)


def create(name="local"):
    """A new KVStore of type `name`."""
    if not isinstance(name, string_types):
        raise TypeError("name must be a string")
    return KVStore(_core.kvstore_create(name))
