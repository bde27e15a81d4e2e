"""Recurrent cells for symbolic graphs (MXNet 1.9's mx.rnn): a cell turns (input, states) into
(output, new states) for one step; unroll() applies it over a sequence. RNNCell, LSTMCell and
GRUCell build the step from FullyConnected and element-wise operators (MXNet's node and
parameter names); FusedRNNCell is the fused RNN operator over the whole sequence, with the
same packed parameter vector. Begin states are _zeros of shape (0, H): shape inference gives
them the batch size of the data."""
from .. import symbol
from ..initializer import LSTMBias

__all__ = ["RNNParams", "BaseRNNCell", "RNNCell", "LSTMCell", "GRUCell", "FusedRNNCell",
           "SequentialRNNCell", "DropoutCell", "BidirectionalCell"]


class RNNParams(object):
    """The Variables of a cell, created on first use with the cell's prefix (so cells built
    with the same RNNParams share weights)."""

    def __init__(self, prefix=""):
        self._prefix = prefix
        self._params = {}

    def get(self, name, **kwargs):
        name = self._prefix + name
        if name not in self._params:
            self._params[name] = symbol.Variable(name, **kwargs)
        return self._params[name]


class BaseRNNCell(object):
    """A cell: __call__(inputs, states) -> (output, states) for one step."""

    def __init__(self, prefix="", params=None):
        if params is None:
            params = RNNParams(prefix)
            self._own_params = True
        else:
            self._own_params = False
        self._prefix = prefix
        self._params = params
        self._modified = False
        self.reset()

    def reset(self):
        """Restarts the step and begin-state counters (node names start from t0 again)."""
        self._init_counter = -1
        self._counter = -1

    def __call__(self, inputs, states):
        raise NotImplementedError("%s defines no step" % type(self).__name__)

    @property
    def params(self):
        self._own_params = False
        return self._params

    @property
    def state_info(self):
        """One dict per state: its shape ((0, H): batch unknown) and __layout__."""
        raise NotImplementedError("%s defines no states" % type(self).__name__)

    @property
    def state_shape(self):
        return [ele["shape"] for ele in self.state_info]

    @property
    def _gate_names(self):
        return ()

    def _projections(self, inputs, prev, num_hidden, name):
        """A step's i2h (of the input) and h2h (of the previous output) FullyConnected."""
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=num_hidden, name="%si2h" % name)
        h2h = symbol.FullyConnected(data=prev, weight=self._hW, bias=self._hB,
                                    num_hidden=num_hidden, name="%sh2h" % name)
        return i2h, h2h

    @property
    def _one_state(self):
        return [{"shape": (0, self._num_hidden), "__layout__": "NC"}]

    def _fc_params(self, i2h_bias_init=None):
        """The weights and biases of a step's i2h and h2h FullyConnected layers."""
        bias = {"init": i2h_bias_init} if i2h_bias_init is not None else {}
        return (self.params.get("i2h_weight"), self.params.get("i2h_bias", **bias),
                self.params.get("h2h_weight"), self.params.get("h2h_bias"))

    def begin_state(self, func=symbol.zeros, **kwargs):
        """The states before the first step: func(name=..., shape=..., __layout__=...) per
        state (zeros by default)."""
        if self._modified:
            raise ValueError("After applying modifier cells (e.g. DropoutCell) the base cell "
                             "cannot be called directly. Call the modifier cell instead.")
        states = []
        for info in self.state_info:
            self._init_counter += 1
            args = dict(kwargs)
            if info is not None:
                args.update(info)
            states.append(func(name="%sbegin_state_%d" % (self._prefix, self._init_counter),
                               **args))
        return states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        """Applies the cell `length` times. inputs: one Symbol of layout NTC or TNC (split
        along time) or a list of `length` symbols. Returns (outputs, states): outputs merged
        into one Symbol along the time axis when merge_outputs is True (a list when False;
        None: as the inputs came)."""
        self.reset()
        inputs, axis = _split_inputs(length, inputs, layout, merge=False)
        if begin_state is None:
            begin_state = self.begin_state()
        states = begin_state
        outputs = []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
        outputs, _ = _merge_outputs(length, outputs, layout, merge_outputs, axis)
        return outputs, states


def _split_inputs(length, inputs, layout, merge):
    axis = layout.find("T")
    if axis < 0:
        raise ValueError("layout %r has no time axis T" % layout)
    if isinstance(inputs, symbol.Symbol):
        if merge:
            return inputs, axis
        if len(inputs.list_outputs()) != 1:
            raise ValueError("unroll takes one Symbol with one output, or a list of Symbols")
        inputs = list(symbol.SliceChannel(inputs, axis=axis, num_outputs=length,
                                          squeeze_axis=1))
    else:
        if len(inputs) != length:
            raise ValueError("unroll(length=%d) got %d inputs" % (length, len(inputs)))
        if merge:
            inputs = [symbol.expand_dims(i, axis=axis) for i in inputs]
            inputs = symbol.Concat(*inputs, dim=axis)
    return inputs, axis


