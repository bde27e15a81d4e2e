"""mx.mod.BucketingModule: buckets share the default bucket's parameters and optimizer; the
same updates as one model trained batch by batch; an LSTM (the fused RNN operator) learns over
buckets of two sequence lengths (a chance model scores 0.5)."""
import logging
import os

import numpy as np
import pytest

import mxnet as mx


def _mean_fc_sym_gen(seq_len):
    """(N, seq_len, 4) -> per-step fc -> mean over time -> 2 classes; parameters do not depend
    on seq_len."""
    data = mx.sym.Variable("data")
    h = mx.sym.FullyConnected(data, num_hidden=8, flatten=False, name="fc")
    h = mx.sym.mean(mx.sym.Activation(h, act_type="tanh"), axis=1)
    out = mx.sym.FullyConnected(h, num_hidden=2, name="out")
    return mx.sym.SoftmaxOutput(out, name="softmax"), ("data",), ("softmax_label",)


def _batch(rng, seq_len, n=4):
    x = rng.uniform(-1, 1, (n, seq_len, 4)).astype(np.float32)
    y = (x[:, 0, 0] > 0).astype(np.float32)
    return mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)], bucket_key=seq_len,
                           provide_data=[mx.io.DataDesc("data", (n, seq_len, 4))],
                           provide_label=[mx.io.DataDesc("softmax_label", (n,))])


def test_buckets_share_parameters_and_match_one_model_trained_batch_by_batch():
    rng = np.random.RandomState(0)
    batches = [_batch(rng, k) for k in (5, 3, 3, 5, 2, 3)]
    mod = mx.mod.BucketingModule(_mean_fc_sym_gen, default_bucket_key=5)
    mod.bind(data_shapes=[("data", (4, 5, 4))], label_shapes=[("softmax_label", (4,))])
    mod.init_params(mx.init.Xavier())
    start = {k: v.asnumpy() for k, v in mod.get_params()[0].items()}
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.5})
    for b in batches:
        mod.forward(b, is_train=True)
        mod.backward()
        mod.update()
    assert sorted(mod._buckets) == [2, 3, 5]
    # Every bucket's module sees the same (updated) arrays.
    final = {k: v.asnumpy() for k, v in mod.get_params()[0].items()}
    for key in (2, 3, 5):
        mod.switch_bucket(key, None)
        got = mod.get_params()[0]
        for name, value in final.items():
            np.testing.assert_array_equal(got[name].asnumpy(), value)
    assert any(np.abs(final[k] - start[k]).max() > 1e-3 for k in final)
    # The same steps with one plain Module per shape, parameters handed on after each update.
    params = {k: mx.nd.array(v) for k, v in start.items()}
    for b in batches:
        sym, _, _ = _mean_fc_sym_gen(b.bucket_key)
        m = mx.mod.Module(sym)
        m.bind(data_shapes=b.provide_data, label_shapes=b.provide_label)
        m.init_params(arg_params=params, aux_params={})
        m.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.5})
        m.forward(b, is_train=True)
        m.backward()
        m.update()
        params = m.get_params()[0]
    for name, value in final.items():
        np.testing.assert_allclose(value, params[name].asnumpy(), rtol=1e-5, atol=1e-6)


def test_an_lstm_over_two_sequence_lengths_learns_with_shared_momentum(tmp_path):
    hidden, batch = 16, 32

    def sym_gen(seq_len):
        data = mx.sym.Variable("data")  # (N, T, 1)
        x = mx.sym.swapaxes(data, dim1=0, dim2=1)
        begin = mx.sym.zeros((1, batch, hidden))
        rnn = mx.sym.RNN(x, mx.sym.Variable("lstm_weight"), begin, begin, state_size=hidden,
                         num_layers=1, mode="lstm", name="lstm")
        last = mx.sym.SequenceLast(rnn)
        out = mx.sym.FullyConnected(last, num_hidden=2, name="out")
        return mx.sym.SoftmaxOutput(out, name="softmax"), ("data",), ("softmax_label",)

    mx.random.seed(0)
    rng = np.random.RandomState(0)

    def make(seq_len):
        x = rng.uniform(-1, 1, (batch, seq_len, 1)).astype(np.float32)
        y = (x.sum(axis=(1, 2)) > 0).astype(np.float32)  # the sign of the whole sequence's sum
        return mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)], bucket_key=seq_len,
                               provide_data=[mx.io.DataDesc("data", (batch, seq_len, 1))],
                               provide_label=[mx.io.DataDesc("softmax_label", (batch,))])

    mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=8)
    mod.bind(data_shapes=[("data", (batch, 8, 1))], label_shapes=[("softmax_label", (batch,))])
    mod.init_params(mx.init.Uniform(0.2))
    mod.init_optimizer(optimizer="sgd", optimizer_params={
        "learning_rate": 0.5, "momentum": 0.9})
    for step in range(300):
        mod.forward_backward(make(8 if step % 2 else 4))
        mod.update()
    metric = mx.metric.Accuracy()
    for seq_len in (4, 8):
        for _ in range(5):
            b = make(seq_len)
            mod.forward(b, is_train=False)
            mod.update_metric(metric, b.label)
    assert metric.get()[1] > 0.9, metric.get()
    # MXNet's checkpoint layout: one .params, a symbol per bucket, the keys.
    prefix = str(tmp_path / "lstm")
    mod.save_checkpoint(prefix, 3)
    for name in ("lstm-0003.params", "lstm-4-symbol.json", "lstm-8-symbol.json", "lstm.buckets"):
        assert os.path.exists(str(tmp_path / name)), name
    assert sorted(mx.nd.load(prefix + ".buckets")[0].asnumpy().tolist()) == [4, 8]
    saved = mx.nd.load(prefix + "-0003.params")
    np.testing.assert_array_equal(saved["arg:lstm_weight"].asnumpy(),
                                  mod.get_params()[0]["lstm_weight"].asnumpy())


def test_a_bucket_with_parameters_of_its_own_is_an_error():
    def sym_gen(seq_len):
        sym, d, l = _mean_fc_sym_gen(seq_len)
        if seq_len == 3:
            sym = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(
                mx.sym.Variable("data"), num_hidden=2, name="other"), name="softmax")
        return sym, d, l

    mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=5, logger=logging)
    mod.bind(data_shapes=[("data", (4, 5, 4))], label_shapes=[("softmax_label", (4,))])
    mod.init_params()
    with pytest.raises(mx.base.MXNetError, match="other_weight"):
        mod.forward(_batch(np.random.RandomState(0), 3), is_train=True)
    with pytest.raises(ValueError):
        mx.mod.BucketingModule(sym_gen)
