"""Parameter initializers (MXNet 1.9's mxnet.initializer, also mx.init). An initializer is
called as init(desc, array): names ending in weight get its own rule (_init_weight), bias and
beta zeros, gamma ones, min/max zero/one; a variable's __init__ attribute overrides the pattern.
The built-in rules (Uniform, Normal, Xavier, MSRAPrelu, Orthogonal, Constant, Zero, One) are
Tessera's C++ initializers, so Python and C++ give the same numbers; subclass Initializer and
override _init_weight for a rule of your own."""
import json
import re

import numpy as np

from . import _core
from .base import string_types
from .ndarray.ndarray import NDArray
from .registry import make_registry

__all__ = ["InitDesc", "Initializer", "register", "alias", "create", "Uniform", "Normal",
           "Xavier", "MSRAPrelu", "Orthogonal", "Constant", "Zero", "One", "LSTMBias", "Mixed",
           "Load"]

_REGISTRY, register, alias = make_registry()


class InitDesc(str):
    """A parameter's name (a str) with its attributes and the global initializer."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super(InitDesc, cls).__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


def create(init, **kwargs):
    """An initializer from an instance, a name ('xavier') or its JSON ('["xavier", {...}]')."""
    if isinstance(init, Initializer):
        return init
    if isinstance(init, string_types):
        if init.startswith("["):
            name, params = json.loads(init)
            return create(name, **dict(params, **kwargs))
        klass = _REGISTRY.get(init.lower())
        if klass is None:
            raise ValueError("unknown initializer %r; known: %s" %
                             (init, ", ".join(sorted(_REGISTRY))))
        return klass(**kwargs)
    raise TypeError("an initializer must be an Initializer, a name or JSON; got %s" % type(init))


class Initializer(object):
    """The base class: __call__ dispatches on the parameter name (see the module docstring)."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        self._verbose = verbose
        self._print_func = print_func or (lambda x: str(float(np.linalg.norm(x.asnumpy())) /
                                                        np.sqrt(x.size)))
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            import logging
            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self):
        """The initializer as MXNet's JSON: '["name", {params}]'."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc, arr):
        if not isinstance(arr, NDArray):
            raise TypeError("an initializer fills an NDArray; got %s" % type(arr))
        if not isinstance(desc, InitDesc):
            desc = InitDesc(str(desc))
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        if desc.endswith("weight"):
            self._init_weight(desc, arr)
        elif desc.endswith("bias"):
            self._init_bias(desc, arr)
        elif desc.endswith("gamma"):
            self._init_gamma(desc, arr)
        elif desc.endswith("beta"):
            self._init_beta(desc, arr)
        elif desc.endswith("min") or desc.endswith("moving_mean"):
            self._init_zero(desc, arr)
        elif desc.endswith("max") or desc.endswith("moving_var"):
            self._init_one(desc, arr)
        else:
            self._init_default(desc, arr)
        self._verbose_print(desc, "default", arr)

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    _init_bias = _init_zero
    _init_beta = _init_zero
    _init_gamma = _init_one

    def _init_weight(self, name, arr):
        raise NotImplementedError("Must override it")

    def _init_default(self, name, _):
        raise ValueError('Unknown initialization pattern for %s. Default initialization is now '
                         'limited to "weight", "bias", "gamma" (1.0), and "beta" (0.0). Please '
                         'use mx.sym.Variable(init=mx.init.*) to set initialization pattern' %
                         name)

    def __eq__(self, other):
        return isinstance(other, Initializer) and self.dumps() == other.dumps()

    def __hash__(self):
        return hash(self.dumps())


class _Builtin(Initializer):
    """An initializer whose weight rule is Tessera's C++ one (by its JSON)."""

    def _init_weight(self, name, arr):
        _core.init_fill(self.dumps(), "weight", arr.handle, "")


@register
class Uniform(_Builtin):
    """Weights from U(-scale, scale)."""

    def __init__(self, scale=0.07):
        super(Uniform, self).__init__(scale=scale)
        self.scale = scale


@register
class Normal(_Builtin):
    """Weights from N(0, sigma^2)."""

    def __init__(self, sigma=0.01):
        super(Normal, self).__init__(sigma=sigma)
        self.sigma = sigma


@register
class Xavier(_Builtin):
    """Xavier/Glorot: scale sqrt(magnitude / factor), factor the fan in, out or their mean;
    rnd_type 'uniform' or 'gaussian'."""

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super(Xavier, self).__init__(rnd_type=rnd_type, factor_type=factor_type,
                                     magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)


