"""NDArray (MXNet 1.9's mxnet.ndarray.NDArray): an n-dimensional array on a device, computed
asynchronously by Tessera's engine. Every operation returns at once; asnumpy(), asscalar(),
printing and wait_to_read() wait for the result and raise the errors of the work they waited
for. Handles share memory: `b = a` and views (a[0], a[1:3], a.reshape(...)) see a's values."""
import numpy as _np

from .. import _core
from ..base import _Null, integer_types, mx_real_t, numeric_types
from .. import autograd as _autograd
from ..context import Context, _from_pair, current_context

_AG_STATE = _autograd.STATE

__all__ = ["NDArray", "array", "empty", "zeros", "ones", "full", "arange", "linspace", "eye",
           "zeros_like", "ones_like", "concat", "stack", "waitall", "add", "subtract",
           "multiply", "divide", "modulo", "power", "maximum", "minimum", "equal", "not_equal",
           "greater", "greater_equal", "lesser", "lesser_equal", "moveaxis", "onehot_encode"]

# MXNet's dtype codes (mshadow's type flags) and their numpy types.
_CODE_TO_NP = {0: _np.float32, 1: _np.float64, 2: _np.float16, 3: _np.uint8, 4: _np.int32,
               5: _np.int8, 6: _np.int64, 7: _np.bool_, 8: _np.int16, 9: _np.uint16,
               10: _np.uint32, 11: _np.uint64}
_NP_TO_CODE = {_np.dtype(t): c for c, t in _CODE_TO_NP.items()}


def _dtype_code(dtype):
    """MXNet's code for a dtype given as a numpy type, numpy dtype or name ('float32')."""
    if dtype is None:
        return 0
    if isinstance(dtype, str) and dtype == "bfloat16":
        return 12
    try:
        return _NP_TO_CODE[_np.dtype(dtype)]
    except (KeyError, TypeError):
        raise TypeError("unsupported dtype %r; use one of %s" %
                        (dtype, ", ".join(_np.dtype(t).name for t in _CODE_TO_NP.values())))


def _ctx_pair(ctx):
    if ctx is None:
        ctx = current_context()
    elif isinstance(ctx, str):
        ctx = Context(ctx)
    return ctx._pair()


def _wrap(handle):
    a = NDArray.__new__(NDArray)
    a.handle = handle
    a.writable = True
    a._ag = None
    return a


