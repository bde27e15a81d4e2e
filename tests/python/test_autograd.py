"""mx.autograd against hand-derived gradients: record, backward, grad, grad_req, modes,
indexing and reshape under the tape, retain_graph, and errors."""
import numpy as np
import pytest

import mxnet as mx


def test_polynomial_and_broadcast_gradients():
    x = mx.nd.array([[1, 2], [3, 4]])
    x.attach_grad()
    b = mx.nd.array([10, 20])
    b.attach_grad()
    with mx.autograd.record():
        y = x * 2 + x * x + b  # b broadcast over rows
        z = mx.nd.sum(y * y)
    assert mx.autograd.is_recording() is False
    z.backward()
    xv, bv = x.asnumpy(), b.asnumpy()
    yv = 2 * xv + xv ** 2 + bv
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * yv * (2 + 2 * xv), rtol=1e-6)
    np.testing.assert_allclose(b.grad.asnumpy(), (2 * yv).sum(0), rtol=1e-6)


def test_layers_indexing_reshape_and_division():
    rng = np.random.RandomState(0)
    xv = rng.randn(3, 4).astype(np.float32)
    wv = rng.randn(5, 4).astype(np.float32)
    x, w = mx.nd.array(xv), mx.nd.array(wv)
    w.attach_grad()
    x.attach_grad()
    with mx.autograd.record():
        h = mx.nd.FullyConnected(x, w, num_hidden=5, no_bias=True)
        a = mx.nd.tanh(h)
        picked = a[:, 1:3].reshape((-1,))  # indexing and reshape are taped
        loss = mx.nd.sum(picked / 2)
    loss.backward()
    hv = xv.dot(wv.T)
    g_h = np.zeros_like(hv)
    g_h[:, 1:3] = 0.5 * (1 - np.tanh(hv[:, 1:3]) ** 2)
    np.testing.assert_allclose(w.grad.asnumpy(), g_h.T.dot(xv), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), g_h.dot(wv), rtol=1e-5, atol=1e-6)


def test_grad_req_add_and_head_gradient():
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad(grad_req="add")
    for _ in range(3):
        with mx.autograd.record():
            y = x * x
        y.backward(mx.nd.array([1.0, 0.5, 2.0]))
    np.testing.assert_allclose(x.grad.asnumpy(), 3 * 2 * np.array([1, 2, 3]) *
                               np.array([1, 0.5, 2]), rtol=1e-6)


def test_autograd_grad_leaves_dot_grad_alone():
    x = mx.nd.array([2.0, -1.0])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.exp(x) * 3
    g = mx.autograd.grad(y, x)
    np.testing.assert_allclose(g.asnumpy(), 3 * np.exp([2.0, -1.0]), rtol=1e-6)
    assert (x.grad.asnumpy() == 0).all()
    with pytest.raises(NotImplementedError):
        mx.autograd.grad(y, x, create_graph=True)


def test_train_and_predict_modes_reach_dropout():
    x = mx.nd.ones((1000,))
    x.attach_grad()
    with mx.autograd.record():
        assert mx.autograd.is_training()
        y = mx.nd.Dropout(x, p=0.5)
    kept = y.asnumpy()
    assert 350 < (kept == 0).sum() < 650 and set(np.unique(kept)) <= {0.0, 2.0}
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), kept)  # the same mask, scaled by 2
    with mx.autograd.record(train_mode=False):
        assert not mx.autograd.is_training()
        np.testing.assert_array_equal(mx.nd.Dropout(x, p=0.5).asnumpy(), np.ones(1000))
    with mx.autograd.train_mode():
        assert mx.autograd.is_training() and not mx.autograd.is_recording()
    with mx.autograd.record():
        with mx.autograd.pause():
            assert not mx.autograd.is_recording()
            z = x * 2
        with mx.autograd.predict_mode():
            assert mx.autograd.is_recording() and not mx.autograd.is_training()
    assert z._ag is None  # made while paused: not taped


def test_retain_graph_and_errors():
    x = mx.nd.array([3.0])
    x.attach_grad()
    with mx.autograd.record():
        y = x * x
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [6.0])
    with pytest.raises(mx.base.MXNetError) as info:
        y.backward()
    assert "retain_graph" in str(info.value)
    plain = mx.nd.array([1.0]) * 2
    with pytest.raises(mx.base.MXNetError):
        plain.backward()
    with pytest.raises(ValueError):
        mx.nd.ones((1,)).attach_grad(grad_req="sometimes")


def test_detach_and_unused_leaf():
    x = mx.nd.array([1.0, 2.0])
    u = mx.nd.array([5.0])
    x.attach_grad()
    u.attach_grad()
    u.grad[:] = 7
    with mx.autograd.record():
        y = mx.nd.sum(x * x.detach())
    mx.autograd.backward(y)
    np.testing.assert_allclose(x.grad.asnumpy(), [1.0, 2.0])  # detached factor: no gradient
    assert u.grad.asnumpy().tolist() == [7.0]  # not part of the graph: untouched
