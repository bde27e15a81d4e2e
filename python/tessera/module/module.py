"""Module (MXNet 1.9's mxnet.module.Module): trains and runs a Symbol on one or more devices.
The computation is Tessera's C++ Module (core/module/module.h: executors per device, the
gradient sum and the optimizer on a KVStore); the loops are BaseModule's. Life cycle: bind ->
init_params -> init_optimizer -> {forward, backward, update, update_metric}*, or fit."""
import logging
import warnings

from .. import _core
from ..context import Context, cpu
from ..initializer import Initializer, InitDesc, Load, Mixed, Uniform, _cpp_spec, _python_only
from ..io import DataDesc
from ..kvstore import KVStore
from ..model import load_checkpoint
from ..ndarray import load as _nd_load
from ..ndarray import save as _nd_save
from ..ndarray.ndarray import NDArray, _dtype_code, _wrap
from ..optimizer import Optimizer
from ..optimizer import create as _create_optimizer
from .base_module import BaseModule

__all__ = ["Module"]


def _descs(shapes):
    """DataDescs from DataDescs or (name, shape) pairs."""
    if shapes is None:
        return []
    out = []
    for s in shapes:
        if isinstance(s, DataDesc):
            out.append(s)
        elif isinstance(s, (tuple, list)) and len(s) == 2:
            out.append(DataDesc(s[0], tuple(s[1])))
        else:
            raise ValueError("a data shape is a DataDesc or a (name, shape) pair; got %r" % (s,))
    return out


def _pairs(descs):
    return [(d.name, [int(x) for x in d.shape], _dtype_code(getattr(d, "dtype", None)),
             getattr(d, "layout", "NCHW") or "NCHW") for d in descs]


