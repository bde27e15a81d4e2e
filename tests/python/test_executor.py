"""Executor: bind, simple_bind, forward, backward, arrays and dicts, reshape, monitor."""
import numpy as np
import pytest

import mxnet as mx


def fc_net():
    data = mx.sym.Variable("data")
    fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
    return mx.sym.LinearRegressionOutput(fc, name="lro")


def test_seed_executor_example():
    a, b, c = mx.sym.Variable("data_a"), mx.sym.Variable("data_b"), mx.sym.Variable("data_c")
    s = c * (a + b)
    e = s.bind(mx.cpu(), {"data_a": mx.nd.array([1, 2, 3]), "data_b": mx.nd.array([4, 5, 6]),
                          "data_c": mx.nd.array([2, 3, 4])})
    assert str(type(e)) == "<class 'mxnet.executor.Executor'>"
    out = e.forward()
    np.testing.assert_array_equal(out[0].asnumpy(), [10, 21, 36])


def test_bind_with_gradients_matches_the_formula():
    rng = np.random.RandomState(0)
    x = rng.randn(4, 5).astype(np.float32)
    w = rng.randn(3, 5).astype(np.float32)
    bias = rng.randn(3).astype(np.float32)
    y = rng.randn(4, 3).astype(np.float32)
    sym = fc_net()
    args = {"data": mx.nd.array(x), "fc_weight": mx.nd.array(w), "fc_bias": mx.nd.array(bias),
            "lro_label": mx.nd.array(y)}
    grads = {"fc_weight": mx.nd.zeros((3, 5)), "fc_bias": mx.nd.zeros((3,))}
    e = sym.bind(mx.cpu(), args, args_grad=grads)
    out = e.forward(is_train=True)[0].asnumpy()
    np.testing.assert_allclose(out, x.dot(w.T) + bias, rtol=1e-5)
    e.backward()
    # LinearRegressionOutput's gradient (MXNet's): (out - label) * grad_scale / num_output.
    d = (out - y) / 3
    np.testing.assert_allclose(e.grad_dict["fc_weight"].asnumpy(), d.T.dot(x), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(grads["fc_bias"].asnumpy(), d.sum(0), rtol=1e-4, atol=1e-5)
    assert set(e.grad_dict) == {"fc_weight", "fc_bias"}
    assert e.arg_dict["data"] is not None and len(e.arg_arrays) == 4
    assert e.grad_arrays[0] is None  # data has no gradient array


def test_grad_req_add_accumulates():
    a = mx.sym.Variable("a")
    s = mx.sym.MakeLoss(mx.sym.sum(a * a))
    g = mx.nd.zeros((3,))
    e = s.bind(mx.cpu(), {"a": mx.nd.array([1, 2, 3])}, args_grad={"a": g}, grad_req="add")
    for _ in range(3):
        e.forward(is_train=True)
        e.backward()
    np.testing.assert_allclose(g.asnumpy(), 3 * 2 * np.array([1, 2, 3]), rtol=1e-6)


def test_simple_bind_forward_kwargs_and_reshape():
    sym = fc_net()
    e = sym.simple_bind(mx.cpu(), data=(2, 5))
    assert e.arg_dict["fc_weight"].shape == (3, 5)
    assert e.arg_dict["lro_label"].shape == (2, 3)
    e.arg_dict["fc_weight"][:] = 1
    x = np.arange(10, dtype=np.float32).reshape(2, 5)
    out = e.forward(data=x)[0]
    np.testing.assert_allclose(out.asnumpy(), np.repeat(x.sum(1, keepdims=True), 3, 1))
    out = e.forward(data=mx.nd.array(x * 2))[0]
    np.testing.assert_allclose(out.asnumpy(), np.repeat(2 * x.sum(1, keepdims=True), 3, 1))
    with pytest.raises(ValueError):
        e.forward(data=np.zeros((3, 5), dtype=np.float32))
    with pytest.raises(ValueError):
        e.forward(nodata=x)
    e2 = e.reshape(data=(4, 5), lro_label=(4, 3))
    assert e2.arg_dict["data"].shape == (4, 5)
    out = e2.forward(data=np.ones((4, 5), dtype=np.float32))[0]
    np.testing.assert_allclose(out.asnumpy(), np.full((4, 3), 5.0))  # weights shared
    e16 = mx.sym.Variable("x").simple_bind(mx.cpu(), x=(2,), type_dict={"x": np.float64})
    assert e16.arg_dict["x"].dtype is np.float64


def test_copy_params_from_and_bind_errors():
    sym = fc_net()
    e = sym.simple_bind(mx.cpu(), data=(1, 5), grad_req="null")
    e.copy_params_from({"fc_weight": mx.nd.ones((3, 5)), "fc_bias": mx.nd.ones((3,)) * 2})
    out = e.forward(data=np.ones((1, 5), dtype=np.float32))[0]
    np.testing.assert_allclose(out.asnumpy(), [[7, 7, 7]])
    with pytest.raises(ValueError):
        e.copy_params_from({"other": mx.nd.ones((1,))})
    e.copy_params_from({"other": mx.nd.ones((1,))}, allow_extra_params=True)
    with pytest.raises(ValueError):
        sym.bind(mx.cpu(), {"data": mx.nd.ones((1, 5))})  # missing arrays
    with pytest.raises(mx.error.ShapeError):
        sym.bind(mx.cpu(), {"data": mx.nd.ones((1, 5)), "fc_weight": mx.nd.ones((3, 4)),
                            "fc_bias": mx.nd.ones((3,)), "lro_label": mx.nd.ones((1, 3))})
    with pytest.raises(ValueError):
        sym.bind(mx.cpu(), [mx.nd.ones((1, 5))])


def test_monitor_callback_sees_every_output():
    a = mx.sym.Variable("a")
    s = mx.sym.relu(mx.sym.FullyConnected(a, num_hidden=2, name="fc"), name="act")
    e = s.simple_bind(mx.cpu(), a=(1, 3), grad_req="null")
    seen = {}
    e.set_monitor_callback(lambda name, arr: seen.__setitem__(name, arr.asnumpy().copy()))
    e.arg_dict["fc_weight"][:] = -1
    e.forward(a=np.ones((1, 3), dtype=np.float32))
    assert "fc_output" in seen and "act_output" in seen
    np.testing.assert_array_equal(seen["fc_output"], [[-3, -3]])
    np.testing.assert_array_equal(seen["act_output"], [[0, 0]])


def test_exception_in_monitor_callback_reaches_forward():
    a = mx.sym.Variable("a")
    e = (a * 2).simple_bind(mx.cpu(), a=(2,), grad_req="null")

    def bad(name, arr):
        raise RuntimeError("monitor failed on " + name)
    e.set_monitor_callback(bad)
    with pytest.raises(RuntimeError) as info:
        e.forward()
    assert "monitor failed on" in str(info.value)
    e.set_monitor_callback(lambda n, x: None)
    e.forward()  # still usable
    mx.nd.waitall()


def test_monitor_collects_every_interval_steps():
    a = mx.sym.Variable("a")
    s = mx.sym.relu(mx.sym.FullyConnected(a, num_hidden=2, name="fc"), name="act")
    e = s.simple_bind(mx.cpu(), a=(1, 3), grad_req="null")
    e.arg_dict["fc_weight"][:] = 1
    mon = mx.monitor.Monitor(2, pattern="fc.*", sort=True)
    mon.install(e)
    seen = []
    for step in range(4):
        mon.tic()
        e.forward(a=np.ones((1, 3), dtype=np.float32))
        seen.append(mon.toc())
    assert [len(s) for s in seen] == [3, 0, 3, 0]  # fc_output, fc_weight, fc_bias
    names = [k for _, k, _ in seen[0]]
    assert names == ["fc_bias", "fc_output", "fc_weight"]
    stats = {k: float(v) for _, k, v in seen[0]}
    assert abs(stats["fc_output"] - 3.0) < 1e-6  # norm([3, 3]) / sqrt(2)
    assert abs(stats["fc_weight"] - 1.0) < 1e-6


def test_print_summary_counts_parameters(capsys):
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(5, 5), num_filter=20, name="conv1")
    x = mx.sym.BatchNorm(x, name="bn1")
    x = mx.sym.FullyConnected(mx.sym.Flatten(x), num_hidden=10, name="fc")
    net = mx.sym.SoftmaxOutput(x, name="softmax")
    mx.viz.print_summary(net, shape={"data": (1, 1, 28, 28)})
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].startswith("Layer (type)") and lines[0] == "_" * 120
    row = [l for l in lines if l.startswith("conv1(Convolution)")][0]
    assert row.split()[1:] == ["20x24x24", "520", "data"]
    assert [l for l in lines if l.startswith("bn1(BatchNorm)")][0].split()[2] == "40"
    assert [l for l in lines if l.startswith("fc(FullyConnected)")][0].split()[2] == str(
        20 * 24 * 24 * 10 + 10)
    assert "Total params: %d" % (520 + 40 + 115210) in out
    with pytest.raises(ValueError):
        mx.viz.print_summary(net, shape={})


