"""Imperative gradients (MXNet 1.9's mxnet.autograd): operators run inside `with record():` on
arrays that need gradients (attach_grad, or computed from such arrays) are taped; backward()
walks the tape in reverse, running each operator's registered gradient (the same gradient
functions the symbolic executor uses, core/op/autograd.h), and writes or adds the results to
the leaves' .grad. The recording and training flags are per thread. Higher-order gradients
(create_graph=True) are not in Tessera yet."""
import threading

from . import _core
from .base import MXNetError

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "backward", "grad", "mark_variables"]


class _State(threading.local):
    recording = False
    training = False


STATE = _State()


class _Leaf(object):
    """The mark of an array whose gradient is wanted (attach_grad / mark_variables)."""
    __slots__ = ["array_ref", "grad", "grad_req"]

    def __init__(self, grad, grad_req):
        self.grad = grad
        self.grad_req = grad_req


class _Node(object):
    """One taped operator call; `attrs` are its parsed parameters (an OpAttrsHandle), which the
    backward pass reuses."""
    __slots__ = ["attrs", "inputs", "keys", "leaves", "outputs", "num_visible", "freed"]

    def __init__(self, attrs, inputs, outputs, num_visible):
        self.attrs = attrs
        self.inputs = [a.handle for a in inputs]
        self.keys = [_key(a) for a in inputs]
        self.leaves = {id(a._ag): a for a in inputs if isinstance(a._ag, _Leaf)}
        self.outputs = outputs
        self.num_visible = num_visible
        self.freed = False


def _key(a):
    ag = getattr(a, "_ag", None)
    if ag is None:
        return None
    if isinstance(ag, _Leaf):
        return ("leaf", id(ag))
    return ag  # (node, output index)


def tracked(inputs):
    return any(getattr(a, "_ag", None) is not None for a in inputs)


def record_op(op, inputs, params, out, ctx_pair, wrap):
    """Runs `op` with every output kept, tapes it, and returns the visible outputs."""
    handles, num_visible, attrs = _core.invoke_all(op, [a.handle for a in inputs], params,
                                                   ctx_pair, STATE.training)
    node = _Node(attrs, inputs, handles, num_visible)
    outs = [wrap(h) for h in handles[:num_visible]]
    for i, o in enumerate(outs):
        o._ag = (node, i)
    if out is not None:
        targets = [out] if not isinstance(out, (list, tuple)) else list(out)
        for i, (o, t) in enumerate(zip(outs, targets)):
            o.handle.copy_to(t.handle)
            t._ag = (node, i)
        return out
    return outs[0] if num_visible == 1 else outs


class _Scope(object):
    def __init__(self, recording, training):
        self._recording = recording
        self._training = training
        self._saved = None

    def __enter__(self):
        self._saved = (STATE.recording, STATE.training)
        if self._recording is not None:
            STATE.recording = self._recording
        if self._training is not None:
            STATE.training = self._training
        return self

    def __exit__(self, ptype, value, trace):
        STATE.recording, STATE.training = self._saved


def record(train_mode=True):
    """Tapes operators in its block (training behaviour unless train_mode=False)."""
    return _Scope(True, train_mode)


def pause(train_mode=False):
    """Stops taping in its block."""
    return _Scope(False, train_mode)


def train_mode():
    """Training behaviour (dropout, batch statistics) in its block, taping unchanged."""
    return _Scope(None, True)


def predict_mode():
    """Inference behaviour in its block, taping unchanged."""
    return _Scope(None, False)


def is_recording():
    return STATE.recording


def is_training():
    return STATE.training


def set_recording(is_recording):
    prev = STATE.recording
    STATE.recording = bool(is_recording)
    return prev


def set_training(train_mode):
    prev = STATE.training
    STATE.training = bool(train_mode)
    return prev


def mark_variables(variables, gradients, grad_reqs="write"):
    """Marks arrays as leaves whose gradients go into `gradients` (attach_grad's work)."""
    from .ndarray.ndarray import NDArray
    if isinstance(variables, NDArray):
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    for v, g, r in zip(variables, gradients, grad_reqs):
        if r not in ("write", "add", "null"):
            raise ValueError("grad_req must be 'write', 'add' or 'null', got %r" % (r,))
        v._ag = _Leaf(g, r)