class NDArray(object):
    """An array of one dtype on one device; create it with mx.nd.array, zeros, ones, ..."""

    __slots__ = ["handle", "writable", "_ag", "__weakref__"]
    # numpy gives way to NDArray in mixed expressions (np_array + nd_array -> NDArray).
    __array_priority__ = 1000.0

    def __init__(self, handle, writable=True):
        self.handle = handle
        self.writable = writable
        self._ag = None  # autograd: a leaf mark or the taped (node, output) that made it

    # ---- properties -------------------------------------------------------------------------
    @property
    def shape(self):
        return self.handle.shape

    @property
    def size(self):
        return self.handle.size

    @property
    def ndim(self):
        return self.handle.ndim

    @property
    def dtype(self):
        code = self.handle.dtype_code
        if code == 12:
            raise TypeError("bfloat16 has no numpy type; use astype('float32') first")
        return _CODE_TO_NP[code]

    @property
    def context(self):
        return _from_pair(self.handle.context)

    ctx = context

    @property
    def stype(self):
        return "default"

    @property
    def T(self):
        if self.ndim < 2:
            return self
        from . import op
        return op.transpose(self)

    # ---- conversion and copies --------------------------------------------------------------
    def asnumpy(self):
        """The values as a new numpy array (waits for pending writes)."""
        return self.handle.to_numpy(_np.dtype(self.dtype))

    def __array__(self, dtype=None):
        a = self.asnumpy()
        return a if dtype is None else a.astype(dtype)

    def asscalar(self):
        """The value of a one-element array as a numpy scalar."""
        if self.size != 1:
            raise ValueError("The current array is not a scalar: shape %s has %d elements" %
                             (self.shape, self.size))
        return self.asnumpy()[(0,) * self.ndim] if self.ndim else self.asnumpy()[()]

    def astype(self, dtype, copy=True):
        """A copy converted to `dtype`; with copy=False, self when it already has that dtype."""
        code = _dtype_code(dtype)
        if not copy and code == self.handle.dtype_code:
            return self
        if self._ag is not None and _recording():
            return _invoke("Cast", [self], {"dtype": _np.dtype(_CODE_TO_NP[code]).name})
        return _wrap(self.handle.as_type(code))

    def copy(self):
        """A deep copy on the same context."""
        if self._ag is not None and _recording():
            return _invoke("_copy", [self], {})
        return _wrap(self.handle.copy())

    def copyto(self, other):
        """Copies the values into the NDArray `other` (returned), or to a new array on the
        Context `other`."""
        if isinstance(other, NDArray):
            if other.handle.shares_memory(self.handle) and other.shape == self.shape:
                return other
            if other.shape != self.shape:
                raise ValueError("copyto: the target's shape %s differs from the source's %s" %
                                 (other.shape, self.shape))
            self.handle.copy_to(other.handle)
            return other
        if isinstance(other, Context):
            return _wrap(self.handle.copy_to_context(other._pair()))
        raise TypeError("copyto does not support type " + str(type(other)))

    def as_in_context(self, context):
        """This array when it is on `context`, else a copy there."""
        if self.context == context:
            return self
        return self.copyto(context)

    def tostype(self, stype):
        """A copy with storage type `stype` (Tessera has dense 'default' storage only)."""
        if stype != "default":
            raise NotImplementedError("storage type %r is not supported by Tessera; only "
                                      "'default' (dense) arrays exist" % (stype,))
        return self.copy()

    def wait_to_read(self):
        """Waits until pending writes to this array are done; raises their errors."""
        self.handle.wait_to_read()

    def reshape(self, *shape, **kwargs):
        """A view with a new shape; MXNet's codes 0 (keep), -1 (infer), -2 (copy the rest),
        -3 (merge two), -4 (split one). reverse=True applies the codes from the right."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        elif not shape:
            shape = kwargs.pop("shape", None)
            if shape is None:
                raise TypeError("reshape() needs a shape")
        reverse = kwargs.pop("reverse", False)
        if kwargs:
            raise TypeError("reshape() got unexpected keyword arguments %s" % sorted(kwargs))
        if reverse or (self._ag is not None and _recording()):
            return _invoke("Reshape", [self], {"shape": tuple(int(s) for s in shape),
                                               "reverse": bool(reverse)})
        return _wrap(self.handle.reshape([int(s) for s in shape]))

    # ---- autograd (autograd.py) -------------------------------------------------------------
    def attach_grad(self, grad_req="write", stype=None):
        """Allocates .grad (zeros) and marks this array for gradients under autograd.record:
        grad_req 'write' overwrites .grad at each backward, 'add' adds, 'null' skips."""
        from .. import autograd
        if stype not in (None, "default"):
            raise NotImplementedError("attach_grad(stype=%r): only dense gradients" % (stype,))
        autograd.mark_variables([self], [_invoke("zeros_like", [self], {})], grad_req)

    @property
    def grad(self):
        """The gradient array attached by attach_grad, or None."""
        from .. import autograd
        return self._ag.grad if isinstance(self._ag, autograd._Leaf) else None

    def detach(self):
        """The same values, cut from the tape (a view that needs no gradient)."""
        return _wrap(self.handle)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Gradients of this array (taped under autograd.record) into the leaves' .grad."""
        from .. import autograd
        autograd.backward([self], None if out_grad is None else [out_grad], retain_graph,
                          train_mode)

    # ---- printing ---------------------------------------------------------------------------
    def __repr__(self):
        shape_info = "x".join(["%d" % x for x in self.shape])
        return "\n%s\n<%s %s @%s>" % (str(self.asnumpy()), self.__class__.__name__, shape_info,
                                      self.context)

    __str__ = __repr__

    # ---- Python protocol --------------------------------------------------------------------
    def __len__(self):
        return self.shape[0]

    def __iter__(self):
        for i in range(self.shape[0]):
            yield self[i]

    def __bool__(self):
        if self.size == 0:
            return False
        if self.size == 1:
            return bool(self.asscalar())
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    def __hash__(self):
        return id(self) // 16

    def __getstate__(self):
        return {"values": self.asnumpy(), "code": self.handle.dtype_code}

    def __setstate__(self, state):
        self.handle = _core.from_numpy(_np.ascontiguousarray(state["values"]), state["code"],
                                       (1, 0))
        self.writable = True
        self._ag = None

    def __reduce__(self):
        return (_wrap, (None,), self.__getstate__())

    # ---- arithmetic -------------------------------------------------------------------------
    def __add__(self, other):
        return add(self, other)

    __radd__ = __add__

    def __sub__(self, other):
        return subtract(self, other)

    def __rsub__(self, other):
        return subtract(other, self)

    def __mul__(self, other):
        return multiply(self, other)

    __rmul__ = __mul__

    def __truediv__(self, other):
        return divide(self, other)

    def __rtruediv__(self, other):
        return divide(other, self)

    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def __mod__(self, other):
        return modulo(self, other)

    def __rmod__(self, other):
        return modulo(other, self)

    def __pow__(self, other):
        return power(self, other)

    def __rpow__(self, other):
        return power(other, self)

    def __neg__(self):
        return _invoke("_mul_scalar", [self], {"scalar": -1.0})

    def __abs__(self):
        return _invoke("abs", [self], {})

    def __eq__(self, other):
        return equal(self, other)

    def __ne__(self, other):
        return not_equal(self, other)

    def __gt__(self, other):
        return greater(self, other)

    def __ge__(self, other):
        return greater_equal(self, other)

    def __lt__(self, other):
        return lesser(self, other)

    def __le__(self, other):
        return lesser_equal(self, other)

    def _inplace(self, other, array_op, scalar_op, what):
        if not self.writable:
            raise ValueError("trying to %s a readonly NDArray" % what)
        other = _as_operand(other, self)
        if isinstance(other, NDArray):
            return _invoke(array_op, [self, other], {}, out=self)
        return _invoke(scalar_op, [self], {"scalar": float(other)}, out=self)

    def __iadd__(self, other):
        return self._inplace(other, "broadcast_add", "_plus_scalar", "add to")

    def __isub__(self, other):
        return self._inplace(other, "broadcast_sub", "_minus_scalar", "subtract from")

    def __imul__(self, other):
        return self._inplace(other, "broadcast_mul", "_mul_scalar", "multiply")

    def __itruediv__(self, other):
        return self._inplace(other, "broadcast_div", "_div_scalar", "divide")

    __idiv__ = __itruediv__

    def __imod__(self, other):
        return self._inplace(other, "broadcast_mod", "_mod_scalar", "take modulo of")

    # ---- indexing (indexing.py) -------------------------------------------------------------
    def __getitem__(self, key):
        from .indexing import get_item
        return get_item(self, key)

    def __setitem__(self, key, value):
        from .indexing import set_item
        if not self.writable:
            raise ValueError("Cannot assign to readonly NDArray")
        set_item(self, key, value)


