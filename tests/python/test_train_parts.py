"""mx.init, mx.optimizer, mx.lr_scheduler, mx.model and mx.callback."""
import json
import logging
import math

import numpy as np
import pytest

import mxnet as mx


def test_initializers_fill_by_name_pattern():
    mx.random.seed(0)
    w = mx.nd.zeros((200, 300))
    mx.init.Uniform(0.5)("fc_weight", w)
    x = w.asnumpy()
    assert x.min() >= -0.5 and x.max() <= 0.5 and abs(x.mean()) < 0.01 and x.std() > 0.25
    b = mx.nd.ones((5,))
    mx.init.Uniform(0.5)("fc_bias", b)
    assert (b.asnumpy() == 0).all()
    g = mx.nd.zeros((5,))
    mx.init.Normal(0.1)("bn_gamma", g)
    assert (g.asnumpy() == 1).all()
    mx.init.Normal(0.1)("fc_weight", w)
    assert abs(w.asnumpy().std() - 0.1) < 0.005
    mx.init.Xavier(magnitude=3)("conv_weight", w)  # fan_in 300, fan_out 200: U(-s, s)
    s = math.sqrt(3.0 / ((300 + 200) / 2.0))
    assert w.asnumpy().max() <= s and w.asnumpy().max() > 0.9 * s
    mx.init.Constant(2.5)("x_weight", b)
    assert (b.asnumpy() == 2.5).all()
    with pytest.raises(ValueError) as info:
        mx.init.Uniform()("strange_name", b)
    assert "Unknown initialization pattern for strange_name" in str(info.value)
    desc = mx.init.InitDesc("moving_thing", attrs={"__init__": '["one", {}]'})
    mx.init.Uniform()(desc, b)
    assert (b.asnumpy() == 1).all()


def test_initializer_json_create_mixed_load(tmp_path):
    x = mx.init.Xavier(rnd_type="gaussian", magnitude=2)
    assert json.loads(x.dumps()) == ["xavier", {"rnd_type": "gaussian", "factor_type": "avg",
                                                "magnitude": 2}]
    again = mx.init.create(x.dumps())
    assert isinstance(again, mx.init.Xavier) and again.rnd_type == "gaussian"
    assert isinstance(mx.init.create("zeros"), mx.init.Zero)
    mixed = mx.init.Mixed(["^fc1", ".*"], [mx.init.Constant(3), mx.init.One()])
    a = mx.nd.zeros((2,))
    mixed("fc1_weight", a)
    assert (a.asnumpy() == 3).all()
    mixed("fc2_weight", a)
    assert (a.asnumpy() == 1).all()
    mixed("fc1_bias", a)
    assert (a.asnumpy() == 0).all()  # a bias is zero whatever the weight rule
    with pytest.raises(ValueError):
        mx.init.Mixed(["bias"], [mx.init.One()])("w", a)
    path = str(tmp_path / "p.params")
    mx.nd.save(path, {"arg:fc_weight": mx.nd.full((2,), 7)})
    load = mx.init.Load(path, default_init=mx.init.Zero())
    load("fc_weight", a)
    assert (a.asnumpy() == 7).all()
    load("other_weight", a)
    assert (a.asnumpy() == 0).all()
    with pytest.raises(ValueError):
        load("fc_weight", mx.nd.zeros((3,)))


def test_optimizers_by_name_and_class():
    sgd = mx.optimizer.create("sgd", learning_rate=0.1, momentum=0.9, wd=1e-4)
    assert isinstance(sgd, mx.optimizer.SGD) and sgd.lr == 0.1 and sgd.momentum == 0.9
    adam = mx.optimizer.Adam()
    assert adam.learning_rate == 0.001
    for name in ["sgd", "nag", "adam", "rmsprop", "adagrad", "signum", "lamb", "adadelta",
                 "adamax", "nadam", "ftrl"]:
        assert isinstance(mx.optimizer.create(name), mx.optimizer.Optimizer)
    with pytest.raises(ValueError) as info:
        mx.optimizer.create("sgd", momentun=0.9)
    assert "momentun" in str(info.value)
    with pytest.raises(ValueError):
        mx.optimizer.create("nosuch")
    sched = mx.lr_scheduler.FactorScheduler(step=10, factor=0.5)
    opt = mx.optimizer.SGD(learning_rate=0.4, lr_scheduler=sched)
    assert sched.base_lr == 0.4


def test_lr_schedulers_against_their_formulas():
    f = mx.lr_scheduler.FactorScheduler(step=10, factor=0.5, base_lr=1.0)
    assert [f(n) for n in (1, 10, 11, 21)] == [1.0, 1.0, 0.5, 0.25]
    m = mx.lr_scheduler.MultiFactorScheduler(step=[5, 8], factor=0.1, base_lr=1.0)
    assert [round(m(n), 12) for n in (5, 6, 9)] == [1.0, 0.1, 0.01]
    p = mx.lr_scheduler.PolyScheduler(max_update=100, base_lr=1.0, pwr=2, final_lr=0)
    assert abs(p(50) - 0.25) < 1e-12
    c = mx.lr_scheduler.CosineScheduler(max_update=100, base_lr=1.0, final_lr=0.0)
    assert abs(c(50) - 0.5) < 1e-12 and abs(c(100)) < 1e-12
    w = mx.lr_scheduler.CosineScheduler(max_update=100, base_lr=1.0, warmup_steps=10,
                                        warmup_begin_lr=0.0)
    assert abs(w(5) - 0.5) < 1e-12
    with pytest.raises(ValueError):
        mx.lr_scheduler.FactorScheduler(step=0)


def test_checkpoint_files_and_callbacks(tmp_path, caplog):
    sym = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2, name="fc")
    arg = {"fc_weight": mx.nd.ones((2, 3)), "fc_bias": mx.nd.array([1, 2])}
    prefix = str(tmp_path / "net")
    with caplog.at_level(logging.INFO):
        mx.callback.do_checkpoint(prefix, period=2)(1, sym, arg, {})
    assert 'Saved checkpoint to "%s-0002.params"' % prefix in caplog.text
    s, a, x = mx.model.load_checkpoint(prefix, 2)
    assert s.list_arguments() == sym.list_arguments() and x == {}
    np.testing.assert_array_equal(a["fc_bias"].asnumpy(), [1, 2])
    assert set(mx.nd.load(prefix + "-0002.params")) == {"arg:fc_weight", "arg:fc_bias"}
    with pytest.raises(IOError):
        mx.model.load_checkpoint(prefix, 3)

    class Param(object):
        def __init__(self, nbatch, metric):
            self.epoch, self.nbatch, self.eval_metric = 0, nbatch, metric
    metric = mx.metric.Accuracy()
    metric.update([mx.nd.array([1, 1])], [mx.nd.array([1, 0])])
    speed = mx.callback.Speedometer(batch_size=4, frequent=2)
    with caplog.at_level(logging.INFO):
        caplog.clear()
        for n in range(3):
            speed(Param(n, metric))
    assert "Epoch[0] Batch [0-2]\tSpeed: " in caplog.text and "accuracy=0.500000" in caplog.text
    assert metric.num_inst == 0 and metric.global_num_inst == 2  # auto_reset: local only
    with caplog.at_level(logging.INFO):
        caplog.clear()
        mx.callback.ProgressBar(total=4, length=8)(Param(2, None))
    assert "[====----] 50%" in caplog.text