def _merge_outputs(length, outputs, layout, merge, axis):
    if merge is None:
        merge = isinstance(outputs, symbol.Symbol)
    if merge and not isinstance(outputs, symbol.Symbol):
        outputs = symbol.Concat(*[symbol.expand_dims(o, axis=axis) for o in outputs], dim=axis)
    elif not merge and isinstance(outputs, symbol.Symbol):
        outputs = list(symbol.SliceChannel(outputs, axis=axis, num_outputs=length,
                                           squeeze_axis=1))
    return outputs, axis


class RNNCell(BaseRNNCell):
    """h' = activation(W_i x + b_i + W_h h + b_h)."""

    def __init__(self, num_hidden, activation="tanh", prefix="rnn_", params=None):
        super(RNNCell, self).__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._activation = activation
        self._iW, self._iB, self._hW, self._hB = self._fc_params()

    @property
    def state_info(self):
        return self._one_state

    @property
    def _gate_names(self):
        return ("",)

    def __call__(self, inputs, states):
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        i2h, h2h = self._projections(inputs, states[0], self._num_hidden, name)
        output = symbol.Activation(i2h + h2h, act_type=self._activation, name="%sout" % name)
        return output, [output]


class LSTMCell(BaseRNNCell):
    """MXNet's LSTM step: gates i, f, c~, o from one i2h and one h2h FullyConnected (4H each);
    forget_bias initializes the forget gate's part of i2h_bias."""

    def __init__(self, num_hidden, prefix="lstm_", params=None, forget_bias=1.0):
        super(LSTMCell, self).__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW, self._iB, self._hW, self._hB = self._fc_params(LSTMBias(forget_bias=forget_bias))

    @property
    def state_info(self):
        return self._one_state * 2

    @property
    def _gate_names(self):
        return ["_i", "_f", "_c", "_o"]

    def __call__(self, inputs, states):
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        i2h, h2h = self._projections(inputs, states[0], self._num_hidden * 4, name)
        gates = symbol.SliceChannel(i2h + h2h, num_outputs=4, name="%sslice" % name)
        in_gate = symbol.Activation(gates[0], act_type="sigmoid", name="%si" % name)
        forget_gate = symbol.Activation(gates[1], act_type="sigmoid", name="%sf" % name)
        in_transform = symbol.Activation(gates[2], act_type="tanh", name="%sc" % name)
        out_gate = symbol.Activation(gates[3], act_type="sigmoid", name="%so" % name)
        next_c = symbol.elemwise_add(forget_gate * states[1], in_gate * in_transform,
                                     name="%sstate" % name)
        next_h = symbol.elemwise_mul(out_gate, symbol.Activation(next_c, act_type="tanh"),
                                     name="%sout" % name)
        return next_h, [next_h, next_c]


class GRUCell(BaseRNNCell):
    """MXNet's GRU step: r, z from i2h + h2h; n = tanh(i2h_n + r * h2h_n);
    h' = (1 - z) n + z h."""

    def __init__(self, num_hidden, prefix="gru_", params=None):
        super(GRUCell, self).__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW, self._iB, self._hW, self._hB = self._fc_params()

    @property
    def state_info(self):
        return self._one_state

    @property
    def _gate_names(self):
        return ["_r", "_z", "_o"]

    def __call__(self, inputs, states):
        self._counter += 1
        name = "%st%d_" % (self._prefix, self._counter)
        prev = states[0]
        i2h, h2h = self._projections(inputs, prev, self._num_hidden * 3, name)
        i_r, i_z, i_n = symbol.SliceChannel(i2h, num_outputs=3, name="%si2h_slice" % name)
        h_r, h_z, h_n = symbol.SliceChannel(h2h, num_outputs=3, name="%sh2h_slice" % name)
        reset = symbol.Activation(i_r + h_r, act_type="sigmoid", name="%sr_act" % name)
        update = symbol.Activation(i_z + h_z, act_type="sigmoid", name="%sz_act" % name)
        cand = symbol.Activation(i_n + reset * h_n, act_type="tanh", name="%sh_act" % name)
        next_h = symbol.elemwise_add((1.0 - update) * cand, update * prev, name="%sout" % name)
        return next_h, [next_h]


