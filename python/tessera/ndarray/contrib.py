"""Operators registered as _contrib_<name> (MXNet's mx.nd.contrib), and the imperative control
flow of MXNet 1.9's mx.nd.contrib: foreach, while_loop and cond run their Python bodies in a
Python loop, as MXNet's do (symbols get _foreach/_while_loop/_cond nodes instead)."""
from .. import error as _error
from .ndarray import NDArray as _NDArray


def _flatten(args, what, leaf=None):
    """(flat list of leaves, format) of a leaf or a nested list of them; leaves are NDArrays
    unless `leaf` says (symbol.contrib passes Symbol)."""
    leaf = leaf or _NDArray
    if isinstance(args, leaf):
        return [args], 0
    if not isinstance(args, (list, tuple)):
        raise _error.TypeError("%s must be a %s or a (nested) list of them, got %s"
                               % (what, leaf.__name__, type(args).__name__))
    flat, fmt = [], []
    for a in args:
        f, m = _flatten(a, what, leaf)
        flat.extend(f)
        fmt.append(m)
    return flat, fmt


def _regroup(flat, fmt):
    """The nested structure `fmt` of _flatten filled from `flat`; returns (result, rest)."""
    if isinstance(fmt, int):
        return flat[0], flat[1:]
    out = []
    for m in fmt:
        r, flat = _regroup(flat, m)
        out.append(r)
    return out, flat


def _scalar(value, kind, what):
    if hasattr(value, "asscalar"):
        value = value.asscalar()
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise _error.ValueError("cannot convert %s (%r) to a Python %s" % (what, value,
                                                                          kind.__name__))


def foreach(body, data, init_states):
    """Runs ``out, states = body(data[i], states)`` for each row i of data (an NDArray or a
    list of them); returns (the outputs stacked along a new axis 0, the last states)."""
    from . import op
    _flatten(data, "foreach input")
    _flatten(init_states, "foreach states")
    single = isinstance(data, _NDArray)
    steps = data.shape[0] if single else data[0].shape[0]
    states, outputs, fmt = init_states, [], 0
    for i in range(steps):
        outs, states = body(data[i] if single else [d[i] for d in data], states)
        flat, fmt = _flatten(outs, "foreach output")
        outputs.append(flat)
    stacked = [op.stack(*column) for column in zip(*outputs)]
    if not stacked:
        return [], states
    return _regroup(stacked, fmt)[0], states


def while_loop(cond, func, loop_vars, max_iterations=None):
    """Runs ``step_output, loop_vars = func(*loop_vars)`` while ``cond(*loop_vars)`` is true,
    at most max_iterations times; returns (each step output stacked to max_iterations rows,
    zeros after the last step, the final loop variables)."""
    from . import op
    from .ndarray import zeros
    if max_iterations is None:
        raise _error.ValueError("while_loop: max_iterations should be specified")
    max_iterations = _scalar(max_iterations, int, "max_iterations")
    single = isinstance(loop_vars, _NDArray)
    loop_vars = [loop_vars] if single else list(loop_vars)
    if not loop_vars:
        raise _error.ValueError("while_loop: loop_vars should contain at least one element")
    outputs, fmt, steps = [], None, 0
    while steps < max_iterations and _scalar(cond(*loop_vars), bool, "the value of cond"):
        step_output, new_vars = func(*loop_vars)
        new_vars = [] if new_vars is None else new_vars
        new_vars = [new_vars] if isinstance(new_vars, _NDArray) else list(new_vars)
        if len(new_vars) != len(loop_vars):
            raise _error.ValueError("while_loop: func returned %d loop variables for %d"
                                    % (len(new_vars), len(loop_vars)))
        flat, fmt = _flatten([] if step_output is None else step_output, "while_loop output")
        if outputs and len(flat) != len(outputs[0]):
            raise _error.ValueError("while_loop: every step must return the same number of "
                                    "outputs; step %d returned %d, step 0 %d"
                                    % (steps, len(flat), len(outputs[0])))
        outputs.append(flat)
        loop_vars = new_vars
        steps += 1
    stacked = []
    for column in zip(*outputs):
        rows = [x.expand_dims(0) for x in column]
        if steps < max_iterations:
            rows.append(zeros((max_iterations - steps,) + column[0].shape,
                              ctx=column[0].context, dtype=column[0].dtype))
        stacked.append(op.concat(*rows, dim=0))
    if fmt is not None:
        stacked = _regroup(stacked, fmt)[0]
    return stacked, loop_vars[0] if single else loop_vars


def cond(pred, then_func, else_func):
    """then_func() if pred (an NDArray of one element or a Python value) is true, else
    else_func()."""
    return then_func() if _scalar(pred, bool, "pred") else else_func()
