"""mx.nd.NDArray against numpy: creation, properties, printing, arithmetic, conversion."""
import numpy as np
import pytest

import mxnet as mx


def assert_same(nd, expected, dtype=None):
    got = nd.asnumpy()
    expected = np.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if dtype is not None:
        assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_array_from_list_numpy_and_ndarray():
    a = mx.nd.array([[1, 2], [3, 4]])
    assert a.dtype is np.float32 and a.shape == (2, 2)
    assert_same(a, [[1, 2], [3, 4]], np.float32)
    b = mx.nd.array(np.arange(6, dtype=np.int64).reshape(2, 3))
    assert b.dtype is np.float32  # MXNet: float32 unless dtype is given, also for numpy
    c = mx.nd.array(np.arange(6).reshape(2, 3), dtype="int32")
    assert c.dtype is np.int32
    assert_same(c, np.arange(6).reshape(2, 3))
    d = mx.nd.array(c)
    assert d.dtype is np.int32  # an NDArray source keeps its dtype
    d[0, 0] = 100
    assert c.asnumpy()[0, 0] == 0  # a copy
    e = mx.nd.array([1.5, 2.5], ctx=mx.cpu(0), dtype=np.float64)
    assert e.dtype is np.float64 and e.context == mx.cpu(0)
    assert mx.nd.array(3.0).shape == (1,)


def test_dtype_prints_as_numpy_class():
    assert str(mx.nd.ones((1,)).dtype) == "<class 'numpy.float32'>"
    assert str(mx.nd.ones((1,), dtype="float16").dtype) == "<class 'numpy.float16'>"
    assert mx.nd.zeros((2,), dtype=np.uint8).dtype is np.uint8


def test_creation_functions():
    assert_same(mx.nd.zeros((2, 3)), np.zeros((2, 3)))
    assert_same(mx.nd.ones(4), np.ones(4))
    assert_same(mx.nd.full((2, 2), 7.5), np.full((2, 2), 7.5))
    assert mx.nd.empty((3, 1)).shape == (3, 1)
    assert_same(mx.nd.arange(5), np.arange(5))
    assert_same(mx.nd.arange(2, 11, 3), np.arange(2, 11, 3))
    assert_same(mx.nd.arange(0, 3, repeat=2), [0, 0, 1, 1, 2, 2])
    assert_same(mx.nd.linspace(0, 1, 5), np.linspace(0, 1, 5))
    assert_same(mx.nd.linspace(0, 1, 4, endpoint=False), np.linspace(0, 1, 4, endpoint=False))
    assert_same(mx.nd.eye(3), np.eye(3))
    assert_same(mx.nd.eye(2, 4, 1), np.eye(2, 4, 1))
    x = mx.nd.array([[1, 2, 3]], dtype="int32")
    assert_same(mx.nd.zeros_like(x), np.zeros((1, 3)), np.int32)
    assert_same(mx.nd.ones_like(x), np.ones((1, 3)), np.int32)
    assert_same(mx.nd.concat(x, x, dim=0), np.concatenate([x.asnumpy()] * 2, 0))
    assert_same(mx.nd.concat(x, x + 1, x + 2), np.concatenate(
        [x.asnumpy(), x.asnumpy() + 1, x.asnumpy() + 2], 1))
    assert_same(mx.nd.stack(x, x * 2, axis=1), np.stack([x.asnumpy(), 2 * x.asnumpy()], 1))


def test_properties():
    a = mx.nd.zeros((2, 3, 4))
    assert a.shape == (2, 3, 4) and a.size == 24 and a.ndim == 3
    assert a.context == mx.cpu() and a.ctx == mx.cpu()
    assert a.stype == "default"
    assert len(a) == 2
    m = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    assert_same(m.T, [[1, 4], [2, 5], [3, 6]])


