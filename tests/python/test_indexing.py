"""NDArray indexing and assignment against numpy's results for the same keys."""
import numpy as np
import pytest

import mxnet as mx

X = np.arange(60, dtype=np.float32).reshape(3, 4, 5)

GET_KEYS = [
    0, -1, 2, slice(None), slice(1, 3), slice(None, None, 2), slice(None, None, -1),
    slice(-2, None), (1, 2), (1, slice(1, 3)), (slice(None), 1), (slice(None), slice(1, 4, 2)),
    (Ellipsis, 1), (None, 1), (1, None, slice(0, 2)), (slice(0, 2), Ellipsis, slice(3, 5)),
    np.array([2, 0]), [0, 2, 2], (np.array([0, 2]), np.array([1, 3])),
    (slice(None), np.array([3, 0, 1])), (np.array([[0, 1], [2, 0]]), slice(1, 3)),
    (1, np.array([0, 3]), np.array([4, 4])),
]


@pytest.mark.parametrize("key", GET_KEYS, ids=[repr(k) for k in GET_KEYS])
def test_getitem_matches_numpy(key):
    a = mx.nd.array(X)
    got = a[key].asnumpy()
    expected = X[key]
    if expected.ndim == 0:
        expected = expected.reshape(1)  # MXNet: an int for every axis gives shape (1,)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_getitem_every_axis_int_gives_shape_1():
    a = mx.nd.array(X)
    assert a[1, 2, 3].shape == (1,)
    assert a[1, 2, 3].asscalar() == X[1, 2, 3]
    assert mx.nd.array([5, 6, 7])[1].shape == (1,)


def test_getitem_with_ndarray_indices():
    a = mx.nd.array(X)
    idx = mx.nd.array([2, 1], dtype="int32")
    np.testing.assert_array_equal(a[idx].asnumpy(), X[[2, 1]])
    fidx = mx.nd.array([0, 2])  # float32 indices, as MXNet allows
    np.testing.assert_array_equal(a[:, fidx].asnumpy(), X[:, [0, 2]])


def test_basic_views_share_memory():
    a = mx.nd.array(X)
    v = a[1]
    v[:] = -1
    assert (a.asnumpy()[1] == -1).all()
    w = a[2, 1:3]
    w[:] = 7
    assert (a.asnumpy()[2, 1:3] == 7).all()


def test_out_of_range_and_bad_keys():
    a = mx.nd.array(X)
    with pytest.raises(IndexError):
        a[3]
    with pytest.raises(IndexError):
        a[0, 4]
    with pytest.raises(IndexError):
        a[np.array([0, 3])]
    with pytest.raises(IndexError):
        a["x"]
    with pytest.raises(IndexError):
        a[0, 0, 0, 0]


SET_CASES = [
    (slice(None), 3.0), (0, 1.0), (-1, np.arange(20).reshape(4, 5)), ((1, 2), np.arange(5)),
    ((1, slice(1, 3)), 9.0), ((slice(None), 1), np.ones(5) * 2),
    ((slice(None), slice(None, None, 2)), -3.0), ((Ellipsis, 0), 11.0),
    (np.array([0, 2]), 5.0), ((np.array([0, 2]), np.array([1, 3])), np.array([[1, 2, 3, 4, 5]])),
    ((slice(None), slice(None), slice(None, None, -2)), np.arange(3)), (1, np.arange(5)),
]


@pytest.mark.parametrize("key,value", SET_CASES, ids=[repr(k) for k, _ in SET_CASES])
def test_setitem_matches_numpy(key, value):
    a = mx.nd.array(X)
    expected = X.copy()
    expected[key] = value
    a[key] = value
    np.testing.assert_array_equal(a.asnumpy(), expected)


def test_setitem_from_ndarray_with_broadcast():
    a = mx.nd.zeros((3, 4))
    a[:] = mx.nd.array([1, 2, 3, 4])
    np.testing.assert_array_equal(a.asnumpy(), np.tile([1, 2, 3, 4], (3, 1)))
    a[1] = mx.nd.array([9, 9, 9, 9])
    assert (a.asnumpy()[1] == 9).all()
    a[:, ::2] = mx.nd.array([[7], [7], [7]])
    assert (a.asnumpy()[:, ::2] == 7).all()
    with pytest.raises(ValueError):
        a[0] = np.ones(3)
