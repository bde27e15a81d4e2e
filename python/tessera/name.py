"""Automatic names for symbols (MXNet 1.9's mxnet.name): an operator created without a name is
called "<hint><n>" (hint: the lowercase operator name, n counting per hint). `with
NameManager():` starts fresh counters for the block; `with Prefix('net_'):` also prefixes every
name. The current manager is per thread."""
import threading

__all__ = ["NameManager", "Prefix"]


class NameManager(object):
    """Gives automatic names; the innermost `with` block's manager is NameManager.current."""

    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name, hint):
        """`name` when given, else the next "<hint><n>"."""
        if name:
            return name
        if hint not in self._counter:
            self._counter[hint] = 0
        name = "%s%d" % (hint, self._counter[hint])
        self._counter[hint] += 1
        return name

    def __enter__(self):
        if not hasattr(NameManager._current, "value"):
            NameManager._current.value = NameManager()
        self._old_manager = NameManager._current.value
        NameManager._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        NameManager._current.value = self._old_manager


class Prefix(NameManager):
    """Prefixes every name given in its block, automatic or not."""

    def __init__(self, prefix):
        super(Prefix, self).__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super(Prefix, self).get(name, hint)


class _CurrentDescriptor(object):
    def __get__(self, obj, cls):
        if not hasattr(NameManager._current, "value"):
            NameManager._current.value = NameManager()
        return NameManager._current.value


NameManager.current = _CurrentDescriptor()
