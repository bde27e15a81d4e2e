"""Symbol constructors of _contrib_<name> operators (MXNet's mx.sym.contrib), and foreach,
which builds a _foreach node whose body is a symbol (MXNet 1.9's mx.sym.contrib.foreach)."""
from .. import _core
from ..ndarray.contrib import _regroup
from .. import error as _error


def _flatten(args, what):
    from .symbol import Symbol
    if isinstance(args, Symbol):
        return [args], 0
    if not isinstance(args, (list, tuple)):
        raise _error.TypeError("%s must be a Symbol or a (nested) list of Symbols, got %s"
                               % (what, type(args).__name__))
    flat, fmt = [], []
    for a in args:
        f, m = _flatten(a, what)
        flat.extend(f)
        fmt.append(m)
    return flat, fmt


def foreach(body, data, init_states, name="foreach"):
    """A _foreach node: ``out, states = body(data_row, states)`` for each row of data (a Symbol
    or a list of them). body receives variables standing for one row of each data symbol and
    for each state (named "<symbol>-0", as MXNet names them); every other variable the body
    uses is a parameter fed by a variable of the same name outside. Returns (the outputs, each
    stacked along axis 0, the final states), structured as body returns them."""
    from .symbol import Group, _wrap, var
    flat_data, data_fmt = _flatten(data, "foreach input")
    flat_states, state_fmt = _flatten(init_states, "foreach states")
    data_vars = [var("%s-0" % s.name) for s in flat_data]
    state_vars = [var("%s-0" % s.name) for s in flat_states]
    outs, new_states = body(_regroup(data_vars, data_fmt)[0],
                            _regroup(state_vars, state_fmt)[0])
    flat_outs, out_fmt = _flatten(outs if outs is not None else [], "foreach output")
    flat_new, _ = _flatten(new_states, "foreach states")
    if len(flat_new) != len(flat_states):
        raise _error.ValueError("foreach: body returned %d states for %d"
                                % (len(flat_new), len(flat_states)))
    graph = Group(flat_outs + flat_new)
    node = _wrap(_core.sym_foreach(graph.handle, [v.handle for v in data_vars],
                                   [s.handle for s in flat_data], [v.handle for v in state_vars],
                                   [s.handle for s in flat_states], len(flat_outs), name))
    results = [node[i] for i in range(len(flat_outs) + len(flat_new))]
    outputs = _regroup(results[:len(flat_outs)], out_fmt)[0] if flat_outs else []
    states = _regroup(results[len(flat_outs):], state_fmt)[0]
    return outputs, states