def _compute(heads, head_grads, retain_graph):
    """{key: gradient handle} for every taped array the heads depend on, plus the leaves."""
    from .ndarray.ndarray import NDArray
    if isinstance(heads, NDArray):
        heads = [heads]
    if head_grads is None:
        head_grads = [None] * len(heads)
    elif isinstance(head_grads, NDArray):
        head_grads = [head_grads]
    if len(head_grads) != len(heads):
        raise ValueError("backward: %d head gradients for %d heads" %
                         (len(head_grads), len(heads)))
    grads = {}
    leaves = {}
    order, seen = [], set()

    def visit(node):
        stack = [(node, False)]
        while stack:
            n, done = stack.pop()
            if done:
                order.append(n)
                continue
            if id(n) in seen:
                continue
            if n.freed:
                raise MXNetError("backward: the graph of this output was freed by an earlier "
                                 "backward; pass retain_graph=True to the first one to call "
                                 "backward twice")
            seen.add(id(n))
            stack.append((n, True))
            for k in n.keys:
                if isinstance(k, tuple) and k[0] != "leaf":
                    stack.append((k[0], False))
            leaves.update(n.leaves)

    def add(key, g):
        grads[key] = g if key not in grads else _core.invoke(
            "elemwise_add", [grads[key], g], {}, [], (1, 0))[0]

    for h, hg in zip(heads, head_grads):
        k = _key(h)
        if k is None:
            raise MXNetError("cannot differentiate with respect to an array that was not "
                             "computed inside autograd.record() from arrays with attach_grad()")
        g = hg.handle if hg is not None else _core.invoke("ones_like", [h.handle], {}, [],
                                                          (1, 0))[0]
        add(k, g)
        if isinstance(h._ag, _Leaf):
            leaves[id(h._ag)] = h
        else:
            visit(h._ag[0])
    for node in reversed(order):
        out_grads = []
        for i in range(node.num_visible):
            g = grads.pop((node, i), None)
            if g is None:
                g = _core.invoke("zeros_like", [node.outputs[i]], {}, [], (1, 0))[0]
            out_grads.append(g)
        in_grads = _core.backward(node.attrs, node.inputs, node.outputs, out_grads)
        for k, g in zip(node.keys, in_grads):
            if k is not None and g is not None:
                add(k, g)
        if not retain_graph:
            node.freed = True
    return grads, leaves


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Gradients of the heads (with head_grads, default ones) into the leaves' .grad,
    written or added as their grad_req says."""
    grads, leaves = _compute(heads, head_grads, retain_graph)
    for leaf_id, arr in leaves.items():
        leaf = arr._ag
        g = grads.get(("leaf", leaf_id))
        if leaf.grad_req == "null" or leaf.grad is None:
            continue
        if g is None:
            if leaf.grad_req == "write":
                leaf.grad.handle.fill(0.0)
            continue
        if leaf.grad_req == "write":
            _core.invoke("_copy", [g], {}, [leaf.grad.handle], (1, 0))
        else:
            _core.invoke("elemwise_add", [leaf.grad.handle, g], {}, [leaf.grad.handle], (1, 0))


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """The gradients of the heads with respect to `variables` (a list, or one array), as new
    arrays; the variables' .grad are left alone."""
    from .ndarray.ndarray import NDArray, _wrap
    if create_graph:
        raise NotImplementedError("autograd.grad(create_graph=True): higher-order gradients "
                                  "are not in Tessera yet")
    single = isinstance(variables, NDArray)
    variables = [variables] if single else list(variables)
    for v in variables:
        if _key(v) is None:
            raise MXNetError("autograd.grad: a variable has no gradient mark; call "
                             "attach_grad() on it before recording")
    grads, _ = _compute(heads, head_grads,
                        retain_graph if retain_graph is not None else create_graph)
    out = []
    for v in variables:
        g = grads.get(_key(v))
        out.append(_wrap(g) if g is not None else _wrap(
            _core.invoke("zeros_like", [v.handle], {}, [], (1, 0))[0]))
    return out[0] if single else out