def test_repr_is_mxnets():
    a = mx.nd.array([[1, 2], [3, 4]])
    assert repr(a) == "\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>"
    assert str(mx.nd.arange(3, dtype="int32")) == "\n[0 1 2]\n<NDArray 3 @cpu(0)>"


def test_arithmetic_against_numpy(rng):
    x = rng.uniform(1, 2, (3, 4)).astype(np.float32)
    y = rng.uniform(1, 2, (3, 4)).astype(np.float32)
    row = rng.uniform(1, 2, (1, 4)).astype(np.float32)
    a, b, r = mx.nd.array(x), mx.nd.array(y), mx.nd.array(row)
    assert_same(a + b, x + y)
    assert_same(a - b, x - y)
    assert_same(a * b, x * y)
    assert_same(a / b, x / y)
    assert_same(a % b, np.fmod(x, y))
    assert_same(a ** 2, x ** 2)
    assert_same(2 ** a, 2 ** x)
    assert_same(a ** b, x ** y)
    assert_same(a + r, x + row)  # broadcasting
    assert_same(a + 1, x + 1)
    assert_same(1 + a, 1 + x)
    assert_same(3 - a, 3 - x)
    assert_same(a - 3, x - 3)
    assert_same(2 * a, 2 * x)
    assert_same(a / 2, x / 2)
    assert_same(2 / a, 2 / x)
    assert_same(7 % a, np.fmod(7, x))
    assert_same(-a, -x)
    assert_same(abs(-a), x)
    assert_same(a + y, x + y)  # numpy operand
    assert_same(y + a, y + x)  # numpy on the left gives way (__array_priority__)
    assert isinstance(y + a, mx.nd.NDArray)
    assert_same(mx.nd.maximum(a, b), np.maximum(x, y))
    assert_same(mx.nd.minimum(a, 1.5), np.minimum(x, 1.5))
    assert_same(mx.nd.power(a, 3), x ** 3)


def test_comparisons_against_numpy():
    x = np.array([1, 2, 3, 4], dtype=np.float32)
    y = np.array([4, 2, 1, 4], dtype=np.float32)
    a, b = mx.nd.array(x), mx.nd.array(y)
    assert_same(a == b, (x == y).astype(np.float32))
    assert_same(a != b, (x != y).astype(np.float32))
    assert_same(a > b, (x > y).astype(np.float32))
    assert_same(a >= b, (x >= y).astype(np.float32))
    assert_same(a < b, (x < y).astype(np.float32))
    assert_same(a <= b, (x <= y).astype(np.float32))
    assert_same(a > 2, (x > 2).astype(np.float32))
    assert_same(2 > a, (2 > x).astype(np.float32))
    assert_same(a <= 2, (x <= 2).astype(np.float32))


def test_in_place_operators_write_into_the_same_memory():
    a = mx.nd.array([1, 2, 3])
    view = a.reshape((3, 1))
    a += 1
    assert_same(a, [2, 3, 4])
    a -= mx.nd.array([1, 1, 1])
    assert_same(a, [1, 2, 3])
    a *= 2
    a /= mx.nd.array([2, 2, 2])
    assert_same(a, [1, 2, 3])
    a %= 2
    assert_same(a, [1, 0, 1])
    assert_same(view, [[1], [0], [1]])  # the view saw every update


