"""Executor (MXNet 1.9's mxnet.executor.Executor): a Symbol bound to arrays on one device.
forward() and backward() push the work and return; reading an output waits for it."""
import numpy as _np

from . import _core
from .ndarray.ndarray import NDArray, _wrap, array

__all__ = ["Executor"]


def _arrays(handles):
    return [None if h is None else _wrap(h) for h in handles]


class Executor(object):
    """Made by Symbol.bind / simple_bind; holds the argument, gradient, auxiliary and output
    arrays (dicts by name too)."""

    def __init__(self, handle, symbol):
        self.handle = handle
        self._symbol = symbol
        self._monitor_callback = None
        self._refresh()

    def _refresh(self):
        self.arg_arrays = _arrays(self.handle.arg_arrays)
        self.grad_arrays = _arrays(self.handle.grad_arrays)
        self.aux_arrays = _arrays(self.handle.aux_arrays)
        self.outputs = _arrays(self.handle.outputs)
        names = self._symbol.list_arguments()
        self.arg_dict = dict(zip(names, self.arg_arrays))
        self.grad_dict = {n: g for n, g in zip(names, self.grad_arrays) if g is not None}
        self.aux_dict = dict(zip(self._symbol.list_auxiliary_states(), self.aux_arrays))
        self.output_dict = dict(zip(self._symbol.list_outputs(), self.outputs))

    def forward(self, is_train=False, **kwargs):
        """Runs the graph; keyword arrays (NDArray or numpy) are copied into the arguments of
        those names first. Returns the outputs."""
        for name, value in kwargs.items():
            if name not in self.arg_dict:
                raise ValueError("Unknown argument %s; the arguments are %s" %
                                 (name, ", ".join(self.arg_dict)))
            target = self.arg_dict[name]
            if isinstance(value, _np.ndarray):
                value = array(value, ctx=target.context, dtype=target.dtype)
            if not isinstance(value, NDArray):
                raise ValueError("forward: argument %s must be an NDArray or numpy array" % name)
            if value.shape != target.shape:
                raise ValueError("Shape not match! Argument %s, need: %s, received: %s" %
                                 (name, target.shape, value.shape))
            value.copyto(target)
        self.handle.forward(bool(is_train))
        return self.outputs

    def backward(self, out_grads=None, is_train=True):
        """Runs the gradient graph after forward(is_train=True); out_grads: one NDArray per
        output (none for loss outputs)."""
        if out_grads is None:
            out_grads = []
        elif isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        elif isinstance(out_grads, dict):
            out_grads = [out_grads[k] for k in self._symbol.list_outputs()]
        for g in out_grads:
            if not isinstance(g, NDArray):
                raise TypeError("inputs must be NDArray")
        self.handle.backward([g.handle for g in out_grads])

    def set_monitor_callback(self, callback, monitor_all=False):
        """callback(name, array) sees each operator's outputs after it is pushed."""
        self._monitor_callback = callback
        self.handle.set_monitor_callback(lambda name, h: callback(name, _wrap(h)))

    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copies values from dicts of arrays into the arguments and auxiliary states."""
        for name, array_ in arg_params.items():
            if name in self.arg_dict:
                array_.astype(self.arg_dict[name].dtype).copyto(self.arg_dict[name])
            elif not allow_extra_params:
                raise ValueError("Find name \"%s\" that is not in the arguments" % name)
        for name, array_ in (aux_params or {}).items():
            if name in self.aux_dict:
                array_.astype(self.aux_dict[name].dtype).copyto(self.aux_dict[name])
            elif not allow_extra_params:
                raise ValueError("Find name %s that is not in the auxiliary states" % name)

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """A new executor for new input shapes; arrays whose shape is unchanged are shared."""
        return Executor(self.handle.reshape({k: list(v) for k, v in kwargs.items()}),
                        self._symbol)

    def debug_str(self):
        m = self.handle.memory()
        return "Total %d MB allocated (planned %d bytes, naive %d bytes)" % (
            m["planned_bytes"] >> 20, m["planned_bytes"], m["naive_bytes"])
