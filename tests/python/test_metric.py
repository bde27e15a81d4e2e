"""mx.metric against numpy formulas; local and global sums; create; Python metrics."""
import math

import numpy as np
import pytest

import mxnet as mx


def nd(x):
    return mx.nd.array(x)


def test_accuracy_local_and_global():
    m = mx.metric.create("acc")
    assert isinstance(m, mx.metric.Accuracy)
    m.update([nd([0, 1, 1])], [nd([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    assert m.get() == ("accuracy", 2 / 3)
    m.reset_local()
    m.update([nd([1])], [nd([[0.9, 0.1]])])
    assert m.get() == ("accuracy", 0.0)
    assert m.get_global() == ("accuracy", 0.5)
    assert m.get_global_name_value() == [("accuracy", 0.5)]
    m.reset()
    assert math.isnan(m.get()[1])
    m.update([nd([2, 1])], [nd([2, 0])])  # class indices as predictions
    assert m.get()[1] == 0.5
    with pytest.raises(ValueError):
        m.update([nd([1]), nd([1])], [nd([[1, 0]])])


def test_top_k_f1_regression_ce_nll_perplexity_pearson_loss():
    rng = np.random.RandomState(0)
    pred = rng.uniform(0.01, 1, (20, 5))
    pred /= pred.sum(1, keepdims=True)
    label = rng.randint(0, 5, 20)
    topk = mx.metric.create("top_k_accuracy", top_k=3)
    topk.update([nd(label)], [nd(pred)])
    expected = np.mean([label[i] in np.argsort(pred[i])[-3:] for i in range(20)])
    assert topk.name == "top_k_accuracy_3" and abs(topk.get()[1] - expected) < 1e-12
    ce = mx.metric.create("ce")
    ce.update([nd(label)], [nd(pred)])
    ref = -np.log(pred.astype(np.float32)[np.arange(20), label] + 1e-12).mean()
    assert abs(ce.get()[1] - ref) < 1e-5 and ce.get()[0] == "cross-entropy"
    nll = mx.metric.create("nll_loss")
    nll.update([nd(label)], [nd(pred)])
    assert abs(nll.get()[1] - ref) < 1e-5 and nll.get()[0] == "nll-loss"
    ppl = mx.metric.Perplexity(ignore_label=None)
    ppl.update([nd(label)], [nd(pred)])
    assert abs(ppl.get()[1] - math.exp(ref)) < 1e-3
    y = rng.randn(10).astype(np.float32)
    p = (y + rng.randn(10) * 0.1).astype(np.float32)
    for name, ref in [("mae", np.abs(y - p).mean()), ("mse", ((y - p) ** 2).mean()),
                      ("rmse", np.sqrt(((y - p) ** 2).mean()))]:
        m = mx.metric.create(name)
        m.update([nd(y)], [nd(p)])
        assert abs(m.get()[1] - ref) < 1e-6, name
    r = mx.metric.create("pearsonr")
    r.update([nd(y)], [nd(p)])
    assert abs(r.get()[1] - np.corrcoef(p, y)[0, 1]) < 1e-6
    loss = mx.metric.Loss()
    loss.update(None, [nd([1, 2, 3])])
    assert loss.get() == ("loss", 2.0)
    f1 = mx.metric.F1()
    f1.update([nd([1, 0, 1, 1])], [nd([[0, 1], [1, 0], [1, 0], [0, 1]])])
    # tp=2, fp=0, fn=1: precision 1, recall 2/3
    assert abs(f1.get()[1] - 0.8) < 1e-12
    micro = mx.metric.F1(average="micro")
    micro.update([nd([1, 0])], [nd([[0, 1], [0, 1]])])
    micro.update([nd([1, 1])], [nd([[0, 1], [1, 0]])])
    # pooled: tp=2, fp=1, fn=1 -> precision = recall = 2/3
    assert abs(micro.get()[1] - 2 / 3) < 1e-12 and micro.num_inst == 4


def test_composite_custom_np_and_subclass():
    comp = mx.metric.create(["acc", "mse"])
    comp.update([nd([1, 0])], [nd([[0, 1], [0, 1]])])
    names, values = comp.get()
    assert names == ["accuracy", "mse"] and values[0] == 0.5
    assert len(comp.get_name_value()) == 2

    def mean_abs(label, pred):
        return np.abs(label - pred).mean()
    m = mx.metric.np(mean_abs)
    m.update([nd([1, 2])], [nd([2, 4])])
    assert m.get() == ("mean_abs", 1.5)
    pair = mx.metric.CustomMetric(lambda l, p: (float((l == p).sum()), l.size))
    pair.update([nd([1, 2, 3])], [nd([1, 0, 3])])
    assert pair.name == "custom(<lambda>)" and pair.get()[1] == 2 / 3

    class Count(mx.metric.EvalMetric):
        def __init__(self):
            super(Count, self).__init__("count")

        def update(self, labels, preds):
            self.sum_metric += sum(p.size for p in preds)
            self.num_inst += 1
    c = mx.metric.create(Count())
    c.update_dict({"l": nd([1])}, {"out": nd([1, 2, 3])})
    assert c.get() == ("count", 3.0)
    with pytest.raises(ValueError) as info:
        mx.metric.create("nosuch")
    assert "accuracy" in str(info.value)
    assert mx.metric.Accuracy().get_config()["metric"] == "Accuracy"
