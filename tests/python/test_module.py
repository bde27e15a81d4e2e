"""mx.mod.Module: the life cycle, exact updates, fit/score/predict with Python iterators,
metrics, initializers and callbacks, checkpoints, logging and errors."""
import logging

import numpy as np
import pytest

import mxnet as mx

from test_io import Squares


def linear_net(num_hidden=3):
    data = mx.sym.Variable("data")
    fc = mx.sym.FullyConnected(data, num_hidden=num_hidden, name="fc")
    return mx.sym.SoftmaxOutput(fc, name="softmax")


def blobs(n=300, seed=0):
    rng = np.random.RandomState(seed)
    centers = np.array([[2, 0], [-2, 0], [0, 2.5]], dtype=np.float32)
    y = rng.randint(0, 3, n)
    x = centers[y] + rng.randn(n, 2).astype(np.float32) * 0.5
    return x, y


def test_one_sgd_step_matches_the_formula():
    x = np.array([[1.0, 2.0], [0.5, -1.0]], dtype=np.float32)
    y = np.array([0, 1])
    mod = mx.mod.Module(linear_net(2))
    mod.bind(data_shapes=[("data", (2, 2))], label_shapes=[("softmax_label", (2,))])
    w0 = np.array([[0.1, -0.2], [0.3, 0.4]], dtype=np.float32)
    mod.init_params(arg_params={"fc_weight": mx.nd.array(w0), "fc_bias": mx.nd.zeros((2,))})
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.5})
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
    mod.forward(batch, is_train=True)
    out = mod.get_outputs()[0].asnumpy()
    logits = x.dot(w0.T)
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(out, p, rtol=1e-5)
    mod.backward()
    mod.update()
    grad = (p - np.eye(2)[y]).T.dot(x) / 2  # rescale_grad = 1 / batch size
    arg, aux = mod.get_params()
    np.testing.assert_allclose(arg["fc_weight"].asnumpy(), w0 - 0.5 * grad, rtol=1e-5)
    assert mod.output_shapes == [("softmax_output", (2, 2))]
    assert mod.data_shapes[0].shape == (2, 2) and mod.label_shapes[0].name == "softmax_label"


def test_fit_learns_and_logs_mxnets_lines(caplog):
    x, y = blobs()
    train = mx.io.NDArrayIter(x[:240], y[:240], batch_size=20, shuffle=True)
    val = mx.io.NDArrayIter(x[240:], y[240:], batch_size=20)
    mod = mx.mod.Module(linear_net())
    mx.random.seed(1)
    seen = []
    with caplog.at_level(logging.INFO):
        mod.fit(train, eval_data=val, num_epoch=4, optimizer="sgd",
                optimizer_params={"learning_rate": 0.3}, initializer=mx.init.Xavier(),
                batch_end_callback=lambda p: seen.append((p.epoch, p.nbatch)),
                epoch_end_callback=mx.callback.do_checkpoint(None) if False else None)
    text = caplog.text
    for epoch in range(4):
        assert "Epoch[%d] Train-accuracy=" % epoch in text
        assert "Epoch[%d] Time cost=" % epoch in text
        assert "Epoch[%d] Validation-accuracy=" % epoch in text
    assert seen[:2] == [(0, 0), (0, 1)] and len(seen) == 4 * 12
    (name, acc), = mod.score(val, "acc")
    assert name == "accuracy" and acc > 0.9
    pred = mod.predict(val)
    assert pred.shape == (60, 3)
    assert (pred.asnumpy().argmax(1) == y[240:]).mean() == acc
    outs = list(mod.iter_predict(val))
    assert len(outs) == 3 and outs[0][1] == 0