def test_conversion_and_copies():
    a = mx.nd.array([[1.5, 2.5], [3.5, 4.5]])
    assert a.asnumpy().dtype == np.float32
    assert mx.nd.array([7]).asscalar() == 7 and isinstance(mx.nd.array([7]).asscalar(),
                                                           np.float32)
    with pytest.raises(ValueError):
        a.asscalar()
    i = a.astype("int32")
    assert i.dtype is np.int32
    assert_same(i, [[1, 2], [3, 4]])
    assert a.astype(np.float32, copy=False) is a
    assert a.astype(np.float32) is not a
    c = a.copy()
    c[0, 0] = 0
    assert a.asnumpy()[0, 0] == 1.5
    target = mx.nd.zeros((2, 2))
    assert a.copyto(target) is target
    assert_same(target, a.asnumpy())
    moved = a.copyto(mx.cpu(0))
    assert_same(moved, a.asnumpy())
    assert a.as_in_context(mx.cpu(0)) is a
    np.testing.assert_array_equal(np.array(a), a.asnumpy())
    np.testing.assert_array_equal(np.asarray(a, dtype=np.float64), a.asnumpy())
    with pytest.raises(ValueError):
        a.copyto(mx.nd.zeros((3,)))
    assert_same(a.tostype("default"), a.asnumpy())
    assert bool(mx.nd.array([1])) and not bool(mx.nd.array([0]))
    with pytest.raises(ValueError):
        bool(a)
    assert [r.asnumpy().tolist() for r in a] == [[1.5, 2.5], [3.5, 4.5]]


def test_reshape_codes():
    a = mx.nd.arange(24).reshape((2, 3, 4))
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    assert a.reshape(4, 6).shape == (4, 6)
    assert a.reshape((0, -1)).shape == (2, 12)
    assert a.reshape(shape=(-2,)).shape == (2, 3, 4)
    assert a.reshape((-3, 4)).shape == (6, 4)
    assert a.reshape((-4, 1, 2, -2)).shape == (1, 2, 3, 4)
    assert a.reshape((-1, 0), reverse=True).shape == (6, 4)
    assert_same(a.reshape((6, 4)), x.reshape(6, 4))
    v = a.reshape((24,))
    v[0] = -1  # a view
    assert a.asnumpy()[0, 0, 0] == -1
    with pytest.raises(ValueError):
        a.reshape((5, 5))


def test_pickle_round_trip():
    import pickle
    a = mx.nd.array([[1, 2], [3, 4]], dtype="int64")
    b = pickle.loads(pickle.dumps(a))
    assert b.dtype is np.int64
    assert_same(b, a.asnumpy())


def test_save_load_list_and_dict(tmp_path):
    a = mx.nd.array([[1, 2], [3, 4]])
    b = mx.nd.arange(5, dtype="int32")
    path = str(tmp_path / "list.params")
    mx.nd.save(path, [a, b])
    loaded = mx.nd.load(path)
    assert isinstance(loaded, list) and len(loaded) == 2
    assert_same(loaded[0], a.asnumpy())
    assert loaded[1].dtype is np.int32
    path = str(tmp_path / "dict.params")
    mx.nd.save(path, {"arg:w": a, "aux:m": b})
    loaded = mx.nd.load(path)
    assert sorted(loaded) == ["arg:w", "aux:m"]
    assert_same(loaded["arg:w"], a.asnumpy())
    mx.nd.save(path, a)
    assert len(mx.nd.load(path)) == 1
    with pytest.raises(TypeError):
        mx.nd.save(path, [1, 2])


def test_real_mxnet_params_file_loads():
    import glob
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    files = sorted(glob.glob(os.path.join(here, "..", "..", "..", "shared", "mxnet-artifacts",
                                          "*.params")))
    if not files:
        pytest.skip("../shared/mxnet-artifacts is not beside this checkout")
    for f in files:
        loaded = mx.nd.load(f)
        arrays = loaded.values() if isinstance(loaded, dict) else loaded
        for v in arrays:
            assert np.all(np.isfinite(v.asnumpy().astype(np.float64)))