def _param_str(key, value):
    """A parameter value as the string MXNet's Python front end stores (str() of the value;
    numpy dtypes by name)."""
    if isinstance(value, str):
        return value
    if key == "dtype" or isinstance(value, type) or isinstance(value, _np.dtype):
        try:
            return _np.dtype(value).name
        except TypeError:
            pass
    if isinstance(value, list):
        value = tuple(value)
    return str(value)


def _invoke(op_name, inputs, params, out=None, ctx=None):
    """Runs operator `op_name` now: NDArray inputs, parameters (Python values or MXNet's
    strings), optional out (an NDArray or a list of them, returned)."""
    params = {k: _param_str(k, v) for k, v in params.items()}
    state = _AG_STATE
    if state.recording and _autograd.tracked(inputs):
        return _autograd.record_op(op_name, inputs, params, out, _ctx_pair(ctx), _wrap)
    outs = [out] if isinstance(out, NDArray) else (out or [])
    handles = _core.invoke(op_name, [a.handle for a in inputs], params,
                           [o.handle for o in outs], _ctx_pair(ctx), state.training)
    if out is not None:
        return out
    return _wrap(handles[0]) if len(handles) == 1 else [_wrap(h) for h in handles]


def _recording():
    return _AG_STATE.recording


def _as_operand(x, like):
    """Numbers stay numbers; numpy arrays and lists become NDArrays on `like`'s context."""
    if isinstance(x, NDArray) or _is_scalar(x):
        return x
    if isinstance(x, (_np.ndarray, list, tuple)):
        return array(x, ctx=like.context, dtype=like.dtype)
    raise TypeError("type %s not supported" % str(type(x)))


def _is_scalar(x):
    return isinstance(x, numeric_types) and not isinstance(x, _np.ndarray)