def test_plot_network_draws_mxnets_graph():
    graphviz = pytest.importorskip("graphviz")
    data = mx.sym.Variable("data")
    net = mx.sym.Convolution(data, kernel=(3, 3), stride=(2, 2), num_filter=8, name="conv")
    net = mx.sym.BatchNorm(net, name="bn")
    net = mx.sym.Activation(net, act_type="relu", name="relu")
    net = mx.sym.Pooling(net, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool")
    parts = mx.sym.SliceChannel(net, num_outputs=2, name="split")
    net = mx.sym.FullyConnected(parts[1], num_hidden=10, name="fc")
    net = mx.sym.SoftmaxOutput(net, name="softmax")
    dot = mx.viz.plot_network(net, shape={"data": (1, 3, 17, 17)}, dtype={"data": "float32"})
    assert isinstance(dot, graphviz.Digraph)
    src = dot.source
    for label in ("Convolution\n3x3/2x2, 8", "Activation\nrelu", "Pooling\nmax, 2x2/2x2",
                  "FullyConnected\n10"):
        assert label in src, (label, src)
    assert "conv_weight" not in src and "bn_gamma" not in src  # weights hidden
    # Edges point from a node to its inputs, labelled with the carried shape without the
    # batch axis: 17x17 -> conv 8x8x8 -> pool 8x4x4 -> split output 1 is 4x4x4.
    assert 'conv -> data [label="3x17x17(float32)"' in src, src
    assert 'pool -> relu [label="8x8x8(float32)"' in src, src
    assert 'fc -> split [label="4x4x4(float32)"' in src, src
    shown = mx.viz.plot_network(net, hide_weights=False).source
    assert "conv_weight" in shown and 'label=""' in shown
    with pytest.raises(TypeError):
        mx.viz.plot_network("not a symbol")