class Module(BaseModule):
    """A symbol to train or run: data_names and label_names name its inputs, context is one
    Context or a list (the batch is split across them), fixed_param_names are not updated."""

    def __init__(self, symbol, data_names=("data",), label_names=("softmax_label",),
                 logger=logging, context=cpu(), work_load_list=None, fixed_param_names=None,
                 state_names=None, group2ctxs=None, compression_params=None):
        super(Module, self).__init__(logger=logger)
        if isinstance(context, Context):
            context = [context]
        self._context = list(context)
        if work_load_list is not None and len(set(work_load_list)) > 1:
            raise NotImplementedError("work_load_list with unequal loads is not in Tessera; "
                                      "the batch is split evenly across contexts")
        if state_names:
            raise NotImplementedError("state_names is not in Tessera's Module yet")
        self._symbol = symbol
        self._data_names = list(data_names or [])
        self._label_names = list(label_names or [])
        self._fixed_param_names = list(fixed_param_names or [])
        arguments = symbol.list_arguments()
        for name in self._data_names + self._label_names:
            if name not in arguments:
                if name in self._label_names:
                    continue  # MXNet tolerates a label the symbol does not use
                raise ValueError("Module: data name %r is not an argument of the symbol; its "
                                 "arguments are %s" % (name, ", ".join(arguments)))
        self._label_names = [n for n in self._label_names if n in arguments]
        self._output_names = symbol.list_outputs()
        self._handle = _core.ModuleHandle(symbol.handle, [c._pair() for c in self._context],
                                          self._data_names, self._label_names,
                                          self._fixed_param_names)
        self._data_shapes = []
        self._label_shapes = []
        self._preload = None
        self._preload_opt_states = None
        self._grad_req = "write"
        self._monitor = None
        self._monitored = []

    # ---- information ------------------------------------------------------------------------
    @property
    def data_names(self):
        return self._data_names

    @property
    def label_names(self):
        return self._label_names

    @property
    def output_names(self):
        return self._output_names

    @property
    def data_shapes(self):
        self._require(self.binded, "data_shapes", "bind()")
        return self._data_shapes

    @property
    def label_shapes(self):
        self._require(self.binded, "label_shapes", "bind()")
        return self._label_shapes

    @property
    def output_shapes(self):
        self._require(self.binded, "output_shapes", "bind()")
        known = {d.name: d.shape for d in self._data_shapes + self._label_shapes}
        _, out, _ = self._symbol.infer_shape(**known)
        return list(zip(self._output_names, out))

    def _require(self, ok, method, step):
        if not ok:
            raise ValueError("Module.%s needs %s first" % (method, step))

    # ---- set-up -----------------------------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req="write"):
        """Allocates executors for these input shapes (DataDescs or (name, shape) pairs)."""
        if self.binded and not force_rebind:
            self.logger.warning("Already bound, ignoring bind()")
            return
        shared = None
        if shared_module is not None:
            if not isinstance(shared_module, Module) or not shared_module.binded:
                raise ValueError("bind(shared_module=...) takes a bound Module; got %r"
                                 % (shared_module,))
            shared = shared_module._handle
        per_arg = self._grad_reqs(grad_req, inputs_need_grad)
        data = _descs(data_shapes)
        label = [d for d in _descs(label_shapes) if d.name in self._label_names]
        self._handle.bind(_pairs(data), _pairs(label), bool(for_training),
                          bool(inputs_need_grad), bool(force_rebind),
                          grad_req if isinstance(grad_req, str) else "write", shared, per_arg)
        self._data_shapes, self._label_shapes = data, label
        self.binded = True
        if self._monitor is not None:  # the new executors report to it too
            self._install_on_executors(self._monitor)
        if shared_module is not None:
            # Its arrays and optimizer are the shared module's: keep that module alive.
            self._shared_module = shared_module
            self.params_initialized = shared_module.params_initialized
            self.optimizer_initialized = shared_module.optimizer_initialized
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        if self._preload is not None:
            arg, aux = self._preload
            self._handle.init_params("", {k: v.handle for k, v in arg.items()},
                                     {k: v.handle for k, v in aux.items()}, False, True)

    def install_monitor(self, mon):
        """Installs mx.monitor.Monitor `mon` on this module's executors (and on those of
        later rebinds), as MXNet's Module.install_monitor."""
        self._require(self.binded, "install_monitor", "bind()")
        self._monitor = mon
        self._install_on_executors(mon)

    def _install_on_executors(self, mon):
        from ..executor import Executor
        for exe in self._monitored:  # replaced by a rebind
            if exe in mon.exes:
                mon.exes.remove(exe)
        self._monitored = [Executor(h, self._symbol) for h in self._handle.executors()]
        for exe in self._monitored:
            mon.install(exe)

    def _grad_reqs(self, grad_req, inputs_need_grad):
        """Per-argument requests for a list or dict grad_req (MXNet's rules: a dict starts from
        'write' for parameters, 'null' for fixed ones and labels, 'write' for data when
        inputs_need_grad); {} for a string, which the C++ Module applies itself."""
        if isinstance(grad_req, str):
            return {}
        arguments = self._symbol.list_arguments()
        if isinstance(grad_req, (list, tuple)):
            if len(grad_req) != len(arguments):
                raise ValueError("grad_req as a list needs one request per argument (%d: %s); "
                                 "got %d" % (len(arguments), ", ".join(arguments),
                                             len(grad_req)))
            return {k: str(r) for k, r in zip(arguments, grad_req)}
        if not isinstance(grad_req, dict):
            raise ValueError("grad_req must be one of str, list, tuple, or dict; got %s"
                             % type(grad_req).__name__)
        unknown = [k for k in grad_req if k not in arguments]
        if unknown:
            raise ValueError("grad_req names %s, not arguments of the symbol (%s)"
                             % (", ".join(unknown), ", ".join(arguments)))
        reqs = {}
        for k in arguments:
            if k in self._data_names:
                reqs[k] = "write" if inputs_need_grad else "null"
            elif k in self._label_names or k in self._fixed_param_names:
                reqs[k] = "null"
            else:
                reqs[k] = "write"
        reqs.update({k: str(v) for k, v in grad_req.items()})
        return reqs

    def reshape(self, data_shapes, label_shapes=None):
        """Rebinds for new input shapes; parameters, the optimizer and its states stay."""
        self._require(self.binded, "reshape", "bind()")
        self.bind(data_shapes, label_shapes, self.for_training, self.inputs_need_grad,
                  force_rebind=True, shared_module=getattr(self, "_shared_module", None),
                  grad_req=self._grad_req)

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initializes the parameters: values from arg_params/aux_params where given (all of
        them unless allow_missing), the initializer for the rest."""
        if self.params_initialized and not force_init:
            warnings.warn("Parameters already initialized and force_init=False. init_params "
                          "call ignored.", stacklevel=2)
            return
        self._require(self.binded, "init_params", "bind()")
        arg_params = dict(arg_params or {})
        aux_params = dict(aux_params or {})
        if not allow_extra:
            known = set(self._symbol.list_arguments()) | set(
                self._symbol.list_auxiliary_states())
            extra = [k for k in list(arg_params) + list(aux_params) if k not in known]
            if extra:
                raise ValueError("init_params: %s not in the symbol; pass allow_extra=True to "
                                 "ignore them" % ", ".join(sorted(extra)))
        spec = _cpp_spec(initializer) if initializer is not None else None
        if spec is not None and any(_python_only(a["__init__"]) for a in
                                    self._symbol.attr_dict().values() if "__init__" in a):
            spec = None  # a variable's own initializer is a Python one (LSTMBias, Bilinear)
        arg_h = {k: v.handle for k, v in arg_params.items()}
        aux_h = {k: v.handle for k, v in aux_params.items()}
        if spec is not None or (initializer is None and (arg_params or aux_params)):
            self._handle.init_params(spec or "", arg_h, aux_h, bool(allow_missing),
                                     bool(force_init))
        else:
            self._init_in_python(initializer, arg_params, aux_params, allow_missing)
        self.params_initialized = True
        self._preload = None

    def _init_in_python(self, initializer, arg_params, aux_params, allow_missing):
        """A Python initializer (a subclass, Mixed, Load): fills each parameter in Python."""
        if not isinstance(initializer, (Initializer, Mixed, Load)) and not callable(initializer):
            raise TypeError("initializer must be an mx.init initializer; got %s" %
                            type(initializer))
        from ..executor import Executor
        from ..ndarray import zeros as _zeros
        # Fresh arrays of the bound shapes, filled here, then set (the C++ initializers are
        # not run: a variable's __init__ may name a Python one).
        exe = Executor(self._handle.executors()[0], self._symbol)
        inputs = set(self._data_names) | set(self._label_names)
        arg = {n: _zeros(a.shape, dtype=a.dtype) for n, a in exe.arg_dict.items()
               if n not in inputs}
        aux = {n: _zeros(a.shape, dtype=a.dtype) for n, a in exe.aux_dict.items()}
        attrs = self._symbol.attr_dict()
        for params, given in ((arg, arg_params), (aux, aux_params)):
            for name, a in params.items():
                if name in given:
                    given[name].astype(a.dtype).copyto(a)
                    continue
                if arg_params or aux_params:
                    if not allow_missing:
                        raise ValueError("init_params: %s is not in arg_params/aux_params; pass "
                                         "allow_missing=True to initialize it" % name)
                initializer(InitDesc(name, attrs.get(name, {})), a)
        self._handle.set_params({k: v.handle for k, v in arg.items()},
                                {k: v.handle for k, v in aux.items()}, False, True)

    def init_optimizer(self, kvstore="local", optimizer="sgd",
                       optimizer_params=(("learning_rate", 0.01),), force_init=False):
        """Sets up the optimizer (a name with optimizer_params, or an mx.optimizer object) and
        the KVStore ('local', 'device', 'dist_sync', ... or None for updates on the device).
        rescale_grad defaults to 1 / batch size (the global batch for dist_sync)."""
        self._require(self.binded and self.params_initialized, "init_optimizer",
                      "bind() and init_params()")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring...")
            return
        instance = None
        if kvstore is None:
            kvstore = ""
        elif isinstance(kvstore, KVStore):
            instance, kvstore = kvstore.handle, kvstore.type
        elif not isinstance(kvstore, str):
            raise TypeError("kvstore must be a name, an mx.kv.KVStore or None; got %s" %
                            type(kvstore))
        batch = self._data_shapes[0].shape[0]
        if isinstance(optimizer, str):
            params = dict(optimizer_params or {})
            opt = _create_optimizer(optimizer, **params)
            rescale = None  # the C++ Module's default: 1 / batch (global batch for dist_sync)
        elif isinstance(optimizer, Optimizer):
            opt = optimizer
            self._check_builtin(opt)
            rescale = opt.rescale_grad
            if abs(rescale - 1.0 / batch) > 1e-12 and "dist" not in kvstore:
                warnings.warn("Optimizer created manually outside Module but rescale_grad is "
                              "not normalized to 1.0/batch_size/num_workers (%s vs. %s). Is "
                              "this intended?" % (rescale, 1.0 / batch), stacklevel=2)
        else:
            raise TypeError("optimizer must be a name or an mx.optimizer.Optimizer; got %s" %
                            type(optimizer))
        self._check_builtin(opt)
        self._handle.init_optimizer(kvstore, opt._cpp_name, opt._cpp_params(rescale),
                                    bool(force_init), opt._lr_spec(), instance)
        self._optimizer = opt
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def borrow_optimizer(self, shared_module):
        """Updates with shared_module's optimizer (this module must be bound with it as its
        shared_module, whose optimizer and states the C++ Module uses then)."""
        if getattr(self, "_shared_module", None) is not shared_module:
            raise ValueError("borrow_optimizer: bind this module with shared_module=%r first"
                             % (shared_module,))
        if not shared_module.optimizer_initialized:
            raise ValueError("borrow_optimizer: the shared module has no optimizer yet; call "
                             "its init_optimizer() first")
        self._optimizer = shared_module._optimizer
        self.optimizer_initialized = True

    @staticmethod
    def _check_builtin(opt):
        if not opt._is_builtin():
            raise NotImplementedError(
                "optimizer %s is defined in Python; Tessera's Module runs its built-in "
                "optimizers only (%s) for now" %
                (type(opt).__name__, ", ".join(sorted(Optimizer.opt_registry))))

    # ---- computation ------------------------------------------------------------------------
    def forward(self, data_batch, is_train=None):
        """Runs the network on a DataBatch (is_train default: how the module was bound).
        A batch of other shapes rebinds the module for them first, as MXNet does."""
        self._require(self.binded and self.params_initialized, "forward",
                      "bind() and init_params()")
        data = data_batch.data
        if len(data) != len(self._data_names):
            raise ValueError("forward: the batch has %d data arrays, the module's data names "
                             "are %s" % (len(data), self._data_names))
        shapes = [tuple(d.shape) for d in data]
        if shapes != [tuple(d.shape) for d in self._data_shapes]:
            new_data = [DataDesc(d.name, s, getattr(d, "dtype", None) or data[i].dtype,
                                 d.layout) for i, (d, s) in enumerate(zip(self._data_shapes,
                                                                            shapes))]
            new_label = None
            if data_batch.label:
                new_label = [DataDesc(d.name, tuple(l.shape)) for d, l in
                             zip(self._label_shapes, data_batch.label)]
            elif self._label_shapes:
                new_label = [DataDesc(d.name, (shapes[0][0],) + tuple(d.shape[1:]))
                             for d in self._label_shapes]
            self.reshape(new_data, new_label)
        labels = list(data_batch.label or []) if self._label_names else []
        self._handle.forward([d.handle for d in data], [l.handle for l in labels],
                             int(data_batch.pad or 0), is_train)

    def backward(self, out_grads=None):
        """The gradients of the last forward(is_train=True)."""
        self._require(self.binded and self.params_initialized, "backward",
                      "bind() and init_params()")
        if out_grads is None:
            out_grads = []
        elif isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        self._handle.backward([g.handle for g in out_grads])

    def update(self):
        """Applies the optimizer to the last gradients."""
        self._require(self.binded and self.params_initialized and self.optimizer_initialized,
                      "update", "bind(), init_params() and init_optimizer()")
        self._handle.update()

    def get_outputs(self, merge_multi_context=True):
        """The outputs of the last forward (merged across devices)."""
        self._require(self.binded and self.params_initialized, "get_outputs",
                      "bind() and init_params()")
        if not merge_multi_context:
            raise NotImplementedError("get_outputs(merge_multi_context=False) is not in "
                                      "Tessera's Module")
        return [_wrap(h) for h in self._handle.get_outputs()]

    def get_input_grads(self, merge_multi_context=True):
        """Gradients of the data inputs (bind with inputs_need_grad=True)."""
        self._require(self.binded and self.params_initialized and self.inputs_need_grad,
                      "get_input_grads", "bind(inputs_need_grad=True) and init_params()")
        return [_wrap(h) for h in self._handle.get_input_grads()]

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """eval_metric.update_dict(labels by label name, outputs by output name)."""
        labels = labels or []
        eval_metric.update_dict(dict(zip(self._label_names, labels)),
                                dict(zip(self._output_names, self.get_outputs())))

    # ---- parameters -------------------------------------------------------------------------
    def get_params(self):
        """(arg_params, aux_params): copies of the parameters, by name."""
        self._require(self.binded and self.params_initialized, "get_params",
                      "bind() and init_params()")
        arg, aux = self._handle.get_params()
        return ({k: _wrap(v) for k, v in arg.items()}, {k: _wrap(v) for k, v in aux.items()})

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        """Copies values into the parameters."""
        if not self.binded:
            raise ValueError("Module.set_params needs bind() first")
        if not allow_extra:
            known = set(self._symbol.list_arguments()) | set(
                self._symbol.list_auxiliary_states())
            extra = [k for k in list(arg_params or {}) + list(aux_params or {})
                     if k not in known]
            if extra:
                raise ValueError("set_params: %s not in the symbol; pass allow_extra=True" %
                                 ", ".join(sorted(extra)))
        if not self.params_initialized:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init,
                             allow_extra=allow_extra)
            return
        self._handle.set_params({k: v.handle for k, v in (arg_params or {}).items()},
                                {k: v.handle for k, v in (aux_params or {}).items()},
                                bool(allow_missing), bool(force_init))

    def save_params(self, fname):
        """Writes the parameters as an NDArray file with arg:/aux: keys."""
        arg, aux = self.get_params()
        save = {("arg:%s" % k): v for k, v in arg.items()}
        save.update({("aux:%s" % k): v for k, v in aux.items()})
        _nd_save(fname, save)

    def load_params(self, fname):
        """Reads a file written by save_params (or MXNet's) into the parameters."""
        saved = _nd_load(fname)
        if not isinstance(saved, dict):
            raise ValueError("load_params: %s holds no named arrays" % fname)
        arg, aux = {}, {}
        for k, v in saved.items():
            kind, _, name = k.partition(":")
            if kind == "arg":
                arg[name] = v
            elif kind == "aux":
                aux[name] = v
            else:
                raise ValueError("Invalid param file " + fname)
        self.set_params(arg, aux)

    def save_checkpoint(self, prefix, epoch, save_optimizer_states=False, remove_amp_cast=True):
        """prefix-symbol.json, prefix-%04d.params and, optionally, prefix-%04d.states."""
        self._require(self.binded and self.params_initialized, "save_checkpoint",
                      "bind() and init_params()")
        self._handle.save_checkpoint(prefix, int(epoch))
        param_name = "%s-%04d.params" % (prefix, epoch)
        logging.info('Saved checkpoint to "%s"', param_name)
        if save_optimizer_states:
            state_name = "%s-%04d.states" % (prefix, epoch)
            self.save_optimizer_states(state_name)
            logging.info('Saved optimizer state to "%s"', state_name)

    @staticmethod
    def load(prefix, epoch, load_optimizer_states=False, **kwargs):
        """A Module of prefix-symbol.json with the parameters of prefix-%04d.params (set at
        bind); load_optimizer_states reads prefix-%04d.states at init_optimizer."""
        sym, args, auxs = load_checkpoint(prefix, epoch)
        mod = Module(symbol=sym, **kwargs)
        mod._preload = (args, auxs)
        mod.params_initialized = True
        if load_optimizer_states:
            mod._preload_opt_states = "%s-%04d.states" % (prefix, epoch)
        return mod

    def save_optimizer_states(self, fname):
        self._require(self.optimizer_initialized, "save_optimizer_states", "init_optimizer()")
        self._handle.save_optimizer_states(fname)

    def load_optimizer_states(self, fname):
        self._require(self.optimizer_initialized, "load_optimizer_states", "init_optimizer()")
        self._handle.load_optimizer_states(fname)
