"""Operators that real model files use (issue 24), through mx.nd and mx.sym, against numpy."""
import numpy as np
import pytest

import mxnet as mx


def rand(*shape):
    return np.random.RandomState(len(shape)).uniform(-1, 1, shape).astype(np.float32)


def test_layout_ops_match_numpy():
    x = rand(2, 3, 4)
    a = mx.nd.array(x)
    np.testing.assert_array_equal(
        mx.nd.slice(a, begin=(None, 1, -1), end=(None, None, None), step=(None, 1, -2)).asnumpy(),
        x[:, 1:, ::-2])
    np.testing.assert_array_equal(mx.nd.tile(a, reps=(2, 1, 1, 2)).asnumpy(),
                                  np.tile(x, (2, 1, 1, 2)))
    np.testing.assert_array_equal(mx.nd.repeat(a, repeats=3, axis=1).asnumpy(),
                                  np.repeat(x, 3, axis=1))
    np.testing.assert_array_equal(mx.nd.repeat(a, repeats=2).asnumpy(), np.repeat(x, 2))
    np.testing.assert_array_equal(mx.nd.flip(a, axis=2).asnumpy(), x[:, :, ::-1])
    np.testing.assert_array_equal(mx.nd.swapaxes(a, dim1=0, dim2=2).asnumpy(),
                                  np.swapaxes(x, 0, 2))
    np.testing.assert_array_equal(
        mx.nd.broadcast_to(mx.nd.array(x[:, :1]), shape=(2, 5, 4)).asnumpy(),
        np.broadcast_to(x[:, :1], (2, 5, 4)))
    np.testing.assert_array_equal(mx.nd.shape_array(a).asnumpy(), [2, 3, 4])
    assert mx.nd.shape_array(a).dtype is np.int64


def test_ordering_ops_match_numpy():
    x = rand(3, 7)
    a = mx.nd.array(x)
    np.testing.assert_array_equal(mx.nd.sort(a).asnumpy(), np.sort(x, axis=-1))
    np.testing.assert_array_equal(mx.nd.argsort(a, axis=0).asnumpy(),
                                  np.argsort(x, axis=0, kind="stable"))
    value, index = mx.nd.topk(a, k=3, ret_typ="both")
    order = np.argsort(-x, axis=-1, kind="stable")[:, :3]
    np.testing.assert_array_equal(index.asnumpy(), order)
    np.testing.assert_array_equal(value.asnumpy(), np.take_along_axis(x, order, axis=-1))


def test_gather_nd_and_creation_ops():
    x = rand(3, 4)
    idx = np.array([[0, 2, -1], [1, 3, 0]])
    np.testing.assert_array_equal(mx.nd.gather_nd(mx.nd.array(x), mx.nd.array(idx)).asnumpy(),
                                  x[idx[0], idx[1]])
    np.testing.assert_allclose(mx.nd._internal._arange(start=1, stop=2, step=0.25).asnumpy(),
                               np.arange(1, 2, 0.25))
    np.testing.assert_array_equal(mx.nd._internal._eye(N=3, k=-1).asnumpy(), np.eye(3, k=-1))


def test_box_nms_and_sequence_ops():
    boxes = mx.nd.array([[[0, 0.9, 0, 0, 2, 2], [0, 0.8, 0, 0, 2, 1.9], [0, 0.6, 3, 3, 4, 4]]])
    out = mx.nd.contrib.box_nms(boxes, id_index=0, overlap_thresh=0.5)
    np.testing.assert_allclose(out.asnumpy()[0, :, 1], [0.9, 0.6, -1], rtol=1e-6)
    data = mx.nd.array(rand(4, 2, 3))
    last = mx.nd.SequenceLast(data, mx.nd.array([2, 4]), use_sequence_length=True)
    np.testing.assert_array_equal(last.asnumpy(), data.asnumpy()[[1, 3], [0, 1]])


def test_symbols_infer_shapes_of_the_new_ops():
    data = mx.sym.var("data")
    ln = mx.sym.LayerNorm(data, name="ln")
    assert ln.list_arguments() == ["data", "ln_gamma", "ln_beta"]
    _, out, _ = ln.infer_shape(data=(2, 5))
    assert out == [(2, 5)]
    pooled = mx.sym.contrib.AdaptiveAvgPooling2D(data, output_size=(3, 2))
    assert pooled.infer_shape(data=(1, 4, 9, 9))[1] == [(1, 4, 3, 2)]
    like = mx.sym.slice_like(data, mx.sym.var("other"), axes=(1,))
    assert like.infer_shape(data=(2, 5), other=(1, 3))[1] == [(2, 3)]
    with pytest.raises(mx.base.MXNetError):
        mx.nd.topk(mx.nd.ones((2, 3)), k=4)


