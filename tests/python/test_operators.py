"""Operators generated from the C++ registry: every one is there, called MXNet's ways."""
import numpy as np
import pytest

import mxnet as mx
import tessera


def test_every_registered_operator_is_generated():
    names = tessera._core.list_ops()
    assert len(names) > 150
    for name in names:
        for prefix, ns in [("_contrib_", mx.nd.contrib), ("_linalg_", mx.nd.linalg),
                           ("_random_", mx.nd.random), ("_image_", mx.nd.image)]:
            if name.startswith(prefix):
                assert hasattr(ns, name[len(prefix):]), name
                break
        else:
            where = mx.nd._internal if name.startswith("_") else mx.nd
            assert callable(getattr(where, name)), name


def test_docstrings_come_from_the_registry():
    doc = mx.nd.Convolution.__doc__
    assert "num_filter" in doc and "kernel" in doc and "Runs on: cpu" in doc
    assert mx.nd.sum.__name__ == "sum"


def test_unary_and_reduction_ops_against_numpy(rng):
    x = rng.uniform(0.1, 2, (3, 4)).astype(np.float32)
    a = mx.nd.array(x)
    for name, ref in [("exp", np.exp), ("log", np.log), ("sqrt", np.sqrt), ("sin", np.sin),
                      ("tanh", np.tanh), ("square", np.square), ("abs", np.abs),
                      ("floor", np.floor), ("reciprocal", np.reciprocal)]:
        np.testing.assert_allclose(getattr(mx.nd, name)(a).asnumpy(), ref(x), rtol=1e-5,
                                   err_msg=name)
        np.testing.assert_allclose(getattr(a, name)().asnumpy(), ref(x), rtol=1e-5,
                                   err_msg=name)
    np.testing.assert_allclose(mx.nd.relu(a - 1).asnumpy(), np.maximum(x - 1, 0), rtol=1e-6)
    np.testing.assert_allclose(mx.nd.sigmoid(a).asnumpy(), 1 / (1 + np.exp(-x)), rtol=1e-5)
    np.testing.assert_allclose(mx.nd.sum(a).asnumpy(), [x.sum()], rtol=1e-5)
    np.testing.assert_allclose(mx.nd.sum(a, axis=1).asnumpy(), x.sum(1), rtol=1e-5)
    np.testing.assert_allclose(a.sum(axis=0, keepdims=True).asnumpy(), x.sum(0, keepdims=True),
                               rtol=1e-5)
    np.testing.assert_allclose(mx.nd.mean(a, axis=(0, 1)).asnumpy(), [x.mean()], rtol=1e-5)
    np.testing.assert_allclose(a.max(axis=1).asnumpy(), x.max(1))
    np.testing.assert_array_equal(mx.nd.argmax(a, axis=1).asnumpy(), x.argmax(1))
    np.testing.assert_allclose(mx.nd.norm(a).asnumpy(), [np.linalg.norm(x)], rtol=1e-5)
    np.testing.assert_allclose(mx.nd.softmax(a).asnumpy(),
                               np.exp(x) / np.exp(x).sum(1, keepdims=True), rtol=1e-5)


def test_positional_parameters_follow_the_inputs():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    a = mx.nd.array(x)
    np.testing.assert_array_equal(mx.nd.sum(a, 1).asnumpy(), x.sum(1))
    np.testing.assert_array_equal(mx.nd.clip(a, 2, 5).asnumpy(), np.clip(x, 2, 5))
    np.testing.assert_array_equal(mx.nd.transpose(a, (1, 0)).asnumpy(), x.T)
    np.testing.assert_array_equal(mx.nd.reshape(a, (4, 3)).asnumpy(), x.reshape(4, 3))
    np.testing.assert_array_equal(mx.nd.slice_axis(a, 1, 1, 3).asnumpy(), x[:, 1:3])
    np.testing.assert_array_equal(mx.nd.one_hot(mx.nd.array([1, 0]), 3).asnumpy(),
                                  np.eye(3)[[1, 0]])
    with pytest.raises(TypeError):
        mx.nd.sum(a, 1, False, False, 7)
    with pytest.raises(TypeError):
        mx.nd.sum(a, 1, axis=1)


def test_named_inputs_and_parameters():
    rng = np.random.RandomState(3)
    x = rng.randn(2, 5).astype(np.float32)
    w = rng.randn(3, 5).astype(np.float32)
    b = rng.randn(3).astype(np.float32)
    ref = x.dot(w.T) + b
    out = mx.nd.FullyConnected(data=mx.nd.array(x), weight=mx.nd.array(w), bias=mx.nd.array(b),
                               num_hidden=3)
    np.testing.assert_allclose(out.asnumpy(), ref, rtol=1e-5)
    out = mx.nd.FullyConnected(mx.nd.array(x), mx.nd.array(w), mx.nd.array(b), num_hidden=3)
    np.testing.assert_allclose(out.asnumpy(), ref, rtol=1e-5)
    out = mx.nd.FullyConnected(mx.nd.array(x), weight=mx.nd.array(w), num_hidden=3,
                               no_bias=True)
    np.testing.assert_allclose(out.asnumpy(), x.dot(w.T), rtol=1e-5)
    with pytest.raises(TypeError) as info:
        mx.nd.FullyConnected(mx.nd.array(x), wieght=mx.nd.array(w), num_hidden=3)
    assert "wieght" in str(info.value) and "weight" in str(info.value)


