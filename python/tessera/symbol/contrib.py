"""Symbol constructors of _contrib_<name> operators (MXNet's mx.sym.contrib), and MXNet 1.9's
symbolic control flow: foreach, while_loop and cond build _foreach, _while_loop and _cond
nodes whose bodies are symbols. A body's variables that are not loop variables feed the node
from outside as they are (one argument each, shared with the outer graph); outer symbols a
body uses become part of the body."""
from .. import _core
from ..ndarray.contrib import _flatten as _flatten_of, _regroup
from .. import error as _error


def _flatten(args, what):
    from .symbol import Symbol
    return _flatten_of(args, what, Symbol)


def foreach(body, data, init_states, name="foreach"):
    """A _foreach node: ``out, states = body(data_row, states)`` for each row of data (a Symbol
    or a list of them). body receives variables standing for one row of each data symbol and
    for each state (named "<symbol>-0", as MXNet names them); every other variable the body
    uses is a parameter the node takes as it is. Returns (the outputs, each
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


def _placeholders(flat):
    from .symbol import var
    return [var("%s-0" % s.name) for s in flat]


def _union_inputs(graphs, bound):
    """The node's inputs for bodies `graphs`: each body input named in `bound` (placeholder
    name -> outer symbol) is that symbol, any other the body's variable itself (one per name).
    Returns (inputs, one list of input positions per graph)."""
    inputs, where, locs = [], {}, []
    for g in graphs:
        mine = []
        for name in g.list_inputs():
            if name not in where:
                where[name] = len(inputs)
                # a free variable feeds itself: the same node, so the outer graph shares it
                inputs.append(bound[name] if name in bound else g.get_internals()[name])
            mine.append(where[name])
        locs.append(mine)
    return inputs, locs


def _locs(v):
    return "[%s]" % ", ".join(str(x) for x in v)


def while_loop(cond, func, loop_vars, max_iterations=None, name="while_loop"):
    """A _while_loop node: ``step_output, loop_vars = func(*loop_vars)`` while
    ``cond(*loop_vars)``, at most max_iterations times. Returns (each step output stacked to
    max_iterations rows, zeros after the last step; the final loop variables)."""
    from .symbol import Group, Symbol, _wrap
    if max_iterations is None:
        raise _error.ValueError("while_loop: max_iterations should be specified")
    flat_vars, var_fmt = _flatten(loop_vars, "while_loop loop_vars")
    holders = _placeholders(flat_vars)
    grouped = _regroup(holders, var_fmt)[0]
    grouped = grouped if isinstance(grouped, list) else [grouped]
    cond_g = cond(*grouped)
    if not isinstance(cond_g, Symbol):
        raise _error.TypeError("while_loop: cond must return a Symbol")
    step_output, new_vars = func(*grouped)
    flat_out, out_fmt = _flatten([] if step_output is None else step_output, "while_loop output")
    flat_new, _ = _flatten([] if new_vars is None else new_vars, "while_loop loop_vars")
    if len(flat_new) != len(flat_vars):
        raise _error.ValueError("while_loop: func returned %d loop variables for %d"
                                % (len(flat_new), len(flat_vars)))
    func_g = Group(flat_out + flat_new)
    bound = {h.name: s for h, s in zip(holders, flat_vars)}
    inputs, (cond_locs, func_locs) = _union_inputs([cond_g, func_g], bound)
    func_inputs = func_g.list_inputs()
    func_var_locs = [func_inputs.index(h.name) if h.name in func_inputs else -1 for h in holders]
    if -1 in func_var_locs:
        raise _error.ValueError("while_loop: func must use every loop variable")
    params = {"num_args": str(len(inputs) + 2), "num_outputs": str(len(flat_out) + len(flat_new)),
              "num_out_data": str(len(flat_out)), "max_iterations": str(int(max_iterations)),
              "cond_input_locs": _locs(cond_locs), "func_input_locs": _locs(func_locs),
              "func_var_locs": _locs(func_var_locs)}
    node = _wrap(_core.sym_control_flow("_while_loop", [s.handle for s in inputs],
                                        [cond_g.handle, func_g.handle], params, name))
    results = [node[i] for i in range(len(flat_out) + len(flat_new))]
    outputs = _regroup(results[:len(flat_out)], out_fmt)[0] if flat_out else []
    final = _regroup(results[len(flat_out):], var_fmt)[0]
    return outputs, final


def cond(pred, then_func, else_func, name="cond"):
    """A _cond node: then_func() if pred (a Symbol of one element) is true, else else_func().
    Both must return the same number of outputs of the same shapes."""
    from .symbol import Group, Symbol, _wrap
    if not isinstance(pred, Symbol):
        raise _error.TypeError("cond: pred must be a Symbol")
    then_out, then_fmt = _flatten(then_func(), "cond then output")
    else_out, _ = _flatten(else_func(), "cond else output")
    if len(then_out) != len(else_out):
        raise _error.ValueError("cond: then_func returns %d outputs, else_func %d"
                                % (len(then_out), len(else_out)))
    then_g, else_g = Group(then_out), Group(else_out)
    inputs, (cond_locs, then_locs, else_locs) = _union_inputs([pred, then_g, else_g], {})
    params = {"num_args": str(len(inputs) + 3), "num_outputs": str(len(then_out)),
              "cond_input_locs": _locs(cond_locs), "then_input_locs": _locs(then_locs),
              "else_input_locs": _locs(else_locs)}
    node = _wrap(_core.sym_control_flow("_cond", [s.handle for s in inputs],
                                        [pred.handle, then_g.handle, else_g.handle], params,
                                        name))
    return _regroup([node[i] for i in range(len(then_out))], then_fmt)[0]