def test_gru_cell_file_with_foreach_matches_the_gru_equations():
    # relay-bench's Gluon GRUCell exported through _foreach (a node with a subgraph), run with
    # its own .params and checked against the GRU equations in numpy; then trained one step.
    import os
    here = os.path.join(os.path.dirname(__file__), "..", "data", "zoo", "corpus",
                        "grucell_i128_relaybench")
    sym = mx.sym.load(os.path.join(here, "gru_i128_h128-symbol.json"))
    params = {k.split(":", 1)[-1]: v
              for k, v in mx.nd.load(os.path.join(here, "gru_i128_h128-0001.params")).items()}
    assert sym.list_arguments() == ["data0", "data1"] + [
        "rnnmodel1_gru0_" + n for n in ("i2h_weight", "i2h_bias", "h2h_weight", "h2h_bias")]
    T, H = 4, 128
    x, h0 = rand(T, 1, 128), rand(1, H)
    args = dict(params, data0=mx.nd.array(x), data1=mx.nd.array(h0))
    exe = sym.bind(mx.cpu(), args)
    out, h_last = [o.asnumpy() for o in exe.forward()]
    p = {k[len("rnnmodel1_gru0_"):]: v.asnumpy() for k, v in params.items()}
    sigmoid = lambda v: 1 / (1 + np.exp(-v))
    h, hs = h0.astype(np.float64), []
    for t in range(T):
        i2h = x[t] @ p["i2h_weight"].T + p["i2h_bias"]
        h2h = h @ p["h2h_weight"].T + p["h2h_bias"]
        r = sigmoid(i2h[:, :H] + h2h[:, :H])
        z = sigmoid(i2h[:, H:2 * H] + h2h[:, H:2 * H])
        n = np.tanh(i2h[:, 2 * H:] + r * h2h[:, 2 * H:])
        h = (1 - z) * n + z * h
        hs.append(h)
    np.testing.assert_allclose(out, np.stack(hs), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(h_last, hs[-1], rtol=1e-4, atol=1e-5)

    # The gradient reaches every weight through the loop: a finite difference on one bias.
    grads = {k: mx.nd.zeros(v.shape) for k, v in args.items()}
    exe = sym.bind(mx.cpu(), args, args_grad=grads)
    exe.forward(is_train=True)
    exe.backward([mx.nd.ones((T, 1, H)), mx.nd.zeros((1, H))])
    g = grads["rnnmodel1_gru0_h2h_bias"].asnumpy()[5]
    eps = 1e-2
    def total(delta):
        b = params["rnnmodel1_gru0_h2h_bias"].asnumpy().copy()
        b[5] += delta
        e = sym.bind(mx.cpu(), dict(args, rnnmodel1_gru0_h2h_bias=mx.nd.array(b)))
        return float(e.forward()[0].asnumpy().astype(np.float64).sum())
    np.testing.assert_allclose(g, (total(eps) - total(-eps)) / (2 * eps), rtol=2e-2, atol=1e-4)


def test_imperative_control_flow_as_mxnet():
    # MXNet 1.9's documented examples of mx.nd.contrib.foreach, while_loop and cond.
    x, s0 = rand(3, 4), rand(4)
    outs, states = mx.nd.contrib.foreach(lambda d, s: (d + s[0], [s[0] * 2]), mx.nd.array(x),
                                         [mx.nd.array(s0)])
    np.testing.assert_allclose(outs.asnumpy(), x + s0 * np.array([[1], [2], [4]]), rtol=1e-6)
    np.testing.assert_allclose(states[0].asnumpy(), s0 * 8, rtol=1e-6)

    outputs, states = mx.nd.contrib.while_loop(
        lambda i, s: i <= 5, lambda i, s: ([i + s], [i + 1, s + i]),
        (mx.nd.array([0], dtype="int64"), mx.nd.array([1], dtype="int64")), max_iterations=10)
    assert outputs[0].shape == (10, 1) and outputs[0].dtype is np.int64
    np.testing.assert_array_equal(outputs[0].asnumpy()[:6, 0], [1, 2, 4, 7, 11, 16])
    np.testing.assert_array_equal(outputs[0].asnumpy()[6:, 0], 0)  # MXNet: undefined
    assert [v.asscalar() for v in states] == [6, 16]
    with pytest.raises(ValueError, match="max_iterations"):
        mx.nd.contrib.while_loop(lambda i: i < 1, lambda i: (None, [i + 1]), [mx.nd.zeros(1)])

    a, b = mx.nd.array([1]), mx.nd.array([2])
    out = mx.nd.contrib.cond(a * b < 5, lambda: (a + 5) * (b + 5), lambda: (a - 5) * (b - 5))
    assert out.asscalar() == 42
    out = mx.nd.contrib.cond(a * b > 5, lambda: (a + 5) * (b + 5), lambda: (a - 5) * (b - 5))
    assert out.asscalar() == 12


def test_symbolic_foreach_runs_trains_and_saves():
    # mx.sym.contrib.foreach: a _foreach node with the body as its subgraph; the same numbers as
    # mx.nd.contrib.foreach, a gradient for the parameter, and a JSON round trip.
    def step(x, states):
        w = mx.sym.var("w")
        y = mx.sym.broadcast_mul(x, w) + states[0]
        return y, [mx.sym.tanh(y)]

    data, s0 = mx.sym.var("data"), mx.sym.var("s0")
    outs, states = mx.sym.contrib.foreach(step, data, [s0], name="loop")
    net = mx.sym.Group([outs, states[0]])
    assert net.list_arguments() == ["data", "s0", "w"]
    assert "subgraphs" in net.tojson()
    x, s, w = rand(4, 3), rand(3), rand(3)
    args = {"data": mx.nd.array(x), "s0": mx.nd.array(s), "w": mx.nd.array(w)}
    y, last = [o.asnumpy() for o in net.bind(mx.cpu(), args).forward()]
    want, st = [], s
    for t in range(4):
        want.append(x[t] * w + st)
        st = np.tanh(want[-1])
    np.testing.assert_allclose(y, np.stack(want), rtol=1e-5)
    np.testing.assert_allclose(last, st, rtol=1e-5)
    again = mx.sym.load_json(net.tojson())
    np.testing.assert_allclose(again.bind(mx.cpu(), args).forward()[0].asnumpy(), y, rtol=1e-6)
    grads = {k: mx.nd.zeros(v.shape) for k, v in args.items()}
    exe = net.bind(mx.cpu(), args, args_grad=grads)
    exe.forward(is_train=True)
    exe.backward([mx.nd.ones((4, 3)), mx.nd.zeros((3,))])
    # d sum(y) / d w: y_t = x_t w + s_t, s_{t+1} = tanh(y_t).
    dw, ds = np.zeros(3), np.zeros(3)
    for t in reversed(range(4)):
        dy = 1 + ds
        dw += dy * x[t]
        ds = dy * (1 - np.tanh(want[t - 1]) ** 2) if t > 0 else dy
    np.testing.assert_allclose(grads["w"].asnumpy(), dw, rtol=1e-4)


def test_bilinear_upsampling_with_the_bilinear_initializer():
    weight = mx.nd.zeros((2, 1, 4, 4))
    mx.init.Bilinear()(mx.init.InitDesc("up_weight"), weight)
    taps = np.array([0.25, 0.75, 0.75, 0.25])
    np.testing.assert_allclose(weight.asnumpy()[1, 0], np.outer(taps, taps), rtol=1e-6)
    up = mx.nd.UpSampling(mx.nd.ones((1, 2, 2, 2)), weight, scale=2, sample_type="bilinear",
                          num_filter=2, num_args=2)
    edge = np.array([0.75, 1, 1, 0.75])
    np.testing.assert_allclose(up.asnumpy()[0, 0], np.outer(edge, edge), rtol=1e-6)
    sym = mx.sym.UpSampling(mx.sym.var("data"), scale=2, sample_type="bilinear", num_filter=2,
                            num_args=2, name="up")
    assert sym.list_arguments() == ["data", "up_weight"]


def test_symbolic_while_loop_and_cond():
    # while i < n: acc += x * i; i += 1 (step output acc), at most 5 steps.
    i, acc, n, x = (mx.sym.var(v) for v in ("i", "acc", "n", "x"))
    outs, (i_end, acc_end) = mx.sym.contrib.while_loop(
        lambda i, acc: mx.sym.broadcast_lesser(i, n),
        lambda i, acc: ([acc + mx.sym.broadcast_mul(x, i)], [i + 1, acc + mx.sym.broadcast_mul(x, i)]),
        [i, acc], max_iterations=5)
    net = mx.sym.Group([outs[0], i_end, acc_end, x * 2])  # x used outside too: one argument
    assert sorted(net.list_arguments()) == ["acc", "i", "n", "x"]
    args = {"i": mx.nd.array([0]), "acc": mx.nd.zeros(2), "n": mx.nd.array([3]),
            "x": mx.nd.array([1, 10])}
    steps, last_i, last_acc, _ = [o.asnumpy() for o in net.bind(mx.cpu(), args).forward()]
    np.testing.assert_array_equal(steps, [[0, 0], [1, 10], [3, 30], [0, 0], [0, 0]])
    assert last_i[0] == 3
    np.testing.assert_array_equal(last_acc, [3, 30])

    a, b = mx.sym.var("a"), mx.sym.var("b")
    out = mx.sym.contrib.cond(mx.sym.sum(a) > 0, lambda: a * 2, lambda: a - b)
    for av, want in (([1, 2], [2, 4]), ([-1, -2], [-6, -9])):
        exe = out.bind(mx.cpu(), {"a": mx.nd.array(av), "b": mx.nd.array([5, 7])})
        np.testing.assert_array_equal(exe.forward()[0].asnumpy(), want)
    again = mx.sym.load_json(out.tojson())
    exe = again.bind(mx.cpu(), {"a": mx.nd.array([-1, -2]), "b": mx.nd.array([5, 7])})
    np.testing.assert_array_equal(exe.forward()[0].asnumpy(), [-6, -9])


def _lstm_reference(x, w, h0, c0, hidden):
    """One LSTM layer in numpy with MXNet's packed layout (W_x, W_h, b_x, b_h; gates i f g o)."""
    steps, _, inputs = x.shape
    g = 4 * hidden
    wx = w[:g * inputs].reshape(g, inputs)
    wh = w[g * inputs:g * (inputs + hidden)].reshape(g, hidden)
    bx = w[g * (inputs + hidden):g * (inputs + hidden + 1)]
    bh = w[g * (inputs + hidden + 1):]
    sig = lambda v: 1 / (1 + np.exp(-v))
    h, c, ys = h0, c0, []
    for t in range(steps):
        a = x[t] @ wx.T + bx + h @ wh.T + bh
        i, f, gg, o = (a[:, k * hidden:(k + 1) * hidden] for k in range(4))
        c = sig(f) * c + sig(i) * np.tanh(gg)
        h = sig(o) * np.tanh(c)
        ys.append(h)
    return np.stack(ys), h, c


def test_fused_rnn_matches_numpy_and_trains_with_autograd():
    steps, batch, inputs, hidden = 5, 3, 4, 6
    rng = np.random.RandomState(0)
    size = 4 * hidden * (inputs + hidden + 2)
    x = rng.uniform(-1, 1, (steps, batch, inputs))
    w = rng.uniform(-0.5, 0.5, size)
    h0 = rng.uniform(-1, 1, (1, batch, hidden))
    c0 = rng.uniform(-1, 1, (1, batch, hidden))
    args = [mx.nd.array(v, dtype='float64') for v in (x, w, h0, c0)]
    for a in args:
        a.attach_grad()
    with mx.autograd.record():
        y, hy, cy = mx.nd.RNN(*args, state_size=hidden, num_layers=1, mode='lstm',
                              state_outputs=True)
        loss = (y * y).sum() + hy.sum()
    loss.backward()
    want_y, want_h, want_c = _lstm_reference(x, w, h0[0], c0[0], hidden)
    np.testing.assert_allclose(y.asnumpy(), want_y, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hy.asnumpy()[0], want_h, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(cy.asnumpy()[0], want_c, rtol=1e-10, atol=1e-12)
    # One weight's gradient against a central difference of the numpy reference.
    k, eps = 7, 1e-6
    def f(wk):
        w2 = w.copy()
        w2[k] = wk
        ys, hl, _ = _lstm_reference(x, w2, h0[0], c0[0], hidden)
        return (ys * ys).sum() + hl.sum()
    numeric = (f(w[k] + eps) - f(w[k] - eps)) / (2 * eps)
    assert abs(args[1].grad.asnumpy()[k] - numeric) < 1e-6
    # The symbol infers MXNet's parameter count (two bidirectional layers).
    s = mx.sym.RNN(mx.sym.Variable('data'), mx.sym.Variable('p'), mx.sym.Variable('s'),
                   mx.sym.Variable('c'), state_size=hidden, num_layers=2, mode='lstm',
                   bidirectional=True)
    arg_shapes, out_shapes, _ = s.infer_shape(data=(steps, batch, inputs))
    g = 4 * hidden
    assert arg_shapes[1] == (2 * g * (inputs + hidden + 2) + 2 * g * (2 * hidden + hidden + 2),)
    assert out_shapes == [(steps, batch, 2 * hidden)]
    with pytest.raises(mx.base.MXNetError):
        mx.nd.RNN(args[0][0], args[1], args[2], args[3], state_size=hidden, num_layers=1,
                  mode='lstm')
