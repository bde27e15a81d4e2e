"""Attribute scopes (MXNet 1.9's mx.AttrScope): `with mx.AttrScope(ctx_group='dev1'):` gives
every symbol created in the block those attributes (string values only). Scopes nest; the
inner one's values win. Per thread."""
import threading

from .base import string_types

__all__ = ["AttrScope"]


class AttrScope(object):
    """Attributes for the symbols created in its `with` block."""

    _current = threading.local()

    def __init__(self, **kwargs):
        self._old_scope = None
        for value in kwargs.values():
            if not isinstance(value, string_types):
                raise ValueError("Attributes need to be string")
        self._attr = kwargs

    def get(self, attr):
        """This scope's attributes updated with `attr` (a dict or None)."""
        if self._attr:
            ret = self._attr.copy()
            if attr:
                ret.update(attr)
            return ret
        return attr if attr else {}

    def __enter__(self):
        if not hasattr(AttrScope._current, "value"):
            AttrScope._current.value = AttrScope()
        self._old_scope = AttrScope._current.value
        attr = AttrScope._current.value._attr.copy()
        attr.update(self._attr)
        self._attr = attr
        AttrScope._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        AttrScope._current.value = self._old_scope


class _CurrentDescriptor(object):
    def __get__(self, obj, cls):
        if not hasattr(AttrScope._current, "value"):
            AttrScope._current.value = AttrScope()
        return AttrScope._current.value


AttrScope.current = _CurrentDescriptor()