def _ufunc(lhs, rhs, array_op, scalar_op, rscalar_op, py_fn):
    if _is_scalar(lhs):
        if _is_scalar(rhs):
            return py_fn(lhs, rhs)
        if not isinstance(rhs, NDArray):
            raise TypeError("type %s not supported" % str(type(rhs)))
        return _invoke(rscalar_op, [rhs], {"scalar": float(lhs)})
    if not isinstance(lhs, NDArray):
        if not isinstance(rhs, NDArray):
            raise TypeError("type %s not supported" % str(type(lhs)))
        lhs = _as_operand(lhs, rhs)
    rhs = _as_operand(rhs, lhs)
    if isinstance(rhs, NDArray):
        return _invoke(array_op, [lhs, rhs], {})
    return _invoke(scalar_op, [lhs], {"scalar": float(rhs)})


def add(lhs, rhs):
    """Element-wise sum with broadcasting (NDArrays or numbers)."""
    return _ufunc(lhs, rhs, "broadcast_add", "_plus_scalar", "_plus_scalar", lambda a, b: a + b)


def subtract(lhs, rhs):
    """Element-wise difference with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_sub", "_minus_scalar", "_rminus_scalar",
                  lambda a, b: a - b)


def multiply(lhs, rhs):
    """Element-wise product with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_mul", "_mul_scalar", "_mul_scalar", lambda a, b: a * b)


def divide(lhs, rhs):
    """Element-wise division with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_div", "_div_scalar", "_rdiv_scalar", lambda a, b: a / b)


def modulo(lhs, rhs):
    """Element-wise modulo with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_mod", "_mod_scalar", "_rmod_scalar", lambda a, b: a % b)


def power(base, exp):
    """Element-wise power with broadcasting."""
    return _ufunc(base, exp, "broadcast_power", "_power_scalar", "_rpower_scalar",
                  lambda a, b: a ** b)


