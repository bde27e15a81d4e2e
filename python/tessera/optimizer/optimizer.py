"""Optimizers (MXNet 1.9's mxnet.optimizer). Each built-in class describes one of Tessera's
C++ optimizers (core/optimizer) with MXNet's arguments; Module and the KVStores run it. The
arguments are checked when the optimizer is made: an unknown one is a ValueError listing the
valid ones. create('adam', learning_rate=...) makes one by name; register adds a class."""
from .. import _core
from ..ndarray.ndarray import _param_str

__all__ = ["Optimizer", "register", "create", "SGD", "NAG", "Adam", "RMSProp", "AdaGrad",
           "Signum", "LAMB", "AdaDelta", "Adamax", "Nadam", "Ftrl"]

# Arguments that stay in Python (the rest go to the C++ optimizer as given).
_PYTHON_ONLY = ("param_idx2name", "sym", "param_dict", "lr_scheduler", "begin_num_update",
                "aggregate_num", "use_fused_step")


class Optimizer(object):
    """The base class. Built-in subclasses are Tessera's C++ optimizers; a Python subclass
    that overrides update() is not yet run by Module or the KVStores (NotImplementedError)."""

    opt_registry = {}
    _cpp_name = None
    _default_lr = 0.01

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None, **kwargs):
        self.rescale_grad = rescale_grad
        self.wd = wd
        self.clip_gradient = clip_gradient
        self.lr = self._default_lr if learning_rate is None else learning_rate
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is not None and learning_rate is not None:
            lr_scheduler.base_lr = learning_rate
        elif lr_scheduler is not None:
            self.lr = lr_scheduler.base_lr
        self.multi_precision = multi_precision
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self.idx2name = dict(param_idx2name or {})
        self.param_dict = param_dict or {}
        self.lr_mult = {}
        self.wd_mult = {}
        given = dict(kwargs)
        if learning_rate is not None:
            given["learning_rate"] = learning_rate
        if wd != 0.:
            given["wd"] = wd
        if rescale_grad != 1.:
            given["rescale_grad"] = rescale_grad
        if clip_gradient is not None:
            given["clip_gradient"] = clip_gradient
        if multi_precision:
            given["multi_precision"] = multi_precision
        self._given = given
        for k, v in kwargs.items():
            setattr(self, k, v)
        if self._cpp_name is not None:
            _core.optimizer_check(self._cpp_name, self._cpp_params())

    @property
    def learning_rate(self):
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note that "
                              "set_learning_rate can mutate the value of the learning rate of "
                              "the optimizer only when the LRScheduler of the optimizer is "
                              "undefined.")
        self.lr = lr
        self._given["learning_rate"] = lr

    def set_lr_mult(self, args_lr_mult):
        self.lr_mult = dict(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        self.wd_mult = dict(args_wd_mult)

    def _cpp_params(self, rescale_grad=None):
        """The arguments for the C++ optimizer, as MXNet's strings."""
        params = {k: _param_str(k, v) for k, v in self._given.items()
                  if k not in _PYTHON_ONLY and v is not None}
        if rescale_grad is not None:
            params["rescale_grad"] = repr(float(rescale_grad))
        return params

    def _lr_spec(self):
        return "" if self.lr_scheduler is None else self.lr_scheduler._spec()

    def _is_builtin(self):
        return self._cpp_name is not None and type(self).update is Optimizer.update

    def create_state(self, index, weight):
        raise NotImplementedError("create_state: Tessera's built-in optimizers keep their "
                                  "states in C++")

    def update(self, index, weight, grad, state):
        raise NotImplementedError()

    @staticmethod
    def register(klass):
        """Registers an optimizer class under its lowercase name."""
        name = klass.__name__.lower()
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is None:
            raise ValueError("Cannot find optimizer %s; known: %s" %
                             (name, ", ".join(sorted(Optimizer.opt_registry))))
        return klass(**kwargs)


register = Optimizer.register
create = Optimizer.create_optimizer


def _builtin(name, cpp_name, default_lr, doc):
    klass = type(name, (Optimizer,), {"_cpp_name": cpp_name, "_default_lr": default_lr,
                                      "__doc__": doc, "__module__": __name__})
    return register(klass)


SGD = _builtin("SGD", "sgd", 0.01, "Stochastic gradient descent, with momentum when given.")
NAG = _builtin("NAG", "nag", 0.01, "Nesterov accelerated gradient.")
Adam = _builtin("Adam", "adam", 0.001, "Adam (beta1, beta2, epsilon).")
RMSProp = _builtin("RMSProp", "rmsprop", 0.001, "RMSProp (gamma1, gamma2, epsilon, centered).")
AdaGrad = _builtin("AdaGrad", "adagrad", 0.01, "AdaGrad (eps).")
Signum = _builtin("Signum", "signum", 0.01, "Signum: signs of momentum (momentum, wd_lh).")
LAMB = _builtin("LAMB", "lamb", 0.001, "LAMB: layer-wise adaptive moments.")
AdaDelta = _builtin("AdaDelta", "adadelta", 0.01, "AdaDelta (rho, epsilon).")
Adamax = _builtin("Adamax", "adamax", 0.002, "Adamax (beta1, beta2).")
Nadam = _builtin("Nadam", "nadam", 0.001, "Nadam (beta1, beta2, epsilon, schedule_decay).")
Ftrl = _builtin("Ftrl", "ftrl", 0.1, "FTRL (lamda1, beta).")