def test_fit_with_python_iterator_metric_initializer_and_handler():
    class Halves(mx.init.Initializer):
        def _init_weight(self, name, arr):
            arr[:] = 0.5

    class MeanOutput(mx.metric.EvalMetric):
        def __init__(self):
            super(MeanOutput, self).__init__("mean_out")

        def update(self, labels, preds):
            self.sum_metric += float(preds[0].asnumpy().mean())
            self.num_inst += 1
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())
    logger = logging.getLogger("tessera-test")
    logger.setLevel(logging.INFO)
    logger.addHandler(Keep())
    data = mx.sym.Variable("data")
    net = mx.sym.LinearRegressionOutput(mx.sym.FullyConnected(data, num_hidden=1, name="fc"),
                                        name="softmax")
    mod = mx.mod.Module(net, logger=logger)
    mod.fit(Squares(8, 2), num_epoch=1, initializer=Halves(), eval_metric=MeanOutput(),
            optimizer_params={"learning_rate": 0.0})
    arg, _ = mod.get_params()
    assert arg["fc_weight"].asnumpy().tolist() == [[0.5]]
    assert arg["fc_bias"].asnumpy().tolist() == [0.0]
    assert any(r.startswith("Epoch[0] Train-mean_out=") for r in records)
    # outputs 0.5 * x over x = 0..7 with lr 0: mean 1.75
    line = [r for r in records if "Train-mean_out" in r][0]
    assert abs(float(line.split("=")[1]) - 1.75) < 1e-6


def test_errors_in_python_parts_reach_fit():
    mod = mx.mod.Module(linear_net(2))
    with pytest.raises(KeyError) as info:
        mod.fit(Squares(10, 2, fail_at=4), num_epoch=1)
    assert "iterator broke at 4" in str(info.value)

    def bad_callback(param):
        raise RuntimeError("callback failed")
    with pytest.raises(RuntimeError):
        mod.fit(Squares(10, 2), num_epoch=1, batch_end_callback=bad_callback, force_init=True)


def test_life_cycle_errors_and_warnings():
    mod = mx.mod.Module(linear_net())
    with pytest.raises(ValueError) as info:
        mod.init_params()
    assert "bind()" in str(info.value)
    with pytest.raises(ValueError):
        mod.forward(mx.io.DataBatch([mx.nd.ones((1, 2))]))
    mod.bind(data_shapes=[("data", (4, 2))], label_shapes=[("softmax_label", (4,))])
    mod.init_params()
    with pytest.warns(UserWarning):
        mod.init_params()
    with pytest.raises(ValueError):
        mod.update()
    with pytest.raises(ValueError):
        mx.mod.Module(linear_net(), data_names=["nodata"])
    with pytest.raises(ValueError):
        mod.init_params(arg_params={"bogus": mx.nd.ones((1,))}, force_init=True)

    class MyOpt(mx.optimizer.Optimizer):
        def update(self, index, weight, grad, state):
            pass
    with pytest.raises(NotImplementedError):
        mod.init_optimizer(optimizer=MyOpt())


def test_checkpoint_round_trip_and_load(tmp_path):
    x, y = blobs(80)
    it = mx.io.NDArrayIter(x, y, batch_size=20)
    mod = mx.mod.Module(linear_net())
    mod.fit(it, num_epoch=2, optimizer="adam", optimizer_params={"learning_rate": 0.05})
    prefix = str(tmp_path / "m")
    mod.save_checkpoint(prefix, 2, save_optimizer_states=True)
    before = mod.predict(it).asnumpy()
    loaded = mx.mod.Module.load(prefix, 2, load_optimizer_states=True)
    loaded.bind(data_shapes=it.provide_data, label_shapes=it.provide_label)
    np.testing.assert_allclose(loaded.predict(it).asnumpy(), before, rtol=1e-6)
    loaded.init_optimizer(optimizer="adam", optimizer_params={"learning_rate": 0.05})
    # the same next step from both: identical parameters after it
    it.reset()
    batch = next(iter(it))
    for m in (mod, loaded):
        m.forward(batch, is_train=True)
        m.backward()
        m.update()
    a1, _ = mod.get_params()
    a2, _ = loaded.get_params()
    np.testing.assert_array_equal(a1["fc_weight"].asnumpy(), a2["fc_weight"].asnumpy())
    path = str(tmp_path / "p.params")
    mod.save_params(path)
    other = mx.mod.Module(linear_net())
    other.bind(data_shapes=it.provide_data, label_shapes=it.provide_label)
    other.load_params(path)
    np.testing.assert_array_equal(other.get_params()[0]["fc_bias"].asnumpy(),
                                  a1["fc_bias"].asnumpy())


