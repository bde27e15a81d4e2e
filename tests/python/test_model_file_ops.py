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
