"""Tessera's C++ errors arrive as mxnet.error classes: subclasses of MXNetError and of the
matching built-in, with the C++ message."""
import numpy as np
import pytest

import mxnet as mx


def test_shape_error_is_value_error_and_mxnet_error():
    a = mx.nd.ones((2, 2))
    with pytest.raises(mx.base.MXNetError) as info:
        a + mx.nd.ones((3, 3))
    e = info.value
    assert isinstance(e, ValueError)
    assert isinstance(e, mx.error.ShapeError)
    assert "could not be broadcast together with shapes (2,2) and (3,3)" in str(e)


def test_unknown_parameter_names_the_valid_ones():
    with pytest.raises(ValueError) as info:
        mx.nd.sum(mx.nd.ones((2,)), axiz=0)
    assert "axiz" in str(info.value) and "axis" in str(info.value)
    assert isinstance(info.value, mx.base.MXNetError)


def test_index_error():
    a = mx.nd.ones((2, 3))
    with pytest.raises(IndexError):
        a[5]
    with pytest.raises(mx.error.IndexError):
        a[2]


def test_type_error_for_unsupported_dtype():
    with pytest.raises(TypeError):
        mx.nd.ones((2,), dtype="complex64")


def test_io_error_on_missing_file(tmp_path):
    with pytest.raises(IOError) as info:
        mx.nd.load(str(tmp_path / "missing.params"))
    assert isinstance(info.value, mx.base.MXNetError)
    assert "missing.params" in str(info.value)


def test_io_error_on_corrupt_file(tmp_path):
    p = tmp_path / "x.params"
    mx.nd.save(str(p), [mx.nd.arange(10)])
    data = bytearray(p.read_bytes())
    data[-30] ^= 0xFF
    p.write_bytes(bytes(data))
    with pytest.raises(mx.error.IOError):
        mx.nd.load(str(p))


def test_kernel_error_surfaces_at_wait():
    idx = mx.nd.array([0, 7])
    out = mx.nd.take(mx.nd.arange(3), idx, mode="raise")
    with pytest.raises(mx.base.MXNetError) as info:
        out.asnumpy()
    assert "7" in str(info.value)