def maximum(lhs, rhs):
    """Element-wise maximum with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_maximum", "_maximum_scalar", "_maximum_scalar", max)


def minimum(lhs, rhs):
    """Element-wise minimum with broadcasting."""
    return _ufunc(lhs, rhs, "broadcast_minimum", "_minimum_scalar", "_minimum_scalar", min)


def _compare(lhs, rhs, array_op, scalar_op, rscalar_op, py_fn):
    return _ufunc(lhs, rhs, array_op, scalar_op, rscalar_op, lambda a, b: 1 if py_fn(a, b) else 0)


def equal(lhs, rhs):
    """1 where lhs == rhs, else 0 (the inputs' dtype), with broadcasting."""
    return _compare(lhs, rhs, "broadcast_equal", "_equal_scalar", "_equal_scalar",
                    lambda a, b: a == b)


def not_equal(lhs, rhs):
    """1 where lhs != rhs, else 0, with broadcasting."""
    return _compare(lhs, rhs, "broadcast_not_equal", "_not_equal_scalar", "_not_equal_scalar",
                    lambda a, b: a != b)


def greater(lhs, rhs):
    """1 where lhs > rhs, else 0, with broadcasting."""
    return _compare(lhs, rhs, "broadcast_greater", "_greater_scalar", "_lesser_scalar",
                    lambda a, b: a > b)


def greater_equal(lhs, rhs):
    """1 where lhs >= rhs, else 0, with broadcasting."""
    return _compare(lhs, rhs, "broadcast_greater_equal", "_greater_equal_scalar",
                    "_lesser_equal_scalar", lambda a, b: a >= b)


def lesser(lhs, rhs):
    """1 where lhs < rhs, else 0, with broadcasting."""
    return _compare(lhs, rhs, "broadcast_lesser", "_lesser_scalar", "_greater_scalar",
                    lambda a, b: a < b)


def lesser_equal(lhs, rhs):
    """1 where lhs <= rhs, else 0, with broadcasting."""
    return _compare(lhs, rhs, "broadcast_lesser_equal", "_lesser_equal_scalar",
                    "_greater_equal_scalar", lambda a, b: a <= b)


# ---- creation --------------------------------------------------------------------------------
def _shape_tuple(shape):
    if isinstance(shape, integer_types):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def array(source_array, ctx=None, dtype=None):
    """A new array with the values of a list, numpy array or NDArray. dtype: the NDArray's for
    an NDArray source, float32 otherwise (MXNet's rule, also for numpy sources)."""
    if isinstance(source_array, NDArray):
        dtype = source_array.dtype if dtype is None else dtype
        source = source_array.asnumpy()
    else:
        dtype = mx_real_t if dtype is None else dtype
        try:
            source = _np.asarray(source_array)
        except Exception:
            raise TypeError("source_array must be array like object")
    code = _dtype_code(dtype)
    if code == 12:
        return array(source, ctx, _np.float32).astype("bfloat16")
    source = _np.ascontiguousarray(source, dtype=_CODE_TO_NP[code])
    if source.size == 0:
        return empty(source.shape, ctx, dtype)
    return _wrap(_core.from_numpy(source, code, _ctx_pair(ctx)))


def empty(shape, ctx=None, dtype=None):
    """An array of uninitialized values."""
    return _wrap(_core.empty(list(_shape_tuple(shape)), _ctx_pair(ctx), _dtype_code(dtype)))


def full(shape, val, ctx=None, dtype=mx_real_t, out=None):
    """An array with every element `val`."""
    if out is not None:
        out.handle.fill(float(val))
        return out
    return _wrap(_core.full(list(_shape_tuple(shape)), float(val), _ctx_pair(ctx),
                            _dtype_code(dtype)))


def zeros(shape, ctx=None, dtype=None, **kwargs):
    """An array of zeros."""
    stype = kwargs.pop("stype", "default")
    if stype != "default":
        raise NotImplementedError("storage type %r is not supported by Tessera" % (stype,))
    if kwargs:
        raise TypeError("zeros() got unexpected keyword arguments %s" % sorted(kwargs))
    return full(shape, 0.0, ctx, dtype)


def ones(shape, ctx=None, dtype=None, **kwargs):
    """An array of ones."""
    if kwargs:
        raise TypeError("ones() got unexpected keyword arguments %s" % sorted(kwargs))
    return full(shape, 1.0, ctx, dtype)


def zeros_like(data, **kwargs):
    """Zeros of `data`'s shape, dtype and context."""
    return _invoke("zeros_like", [data], {})


def ones_like(data, **kwargs):
    """Ones of `data`'s shape, dtype and context."""
    return _invoke("ones_like", [data], {})


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=mx_real_t):
    """start, start+step, ... below stop (numpy's arange; one argument is the stop), each
    repeated `repeat` times."""
    if stop is None:
        start, stop = 0.0, start
    if step == 0:
        raise ValueError("arange: step must not be zero")
    return _wrap(_core.arange(float(start), float(stop), float(step), int(repeat),
                              _ctx_pair(ctx), _dtype_code(dtype)))


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=mx_real_t):
    """`num` evenly spaced values from start to stop (stop included when endpoint)."""
    if num < 0:
        raise ValueError("linspace: num must be >= 0, got %d" % num)
    if num == 0:
        return empty((0,), ctx, dtype)
    step = (stop - start) / float((num - 1) if endpoint else num) if num > 1 else 0.0
    values = start + step * _np.arange(num, dtype=_np.float64)
    if endpoint and num > 1:
        values[-1] = stop
    return array(values, ctx=ctx, dtype=dtype)


def eye(N, M=0, k=0, ctx=None, dtype=mx_real_t):
    """A 2-d array with ones on diagonal k and zeros elsewhere (M=0 means M=N)."""
    return array(_np.eye(N, M if M else N, k), ctx=ctx, dtype=dtype)


def concat(*data, **kwargs):
    """Joins arrays along `dim` (default 1)."""
    dim = kwargs.pop("dim", 1)
    out = kwargs.pop("out", None)
    return _invoke("Concat", list(data), {"num_args": str(len(data)), "dim": str(dim)}, out=out)


def stack(*data, **kwargs):
    """Joins arrays along a new axis (default 0)."""
    axis = kwargs.pop("axis", 0)
    out = kwargs.pop("out", None)
    return _invoke("stack", list(data), {"num_args": str(len(data)), "axis": str(axis)}, out=out)


def moveaxis(tensor, source, destination):
    """The array with axis `source` moved to position `destination`."""
    axes = list(range(tensor.ndim))
    source = source % tensor.ndim
    destination = destination % tensor.ndim
    axes.pop(source)
    axes.insert(destination, source)
    return _invoke("transpose", [tensor], {"axes": str(tuple(axes))})


def onehot_encode(indices, out):
    """One-hot rows of `out` (its second dimension is the depth) from integer `indices`."""
    return _invoke("one_hot", [indices], {"depth": str(out.shape[1])}, out=out)


def waitall():
    """Waits for all pending work; raises the first error of work nobody waited for."""
    _core.waitall()