def test_forward_with_another_batch_size_rebinds():
    x, y = blobs(40)
    mod = mx.mod.Module(linear_net())
    mod.fit(mx.io.NDArrayIter(x, y, batch_size=10), num_epoch=1)
    w = mod.get_params()[0]["fc_weight"].asnumpy()
    mod.forward(mx.io.DataBatch([mx.nd.array(x[:3])], [mx.nd.array(y[:3])]), is_train=False)
    out = mod.get_outputs()[0]
    assert out.shape == (3, 3)
    np.testing.assert_array_equal(mod.get_params()[0]["fc_weight"].asnumpy(), w)
    assert mod.predict(mx.nd.array(x[:5])).shape == (5, 3)


def test_grad_req_per_argument_as_dict_and_list():
    x = np.array([[1.0, 2.0], [0.5, -1.0]], dtype=np.float32)
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array([0, 1])])
    w0 = np.array([[0.1, -0.2], [0.3, 0.4]], dtype=np.float32)
    b0 = np.array([0.5, -0.5], dtype=np.float32)

    def step(grad_req, inputs_need_grad=False):
        mod = mx.mod.Module(linear_net(2))
        mod.bind(data_shapes=[("data", (2, 2))], label_shapes=[("softmax_label", (2,))],
                 inputs_need_grad=inputs_need_grad, grad_req=grad_req)
        mod.init_params(arg_params={"fc_weight": mx.nd.array(w0), "fc_bias": mx.nd.array(b0)})
        mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.5})
        mod.forward(batch, is_train=True)
        mod.backward()
        mod.update()
        return mod, mod.get_params()[0]

    _, both = step("write")
    # The bias's request 'null': it keeps its value, the weight takes the same step as above.
    _, arg = step({"fc_bias": "null"})
    np.testing.assert_array_equal(arg["fc_bias"].asnumpy(), b0)
    np.testing.assert_allclose(arg["fc_weight"].asnumpy(), both["fc_weight"].asnumpy())
    assert np.abs(both["fc_bias"].asnumpy() - b0).max() > 1e-3
    # A list gives one request per argument (data, fc_weight, fc_bias, softmax_label).
    mod, arg = step(["write", "null", "write", "null"], inputs_need_grad=True)
    np.testing.assert_array_equal(arg["fc_weight"].asnumpy(), w0)
    np.testing.assert_allclose(arg["fc_bias"].asnumpy(), both["fc_bias"].asnumpy())
    assert mod.get_input_grads()[0].shape == (2, 2)
    with pytest.raises(ValueError, match="one request per argument"):
        step(["write"])
    with pytest.raises(ValueError, match="not arguments"):
        step({"fc_gamma": "write"})


def test_install_monitor_sees_operator_outputs_and_arguments(caplog):
    x, y = blobs(60)
    it = mx.io.NDArrayIter(x, y, batch_size=20)
    mod = mx.mod.Module(linear_net())
    mon = mx.monitor.Monitor(1, pattern="fc.*")
    with caplog.at_level(logging.INFO):
        mod.fit(it, num_epoch=1, monitor=mon, optimizer_params={"learning_rate": 0.1})
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Batch:")]
    names = {line.split()[2] for line in lines}
    assert {"fc_output", "fc_weight", "fc_bias"} <= names, names
    assert len([n for n in lines if "fc_output" in n]) == 3  # one per batch
    # The statistic is norm / sqrt(size) of the array: check the weight's after training.
    mon.tic()
    mod.forward(next(iter(it)), is_train=False)
    stats = {k: float(v) for _, k, v in mon.toc()}
    w = mod.get_params()[0]["fc_weight"].asnumpy()
    assert abs(stats["fc_weight"] - np.linalg.norm(w) / np.sqrt(w.size)) < 1e-5
