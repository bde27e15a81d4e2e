"""mx.rnn: the unrolled cells against the fused RNN operator on the same packed weights (MXNet's
layouts agree), begin states whose batch size comes from shape inference, LSTMBias, and a
bucketed LSTM language model (BucketSentenceIter + BucketingModule) that learns a sequence."""
import numpy as np
import pytest

import mxnet as mx


def _run(sym, values):
    ex = sym.simple_bind(mx.cpu(), grad_req="null",
                         **{k: v.shape for k, v in values.items() if k == "data"})
    for name, arr in ex.arg_dict.items():
        arr[:] = values[name]
    return ex.forward()[0].asnumpy()


@pytest.mark.parametrize("mode,cell_type,gates", [("lstm", mx.rnn.LSTMCell, 4),
                                                  ("gru", mx.rnn.GRUCell, 3),
                                                  ("rnn_tanh", mx.rnn.RNNCell, 1)])
def test_unrolled_cell_equals_the_fused_operator(mode, cell_type, gates):
    steps, batch, inputs, hidden = 4, 3, 5, 6
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (batch, steps, inputs)).astype(np.float32)
    w = {"i2h_weight": rng.uniform(-0.5, 0.5, (gates * hidden, inputs)),
         "h2h_weight": rng.uniform(-0.5, 0.5, (gates * hidden, hidden)),
         "i2h_bias": rng.uniform(-0.5, 0.5, (gates * hidden,)),
         "h2h_bias": rng.uniform(-0.5, 0.5, (gates * hidden,))}
    cell = cell_type(hidden, prefix="c_")
    outputs, states = cell.unroll(steps, mx.sym.Variable("data"), layout="NTC",
                                  merge_outputs=True)
    assert len(states) == (2 if mode == "lstm" else 1)
    # The begin states are zeros of shape (0, H): inference gives them the batch size.
    _, out_shapes, _ = outputs.infer_shape(data=(batch, steps, inputs))
    assert out_shapes == [(batch, steps, hidden)]
    unrolled = _run(outputs, dict({"data": x}, **{"c_" + k: v for k, v in w.items()}))
    fused = mx.rnn.FusedRNNCell(hidden, num_layers=1, mode=mode, prefix="f_")
    f_out, _ = fused.unroll(steps, mx.sym.Variable("data"), layout="NTC", merge_outputs=True)
    packed = np.concatenate([w["i2h_weight"].ravel(), w["h2h_weight"].ravel(), w["i2h_bias"],
                             w["h2h_bias"]])
    got = _run(f_out, {"data": x, "f_parameters": packed})
    np.testing.assert_allclose(got, unrolled, rtol=1e-5, atol=1e-6)


def test_stacked_cells_lstm_bias_and_iterator():
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.LSTMCell(4, prefix="l0_", forget_bias=2.0))
    stack.add(mx.rnn.DropoutCell(0.0))
    stack.add(mx.rnn.GRUCell(3, prefix="l1_"))
    out, states = stack.unroll(5, mx.sym.Variable("data"), layout="TNC", merge_outputs=False)
    assert len(out) == 5 and len(states) == 3
    mod = mx.mod.Module(mx.sym.Group(out), data_names=["data"], label_names=None)
    mod.bind(data_shapes=[("data", (5, 2, 3))], for_training=False)
    mod.init_params(mx.init.Uniform(0.1))
    bias = mod.get_params()[0]["l0_i2h_bias"].asnumpy()
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.full(4, 2.0), np.zeros(8)])
    mod.forward(mx.io.DataBatch([mx.nd.ones((5, 2, 3))]))
    assert [o.shape for o in mod.get_outputs()] == [(2, 3)] * 5
    # Sentences into buckets: padded with invalid_label, labels shifted left.
    sents, vocab = mx.rnn.encode_sentences([["a", "b"], ["b", "c", "a"], ["c", "a"]],
                                           invalid_label=0, start_label=1)
    assert vocab == {"\n": 0, "a": 1, "b": 2, "c": 3} and sents == [[1, 2], [2, 3, 1], [3, 1]]
    it = mx.rnn.BucketSentenceIter(sents, 1, buckets=[2, 3], invalid_label=0)
    seen = {}
    for b in it:
        seen[tuple(b.data[0].asnumpy()[0])] = (b.bucket_key, tuple(b.label[0].asnumpy()[0]))
    assert seen == {(1, 2): (2, (2, 0)), (2, 3, 1): (3, (3, 1, 0)), (3, 1): (2, (1, 0))}
    assert it.default_bucket_key == 3 and it.provide_data[0].shape == (1, 3)
    with pytest.raises(ValueError, match="not in the vocabulary"):
        mx.rnn.encode_sentences([["z"]], vocab=vocab)


