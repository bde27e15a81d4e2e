"""BucketingModule (MXNet 1.9's mxnet.module.BucketingModule): one Module per bucket key (a
sequence length, say), from ``sym_gen(bucket_key) -> (symbol, data_names, label_names)``. Every
bucket's module is bound with the default bucket's module as its shared_module, so all of them
train the same parameter arrays with the default module's optimizer and optimizer states."""
import logging

import numpy as np

from .. import ndarray as nd
from ..context import cpu
from ..initializer import Uniform
from .base_module import BaseModule
from .module import Module

__all__ = ["BucketingModule"]


class BucketingModule(BaseModule):
    """Runs each batch on the module of its ``bucket_key`` (created and bound on first use)."""

    def __init__(self, sym_gen, default_bucket_key=None, logger=logging, context=cpu(),
                 work_load_list=None, fixed_param_names=None, state_names=None,
                 group2ctxs=None, compression_params=None):
        super(BucketingModule, self).__init__(logger=logger)
        if default_bucket_key is None:
            raise ValueError("BucketingModule needs a default_bucket_key (the bucket whose "
                             "module owns the parameters; usually the largest)")
        self._default_bucket_key = default_bucket_key
        self._sym_gen = sym_gen
        symbol, data_names, _ = self._call_sym_gen(default_bucket_key)
        self._default_symbol = symbol
        self._default_data_names = list(data_names or [])
        self._fixed_param_names = fixed_param_names
        self._state_names = state_names
        self._context = context
        self._work_load_list = work_load_list
        self._group2ctxs = group2ctxs
        self._compression_params = compression_params
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None
        self._params_dirty = False
        self._monitor = None
        self._grad_req = "write"

    def _call_sym_gen(self, bucket_key):
        out = self._sym_gen(bucket_key)
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            raise ValueError("sym_gen(%r) must return (symbol, data_names, label_names); got %r"
                             % (bucket_key, out))
        return out

    def _new_module(self, bucket_key):
        symbol, data_names, label_names = self._call_sym_gen(bucket_key)
        return Module(symbol, data_names, label_names, logger=self.logger,
                      context=self._context, work_load_list=self._work_load_list,
                      fixed_param_names=self._fixed_param_names, state_names=self._state_names,
                      group2ctxs=self._group2ctxs, compression_params=self._compression_params)

    def _reset_bind(self):
        self.binded = False
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None

    # ---- information ------------------------------------------------------------------------
    @property
    def default_bucket_key(self):
        return self._default_bucket_key

    @property
    def data_names(self):
        if self.binded:
            return self._curr_module.data_names
        return self._default_data_names

    @property
    def output_names(self):
        if self.binded:
            return self._curr_module.output_names
        return self._default_symbol.list_outputs()

    @property
    def data_shapes(self):
        self._require_bound("data_shapes")
        return self._curr_module.data_shapes

    @property
    def label_shapes(self):
        self._require_bound("label_shapes")
        return self._curr_module.label_shapes

    @property
    def output_shapes(self):
        self._require_bound("output_shapes")
        return self._curr_module.output_shapes

    @property
    def symbol(self):
        self._require_bound("symbol")
        return self._curr_module.symbol

    def _require_bound(self, method):
        if not self.binded:
            raise ValueError("BucketingModule.%s needs bind() first" % method)

    # ---- parameters -------------------------------------------------------------------------
    def get_params(self):
        if not (self.binded and self.params_initialized):
            raise ValueError("BucketingModule.get_params needs bind() and init_params() first")
        self._params_dirty = False
        return self._curr_module.get_params()

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init,
                             allow_extra=allow_extra)
            return
        if self.params_initialized and not force_init:
            self.logger.warning("Parameters already initialized and force_init=False. "
                                "set_params call ignored.")
            return
        self._curr_module.set_params(arg_params, aux_params, allow_missing=allow_missing,
                                     force_init=force_init, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        if self.params_initialized and not force_init:
            return
        self._require_bound("init_params")
        # The default bucket's module owns the arrays every bucket uses.
        self._buckets[self._default_bucket_key].init_params(
            initializer=initializer, arg_params=arg_params, aux_params=aux_params,
            allow_missing=allow_missing, force_init=force_init, allow_extra=allow_extra)
        for module in self._buckets.values():
            module.params_initialized = True
        self._params_dirty = False
        self.params_initialized = True

    # ---- set-up -----------------------------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req="write"):
        """Binds the default bucket's module for these shapes (usually the largest bucket's)."""
        if self.params_initialized:
            arg_params, aux_params = self.get_params()
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        if shared_module is not None:
            raise NotImplementedError("shared_module for BucketingModule is not supported "
                                      "(MXNet does not support it either)")
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        module = self._new_module(self._default_bucket_key)
        module.bind(data_shapes, label_shapes, for_training, inputs_need_grad,
                    force_rebind=False, shared_module=None, grad_req=grad_req)
        self.binded = True
        self._curr_module = module
        self._curr_bucket_key = self._default_bucket_key
        self._buckets[self._default_bucket_key] = module
        if self.params_initialized:
            self.set_params(arg_params, aux_params)

    def switch_bucket(self, bucket_key, data_shapes, label_shapes=None):
        """Makes `bucket_key`'s module the current one, creating and binding it (sharing the
        default bucket's parameters and optimizer) the first time."""
        self._require_bound("switch_bucket")
        if bucket_key not in self._buckets:
            if data_shapes is None:
                raise ValueError("switch_bucket: bucket %r has no module yet; give its "
                                 "data_shapes" % (bucket_key,))
            default = self._buckets[self._default_bucket_key]
            module = self._new_module(bucket_key)
            module.bind(data_shapes, label_shapes, self._curr_module.for_training,
                        self._curr_module.inputs_need_grad, force_rebind=False,
                        shared_module=default, grad_req=self._grad_req)
            if self.optimizer_initialized:
                module.borrow_optimizer(default)
            if self._monitor is not None:
                module.install_monitor(self._monitor)
            self._buckets[bucket_key] = module
        self._curr_module = self._buckets[bucket_key]
        self._curr_bucket_key = bucket_key

    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        if not (self.binded and self.params_initialized):
            raise ValueError("BucketingModule.init_optimizer needs bind() and init_params() "
                             "first")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring.")
            return
        default = self._buckets[self._default_bucket_key]
        default.init_optimizer(kvstore, optimizer, optimizer_params, force_init=force_init)
        for module in self._buckets.values():
            if module is not default:
                module.borrow_optimizer(default)
        self.optimizer_initialized = True

    # ---- computation ------------------------------------------------------------------------
    def prepare(self, data_batch, sparse_row_id_fn=None):
        if not (self.binded and self.params_initialized):
            raise ValueError("BucketingModule.prepare needs bind() and init_params() first")
        original = self._curr_bucket_key
        self.switch_bucket(data_batch.bucket_key, data_batch.provide_data,
                           data_batch.provide_label)
        self._curr_module.prepare(data_batch, sparse_row_id_fn=sparse_row_id_fn)
        self.switch_bucket(original, None, None)

    def forward(self, data_batch, is_train=None):
        """Runs the batch on its bucket's module (data_batch.bucket_key, provide_data and
        provide_label; a batch without a bucket_key uses the default bucket)."""
        if not (self.binded and self.params_initialized):
            raise ValueError("BucketingModule.forward needs bind() and init_params() first")
        key = data_batch.bucket_key
        if key is None:
            key = self._default_bucket_key
        self.switch_bucket(key, data_batch.provide_data, data_batch.provide_label)
        self._curr_module.forward(data_batch, is_train=is_train)

    def backward(self, out_grads=None):
        self._require_bound("backward")
        self._curr_module.backward(out_grads=out_grads)

    def update(self):
        if not (self.binded and self.params_initialized and self.optimizer_initialized):
            raise ValueError("BucketingModule.update needs bind(), init_params() and "
                             "init_optimizer() first")
        self._params_dirty = True
        self._curr_module.update()

    def get_outputs(self, merge_multi_context=True):
        self._require_bound("get_outputs")
        return self._curr_module.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        self._require_bound("get_input_grads")
        return self._curr_module.get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        self._require_bound("update_metric")
        self._curr_module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        self._require_bound("install_monitor")
        self._monitor = mon
        for module in self._buckets.values():
            module.install_monitor(mon)

    def save_params(self, fname):
        """The shared parameters as one .params file (arg:/aux: keys)."""
        self._require_bound("save_params")
        self._curr_module.save_params(fname)

    def load_params(self, fname):
        self._require_bound("load_params")
        self._buckets[self._default_bucket_key].load_params(fname)
        self.params_initialized = True

    def save_checkpoint(self, prefix, epoch, remove_amp_cast=False):
        """prefix-%04d.params once, prefix-<bucket_key>-symbol.json per bucket, and
        prefix.buckets (the keys, int32), as MXNet writes them."""
        if not self._buckets:
            raise ValueError("an empty BucketingModule cannot be saved")
        self.save_params("%s-%04d.params" % (prefix, epoch))
        for key in self._buckets:
            symbol, _, _ = self._call_sym_gen(key)
            symbol.save("%s-%s-symbol.json" % (prefix, key))
        nd.save("%s.buckets" % prefix, nd.array(list(self._buckets.keys()), dtype=np.int32))