@register
class MSRAPrelu(_Builtin):
    """He initialization for PReLU with the given slope (Gaussian Xavier, magnitude
    2 / (1 + slope^2))."""

    def __init__(self, factor_type="avg", slope=0.25):
        super(MSRAPrelu, self).__init__(factor_type=factor_type, slope=slope)


@register
class Orthogonal(_Builtin):
    """An orthogonal matrix times `scale` (rows of the flattened weight)."""

    def __init__(self, scale=1.414, rand_type="uniform"):
        if rand_type != "uniform":
            raise NotImplementedError("Orthogonal: only rand_type='uniform' is in Tessera, got "
                                      "%r" % (rand_type,))
        super(Orthogonal, self).__init__(scale=scale)
        self.scale = scale
        self.rand_type = rand_type


@register
class Constant(Initializer):
    """Weights of `value` (biases zero and gammas one, as for every rule)."""

    def __init__(self, value):
        super(Constant, self).__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value


@register
@alias("zeros")
class Zero(Initializer):
    """Zeros."""

    def __init__(self):
        super(Zero, self).__init__()

    def _init_weight(self, _, arr):
        arr[:] = 0


@register
@alias("ones")
class One(Initializer):
    """Ones."""

    def __init__(self):
        super(One, self).__init__()

    def _init_weight(self, _, arr):
        arr[:] = 1


@register
class Bilinear(Initializer):
    """Weights of a bilinear upsampling kernel (N, C, kh, kw), as MXNet's: each tap is
    (1 - |x / f - c|) * (1 - |y / f - c|) with f = ceil(kw / 2), c = (2f - 1 - f % 2) / 2f."""

    def __init__(self):
        super(Bilinear, self).__init__()

    def _init_weight(self, _, arr):
        shape = arr.shape
        f = np.ceil(shape[3] / 2.0)
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        x = np.arange(shape[3]).reshape(1, -1)
        y = np.arange(shape[2]).reshape(-1, 1)
        plane = ((1 - np.abs(x / f - c)) * (1 - np.abs(y / f - c))).astype(np.float32)
        arr[:] = np.broadcast_to(plane, shape).copy()


@register
class LSTMBias(Initializer):
    """An LSTM's i2h bias (MXNet's): zeros, but forget_bias for the forget gate's quarter
    (gates in the order i, f, c, o)."""

    def __init__(self, forget_bias=1.0):
        super(LSTMBias, self).__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        value = np.zeros(arr.shape, dtype=np.float32)
        hidden = int(arr.shape[0] / 4)
        value[hidden:2 * hidden] = self.forget_bias
        arr[:] = value


class Mixed(object):
    """The first initializer whose regular expression matches the name (re.match) fills it;
    ValueError when none does (end the list with '.*' for a default)."""

    def __init__(self, patterns, initializers):
        if len(patterns) != len(initializers):
            raise ValueError("Mixed: %d patterns for %d initializers" %
                             (len(patterns), len(initializers)))
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError("Parameter name %s did not match any pattern. Consider add a \".*\" "
                         "pattern at the and with default Initializer." % name)


class Load(object):
    """Values from a dict of arrays (or an NDArray file, arg:/aux: prefixes dropped); names
    not in it go to default_init (ValueError without one)."""

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, string_types):
            from .ndarray import load
            param = load(param)
        if not isinstance(param, dict):
            raise TypeError("Load: param must be a dict of arrays or a file name")
        self.param = {}
        for name, arr in param.items():
            if name.startswith("arg:") or name.startswith("aux:"):
                name = name[4:]
            self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            if arr.shape != self.param[name].shape:
                raise ValueError("Parameter %s cannot be initialized from loading. Shape "
                                 "mismatch, target %s vs loaded %s" %
                                 (name, str(arr.shape), self.param[name].shape))
            arr[:] = self.param[name]
        else:
            if self.default_init is None:
                raise ValueError("Cannot Initialize %s. Not found in loaded param and no "
                                 "default Initializer is provided." % name)
            self.default_init(name, arr)


def _python_only(init_attr):
    """Whether a variable's __init__ attribute names an initializer only Python runs."""
    try:
        return _cpp_spec(create(init_attr)) is None
    except ValueError:
        return False  # unknown here: let the C++ initializer report it


def _cpp_spec(init):
    """The C++ spec of a built-in initializer used as is (not subclassed), else None."""
    if type(init) in (Uniform, Normal, Xavier, MSRAPrelu) or (
            type(init) is Orthogonal and init.rand_type == "uniform"):
        return init.dumps()
    if type(init) in (Zero, One, Constant):
        return init.dumps()
    return None