def test_bucketed_lstm_language_model_learns_a_cycle():
    """Sentences of the cycle 1 2 3 4 1 2 ... of lengths 4 to 8: after training the next
    word is certain (perplexity near 1; a model that knows nothing has 4)."""
    mx.random.seed(3)
    rng = np.random.RandomState(3)
    sentences = []
    for _ in range(160):
        start, length = rng.randint(4), rng.randint(4, 9)
        sentences.append([(start + i) % 4 + 1 for i in range(length)])
    batch, hidden, vocab = 16, 24, 5
    it = mx.rnn.BucketSentenceIter(sentences, batch, buckets=[4, 6, 8], invalid_label=0)
    cell = mx.rnn.LSTMCell(hidden, prefix="lstm_")

    def sym_gen(seq_len):
        data = mx.sym.Variable("data")
        label = mx.sym.Variable("softmax_label")
        embed = mx.sym.Embedding(data, input_dim=vocab, output_dim=8, name="embed")
        cell.reset()
        outputs, _ = cell.unroll(seq_len, embed, merge_outputs=True)
        pred = mx.sym.FullyConnected(mx.sym.Reshape(outputs, shape=(-1, hidden)),
                                     num_hidden=vocab, name="pred")
        pred = mx.sym.SoftmaxOutput(pred, mx.sym.Reshape(label, shape=(-1,)), use_ignore=True,
                                    ignore_label=0, name="softmax")
        return pred, ("data",), ("softmax_label",)

    mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=it.default_bucket_key)
    metric = mx.metric.Perplexity(ignore_label=0)
    mod.fit(it, eval_metric=metric, num_epoch=12, initializer=mx.init.Xavier(),
            optimizer="adam", optimizer_params={"learning_rate": 0.02})
    assert sorted(mod._buckets) == [4, 6, 8]
    metric.reset()
    it.reset()
    for b in it:
        mod.forward(b, is_train=False)
        mod.update_metric(metric, b.label)
    assert metric.get()[1] < 1.3, metric.get()


def test_bidirectional_cell_equals_the_bidirectional_fused_operator():
    """The fused operator's bidirectional layout (per direction W_x, W_h; then per direction
    b_x, b_h) against two LSTMCells, the second over the reversed sequence."""
    steps, batch, inputs, hidden = 5, 2, 3, 4
    rng = np.random.RandomState(1)
    x = rng.uniform(-1, 1, (batch, steps, inputs)).astype(np.float32)
    w = {}
    for d in ("l_", "r_"):
        w[d + "i2h_weight"] = rng.uniform(-0.5, 0.5, (4 * hidden, inputs))
        w[d + "h2h_weight"] = rng.uniform(-0.5, 0.5, (4 * hidden, hidden))
        w[d + "i2h_bias"] = rng.uniform(-0.5, 0.5, (4 * hidden,))
        w[d + "h2h_bias"] = rng.uniform(-0.5, 0.5, (4 * hidden,))
    bi = mx.rnn.BidirectionalCell(mx.rnn.LSTMCell(hidden, prefix="l_"),
                                  mx.rnn.LSTMCell(hidden, prefix="r_"))
    out, states = bi.unroll(steps, mx.sym.Variable("data"), merge_outputs=True)
    assert len(states) == 4
    unrolled = _run(out, dict({"data": x}, **w))
    assert unrolled.shape == (batch, steps, 2 * hidden)
    packed = np.concatenate(
        [w[d + k].ravel() for d in ("l_", "r_") for k in ("i2h_weight", "h2h_weight")] +
        [w[d + k] for d in ("l_", "r_") for k in ("i2h_bias", "h2h_bias")])
    fused = mx.rnn.FusedRNNCell(hidden, mode="lstm", bidirectional=True, prefix="f_")
    f_out, _ = fused.unroll(steps, mx.sym.Variable("data"), merge_outputs=True)
    np.testing.assert_allclose(_run(f_out, {"data": x, "f_parameters": packed}), unrolled,
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(NotImplementedError):
        bi(mx.sym.Variable("x"), [])