def test_python_values_become_mxnet_parameter_strings():
    x = np.arange(2 * 3 * 5 * 5, dtype=np.float32).reshape(2, 3, 5, 5)
    w = np.ones((4, 3, 3, 3), dtype=np.float32)
    out = mx.nd.Convolution(mx.nd.array(x), mx.nd.array(w), kernel=(3, 3), pad=[1, 1],
                            num_filter=4, no_bias=True)
    assert out.shape == (2, 4, 5, 5)
    # the centre output sums the 3x3 windows of all three channels
    expected = x[:, :, 1:4, 1:4].sum(axis=(1, 2, 3))
    np.testing.assert_allclose(out.asnumpy()[:, 0, 2, 2], expected, rtol=1e-5)
    c = mx.nd.Cast(mx.nd.array([1.7, -2.2]), dtype=np.int32)
    assert c.dtype is np.int32 and c.asnumpy().tolist() == [1, -2]
    assert mx.nd.cast(mx.nd.array([1]), dtype="float64").dtype is np.float64


def test_variadic_operators_count_their_inputs():
    a, b, c = mx.nd.ones((2, 1)), mx.nd.zeros((2, 1)), mx.nd.ones((2, 1)) * 3
    np.testing.assert_array_equal(mx.nd.Concat(a, b, c, dim=1).asnumpy(),
                                  [[1, 0, 3], [1, 0, 3]])
    np.testing.assert_array_equal(mx.nd.concat(a, b, dim=0).asnumpy(), [[1], [1], [0], [0]])
    parts = mx.nd.split(mx.nd.arange(6).reshape((2, 3)), num_outputs=3, axis=1)
    assert len(parts) == 3 and parts[2].asnumpy().tolist() == [[2], [5]]


def test_out_argument_writes_into_the_given_array():
    a = mx.nd.array([1, 4, 9])
    out = mx.nd.zeros((3,))
    res = mx.nd.sqrt(a, out=out)
    assert res is out
    np.testing.assert_array_equal(out.asnumpy(), [1, 2, 3])
    with pytest.raises(mx.base.MXNetError):
        mx.nd.sqrt(a, out=mx.nd.zeros((4,)))


def test_aliases_and_internal_namespace():
    a = mx.nd.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(mx.nd.flatten(a).asnumpy(), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(mx.nd._internal._plus_scalar(a, scalar=1).asnumpy(),
                                  [[2, 3], [4, 5]])
    np.testing.assert_array_equal(mx.nd.broadcast_plus(a, a).asnumpy(), [[2, 4], [6, 8]])


def test_operator_methods_and_broadcast_to():
    a = mx.nd.array([[1, 2, 3]])
    np.testing.assert_array_equal(a.broadcast_to((2, 3)).asnumpy(), [[1, 2, 3]] * 2)
    np.testing.assert_array_equal(a.expand_dims(axis=0).shape, (1, 1, 3))
    np.testing.assert_array_equal(a.transpose().asnumpy(), [[1], [2], [3]])
    np.testing.assert_array_equal(a.clip(2, 2.5).asnumpy(), [[2, 2, 2.5]])
    np.testing.assert_array_equal(a.one_hot(4).shape, (1, 3, 4))


def test_mxnet_operator_aliases_and_add_n(rng):
    a, b, c = (rng.uniform(-1, 1, (2, 3)).astype(np.float32) for _ in range(3))
    x, y, z = mx.nd.array(a), mx.nd.array(b), mx.nd.array(c)
    np.testing.assert_allclose(mx.nd.add_n(x, y, z).asnumpy(), a + b + c, rtol=1e-6)
    np.testing.assert_allclose(mx.nd.ElementWiseSum(x, y).asnumpy(), a + b, rtol=1e-6)
    np.testing.assert_allclose(mx.nd._internal._Plus(x, y).asnumpy(), a + b, rtol=1e-6)
    np.testing.assert_allclose(mx.nd.broadcast_minus(x, y).asnumpy(), a - b, rtol=1e-6)
    s = mx.sym.ElementWiseSum(mx.sym.var("p"), mx.sym.var("q"), name="es")
    assert s.list_arguments() == ["p", "q"]
    assert '"op": "add_n"' in s.tojson()
    out = s.eval(p=x, q=y)[0]
    np.testing.assert_allclose(out.asnumpy(), a + b, rtol=1e-6)