class FusedRNNCell(BaseRNNCell):
    """The fused RNN operator as a cell: unroll() runs the whole sequence in one node; its
    parameters are one vector `<prefix>parameters` in the operator's packed layout."""

    def __init__(self, num_hidden, num_layers=1, mode="lstm", bidirectional=False,
                 dropout=0.0, get_next_state=False, forget_bias=1.0, prefix=None, params=None):
        if prefix is None:
            prefix = "%s_" % mode
        super(FusedRNNCell, self).__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._dropout = dropout
        self._get_next_state = get_next_state
        self._directions = ["l", "r"] if bidirectional else ["l"]
        self._parameter = self.params.get("parameters")

    @property
    def state_info(self):
        b = self._bidirectional + 1
        n = (self._mode == "lstm") + 1
        return [{"shape": (b * self._num_layers, 0, self._num_hidden), "__layout__": "LNC"}
                for _ in range(n)]

    def __call__(self, inputs, states):
        raise NotImplementedError("FusedRNNCell cannot be stepped; use unroll")

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        """Runs the sequence (layout NTC or TNC, or a list of steps) through one RNN node."""
        if layout not in ("NTC", "TNC"):
            raise ValueError("FusedRNNCell takes layout NTC or TNC, got %r" % layout)
        self.reset()
        time_first = layout == "TNC"
        if isinstance(inputs, symbol.Symbol):
            data = inputs if time_first else symbol.swapaxes(inputs, dim1=0, dim2=1)
        else:
            data, _ = _split_inputs(length, inputs, "TNC", merge=True)
        if begin_state is None:
            begin_state = self.begin_state()
        states = {"state": begin_state[0]}
        if self._mode == "lstm":
            states["state_cell"] = begin_state[1]
        rnn = symbol.RNN(data=data, parameters=self._parameter, state_size=self._num_hidden,
                         num_layers=self._num_layers, bidirectional=self._bidirectional,
                         p=self._dropout, state_outputs=self._get_next_state, mode=self._mode,
                         name=self._prefix + "rnn", **states)
        if not self._get_next_state:
            outputs, states = rnn, []
        elif self._mode == "lstm":
            outputs, states = rnn[0], [rnn[1], rnn[2]]
        else:
            outputs, states = rnn[0], [rnn[1]]
        if not time_first:
            outputs = symbol.swapaxes(outputs, dim1=0, dim2=1)
        outputs, _ = _merge_outputs(length, outputs, layout, merge_outputs, layout.find("T"))
        return outputs, states


class SequentialRNNCell(BaseRNNCell):
    """Cells stacked: each step runs them in order, the output of one the input of the next."""

    def __init__(self, params=None):
        super(SequentialRNNCell, self).__init__(prefix="", params=params)
        self._override_cell_params = params is not None
        self._cells = []

    def add(self, cell):
        self._cells.append(cell)
        if self._override_cell_params:
            cell.params._params.update(self.params._params)
        self.params._params.update(cell.params._params)

    @property
    def state_info(self):
        return [info for c in self._cells for info in c.state_info]

    def begin_state(self, **kwargs):
        return [s for c in self._cells for s in c.begin_state(**kwargs)]

    def __call__(self, inputs, states):
        self._counter += 1
        next_states = []
        p = 0
        for cell in self._cells:
            n = len(cell.state_info)
            inputs, state = cell(inputs, states[p:p + n])
            p += n
            next_states += state
        return inputs, next_states

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        self.reset()
        if begin_state is None:
            begin_state = self.begin_state()
        p = 0
        next_states = []
        for i, cell in enumerate(self._cells):
            n = len(cell.state_info)
            last = i == len(self._cells) - 1
            inputs, states = cell.unroll(length, inputs=inputs,
                                         begin_state=begin_state[p:p + n], layout=layout,
                                         merge_outputs=None if not last else merge_outputs)
            p += n
            next_states += states
        return inputs, next_states

    def reset(self):
        super(SequentialRNNCell, self).reset()
        for cell in getattr(self, "_cells", []):
            cell.reset()


class DropoutCell(BaseRNNCell):
    """Dropout on the output of each step (no states)."""

    def __init__(self, dropout, prefix="dropout_", params=None):
        super(DropoutCell, self).__init__(prefix, params)
        self.dropout = dropout

    @property
    def state_info(self):
        return []

    def __call__(self, inputs, states):
        if self.dropout > 0:
            inputs = symbol.Dropout(data=inputs, p=self.dropout)
        return inputs, states


class BidirectionalCell(BaseRNNCell):
    """Two cells over the sequence, l_cell forwards and r_cell backwards; each step's output is
    their outputs concatenated (named <output_prefix>t<i>). Only unroll runs it."""

    def __init__(self, l_cell, r_cell, params=None, output_prefix="bi_"):
        super(BidirectionalCell, self).__init__("", params=params)
        self._output_prefix = output_prefix
        self._cells = [l_cell, r_cell]
        for cell in self._cells:
            self.params._params.update(cell.params._params)

    def __call__(self, inputs, states):
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    @property
    def state_info(self):
        return [info for c in self._cells for info in c.state_info]

    def begin_state(self, **kwargs):
        return [s for c in self._cells for s in c.begin_state(**kwargs)]

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        self.reset()
        inputs, axis = _split_inputs(length, inputs, layout, merge=False)
        if begin_state is None:
            begin_state = self.begin_state()
        l_cell, r_cell = self._cells
        n = len(l_cell.state_info)
        l_out, l_states = l_cell.unroll(length, inputs, begin_state[:n], layout,
                                        merge_outputs=False)
        r_out, r_states = r_cell.unroll(length, list(reversed(inputs)), begin_state[n:], layout,
                                        merge_outputs=False)
        outputs = [symbol.Concat(l, r, dim=1, name="%st%d" % (self._output_prefix, i))
                   for i, (l, r) in enumerate(zip(l_out, reversed(r_out)))]
        outputs, _ = _merge_outputs(length, outputs, layout, merge_outputs, axis)
        return outputs, l_states + r_states

    def reset(self):
        super(BidirectionalCell, self).reset()
        for cell in getattr(self, "_cells", []):
            cell.reset()
