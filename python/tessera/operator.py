"""Custom operators written in Python (MXNet 1.9's mxnet.operator).

Subclass CustomOpProp (names, shapes, types, which arrays the backward pass needs) and CustomOp
(forward and backward on NDArrays), register the prop under a name, and use it as the Custom
operator: mx.nd.Custom(x, op_type="name"), mx.sym.Custom(data=x, op_type="name"), or a symbol
file with Custom nodes. Parameters other than op_type reach the prop's constructor as strings.

The kernels run on the engine's workers with autograd paused (training mode as is_train) and
the operator's context as the default one; the NDArrays they get are valid while they run.
Undeclared backward dependencies are None. An exception a kernel raises reaches whoever waits
for its outputs (asnumpy, forward, fit), with its traceback.
"""
from . import _core
from . import autograd as _autograd
from .context import _from_pair
from .ndarray.ndarray import _CODE_TO_NP, _wrap
from .ndarray.ndarray import _dtype_code

__all__ = ["CustomOp", "CustomOpProp", "register", "get_all_registered_operators"]


class CustomOp(object):
    """Base class of an operator implemented in Python: override forward and backward."""

    def __init__(self):
        pass

    def forward(self, is_train, req, in_data, out_data, aux):
        """Computes out_data (and updates aux) from in_data; req[i] ('null', 'write',
        'inplace', 'add') says how to write out_data[i] (self.assign does it)."""
        pass

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        """Computes in_grad (as req says) from the arrays declared as backward dependencies."""
        pass

    def assign(self, dst, req, src):
        """Writes src into dst as req says: nothing, overwrite, or add."""
        if req == "null":
            return
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] += src
        else:
            raise ValueError("req must be 'null', 'write', 'inplace' or 'add'; got %r" % (req,))


class CustomOpProp(object):
    """Base class of a custom operator's properties. need_top_grad: whether the backward
    pass reads the output gradients (False for loss layers)."""

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape):
        """(argument shapes, output shapes[, auxiliary shapes]) from the argument shapes."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type):
        """(argument types, output types[, auxiliary types]) as numpy types."""
        return in_type, [in_type[0]] * len(self.list_outputs()), \
            [in_type[0]] * len(self.list_auxiliary_states())

    def infer_storage_type(self, in_stype):
        """Storage types: Tessera's custom operators take dense ('default') arrays only."""
        for i, stype in enumerate(in_stype):
            if stype != "default":
                raise NotImplementedError("custom operators take dense arrays only; in_stype[%d] "
                                          "is %r" % (i, stype))
        return in_stype, ["default"] * len(self.list_outputs()), \
            ["default"] * len(self.list_auxiliary_states())

    def list_outputs(self):
        return ["output"]

    def list_arguments(self):
        return ["data"]

    def list_auxiliary_states(self):
        return []

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """The arrays backward reads: by default the output gradients (when need_top_grad),
        the inputs and the outputs."""
        deps = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx, in_shapes, in_dtypes):
        """The CustomOp that runs on ctx for these input shapes and dtype codes."""
        return CustomOp()


_REGISTRY = {}


def _np_type(code):
    return None if code < 0 else _CODE_TO_NP[code]


def _code(t, what, op_type):
    if t is None:
        return -1
    try:
        return _dtype_code(t)
    except TypeError:
        raise TypeError("custom operator %r: infer_type returned %r for %s; return numpy types "
                        "(numpy.float32, ...)" % (op_type, t, what))


def _split(ret, n, method, op_type):
    """(args, outs, auxs) from what infer_shape/infer_type returned (2 or 3 lists)."""
    if not isinstance(ret, (list, tuple)) or len(ret) not in (2, 3):
        raise ValueError("custom operator %r: %s must return 2 or 3 lists (arguments, outputs "
                         "and optionally auxiliary states); got %r" % (op_type, method, ret))
    ret = list(ret) + ([[]] if len(ret) == 2 else [])
    for part, expected, what in zip(ret, n, ("argument", "output", "auxiliary state")):
        if len(part) != expected:
            raise ValueError("custom operator %r: %s returned %d %s entries; expected %d" %
                             (op_type, method, len(part), what, expected))
    return ret


class _PropBridge(object):
    """What the C++ Custom operator calls (python/src/custom.cc)."""

    def __init__(self, op_type, prop):
        self.op_type = op_type
        self.prop = prop

    def _counts(self):
        return (len(self.prop.list_arguments()), len(self.prop.list_outputs()),
                len(self.prop.list_auxiliary_states()))

    def list_arguments(self):
        return [str(x) for x in self.prop.list_arguments()]

    def list_outputs(self):
        return [str(x) for x in self.prop.list_outputs()]

    def list_auxiliary_states(self):
        return [str(x) for x in self.prop.list_auxiliary_states()]

    def infer_shape(self, shapes):
        ret = self.prop.infer_shape([list(s) for s in shapes])
        parts = _split(ret, self._counts(), "infer_shape", self.op_type)
        return tuple([tuple(int(d) for d in s) for s in part] for part in parts)

    def infer_type(self, codes):
        ret = self.prop.infer_type([_np_type(c) for c in codes])
        parts = _split(ret, self._counts(), "infer_type", self.op_type)
        return tuple([_code(t, what, self.op_type) for t in part]
                     for part, what in zip(parts, ("an argument", "an output", "an aux state")))

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        deps = self.prop.declare_backward_dependency(list(out_grad), list(in_data),
                                                     list(out_data))
        return [int(d) for d in deps]

    def create_operator(self, ctx_pair, shapes, codes):
        ctx = _from_pair(ctx_pair)
        op = self.prop.create_operator(ctx, [list(s) for s in shapes], list(codes))
        if not hasattr(op, "forward") or not hasattr(op, "backward"):
            raise TypeError("custom operator %r: create_operator must return a CustomOp; got %r"
                            % (self.op_type, op))
        return _OpBridge(op, ctx)


def _arrays(handles, writable):
    out = []
    for h in handles:
        if h is None:
            out.append(None)
            continue
        a = _wrap(h)
        a.writable = writable
        out.append(a)
    return out


class _OpBridge(object):
    def __init__(self, op, ctx):
        self.op = op
        self.ctx = ctx

    def forward(self, is_train, req, in_data, out_data, aux):
        with _from_pair(self.ctx._pair()), _autograd.pause(train_mode=is_train):
            self.op.forward(is_train=is_train, req=list(req), in_data=_arrays(in_data, False),
                            out_data=_arrays(out_data, True), aux=_arrays(aux, True))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        with _from_pair(self.ctx._pair()), _autograd.pause(train_mode=True):
            self.op.backward(req=list(req), out_grad=_arrays(out_grad, False),
                             in_data=_arrays(in_data, False), out_data=_arrays(out_data, False),
                             in_grad=_arrays(in_grad, True), aux=_arrays(aux, True))


def register(reg_name):
    """Class decorator: registers a CustomOpProp subclass as op_type `reg_name`."""
    def do_register(prop_cls):
        if not (isinstance(prop_cls, type) and issubclass(prop_cls, CustomOpProp)):
            raise TypeError("mx.operator.register(%r) decorates a CustomOpProp subclass; got %r"
                            % (reg_name, prop_cls))

        def factory(op_type, kwargs):
            return _PropBridge(op_type, prop_cls(**kwargs))

        _REGISTRY[reg_name] = prop_cls
        _core.register_custom(reg_name, factory)
        return prop_cls
    return do_register


def get_all_registered_operators():
    """The names of the registered operators, C++ ones and Python custom op_types."""
    return sorted(set(_core.list_ops()) | set(_core.custom_types()))