def test_random_seed_repeats_and_distributions():
    mx.random.seed(42)
    u1 = mx.nd.random.uniform(-1, 3, shape=(20000,))
    n1 = mx.nd.random.normal(2, 0.5, shape=(100, 200))
    mx.random.seed(42)
    u2 = mx.nd.random.uniform(-1, 3, shape=(20000,))
    n2 = mx.nd.random.normal(2, 0.5, shape=(100, 200))
    np.testing.assert_array_equal(u1.asnumpy(), u2.asnumpy())
    np.testing.assert_array_equal(n1.asnumpy(), n2.asnumpy())
    u = u1.asnumpy()
    assert u.min() >= -1 and u.max() < 3 and abs(u.mean() - 1) < 0.05
    n = n1.asnumpy()
    assert abs(n.mean() - 2) < 0.02 and abs(n.std() - 0.5) < 0.02
    r = mx.nd.random.randint(3, 7, shape=(5000,))
    assert r.dtype is np.int32
    assert set(np.unique(r.asnumpy())) == {3, 4, 5, 6}
    assert mx.nd.random.randn(2, 3).shape == (2, 3)
    out = mx.nd.zeros((4,))
    assert mx.nd.random.uniform(5, 6, out=out) is out and out.asnumpy().min() >= 5


def test_random_per_element_parameters_and_symbols():
    # NDArray parameters: `shape` samples per element (MXNet's _sample_uniform / _sample_normal).
    low = mx.nd.array([0, 10])
    high = mx.nd.array([1, 20])
    mx.random.seed(3)
    s = mx.nd.random.uniform(low, high, shape=(500,)).asnumpy()
    assert s.shape == (2, 500)
    assert s[0].min() >= 0 and s[0].max() < 1 and s[1].min() >= 10 and s[1].max() < 20
    assert abs(s[1].mean() - 15) < 0.5
    n = mx.nd.random.normal(mx.nd.array([0, 100]), mx.nd.array([1, 0]), shape=(3,)).asnumpy()
    np.testing.assert_array_equal(n[1], [100, 100, 100])
    with pytest.raises(TypeError):
        mx.nd.random.uniform(low, 1, shape=(2,))
    # In graphs: mx.sym.random.uniform/normal, seeded like mx.nd.random.
    x = mx.sym.random.uniform(low=2, high=5, shape=(4, 3))
    mx.random.seed(9)
    a = x.eval(ctx=mx.cpu())[0].asnumpy()
    mx.random.seed(9)
    b = x.eval(ctx=mx.cpu())[0].asnumpy()
    assert a.shape == (4, 3) and a.min() >= 2 and a.max() < 5
    np.testing.assert_array_equal(a, b)
    mu = mx.sym.Variable("mu")
    y = mx.sym.random.normal(mu, mx.sym.ones_like(mu) * 0, shape=(2,))
    out = y.eval(ctx=mx.cpu(), mu=mx.nd.array([1, 2, 3]))[0].asnumpy()
    np.testing.assert_array_equal(out, [[1, 1], [2, 2], [3, 3]])


def test_random_shuffle_and_multinomial():
    mx.random.seed(1)
    a = mx.nd.arange(100).reshape((50, 2))
    s = mx.nd.random.shuffle(a).asnumpy()
    assert sorted(s[:, 0].tolist()) == a.asnumpy()[:, 0].tolist()
    assert not np.array_equal(s, a.asnumpy())
    np.testing.assert_array_equal(s[:, 1], s[:, 0] + 1)  # rows move whole
    probs = mx.nd.array([[0.1, 0.9, 0.0], [1.0, 0.0, 0.0]])
    samples = mx.nd.random.multinomial(probs, shape=4000).asnumpy()
    assert samples.shape == (2, 4000)
    assert abs((samples[0] == 1).mean() - 0.9) < 0.03 and not (samples[0] == 2).any()
    assert (samples[1] == 0).all()
    one, logp = mx.nd.random.multinomial(probs, get_prob=True)
    assert one.shape == (2,)
    np.testing.assert_allclose(logp.asnumpy()[1], 0.0, atol=1e-6)


def test_waitall():
    a = mx.nd.ones((100, 100))
    for _ in range(10):
        a = mx.nd.dot(a, a) / 100
    mx.nd.waitall()
    assert_same(a, np.ones((100, 100)))
