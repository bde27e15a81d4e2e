"""mx.io: DataDesc, DataBatch, NDArrayIter (pad/discard/roll_over, shuffle, dicts), the C++
iterators, ResizeIter, PrefetchingIter and Python subclasses of DataIter."""
import gzip
import os
import struct

import numpy as np
import pytest

import mxnet as mx


def test_data_desc_and_batch():
    d = mx.io.DataDesc("data", (8, 3, 224, 224))
    assert repr(d) == "DataDesc[data,(8, 3, 224, 224),<class 'numpy.float32'>,NCHW]"
    assert d.name == "data" and d.shape == (8, 3, 224, 224) and d == ("data", (8, 3, 224, 224))
    assert mx.io.DataDesc.get_batch_axis("TNC") == 1
    descs = mx.io.DataDesc.get_list([("a", (1, 2))], [("a", np.float64)])
    assert descs[0].dtype is np.float64
    b = mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.zeros((2,))], pad=1)
    assert str(b) == "DataBatch: data shapes: [(2, 3)] label shapes: [(2,)]"
    with pytest.raises(TypeError):
        mx.io.DataBatch(mx.nd.ones((1,)))


def collect(it):
    return [(b.data[0].asnumpy().copy(), b.label[0].asnumpy().copy() if b.label else None,
             b.pad) for b in it]


def test_ndarray_iter_pad_discard_roll_over():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    y = np.arange(10)
    it = mx.io.NDArrayIter(x, y, batch_size=4)
    assert it.provide_data[0].shape == (4, 1) and it.provide_label[0].name == "softmax_label"
    batches = collect(it)
    assert [b[2] for b in batches] == [0, 0, 2]
    np.testing.assert_array_equal(batches[2][0].ravel(), [8, 9, 0, 1])
    assert batches[0][1].dtype == np.float32  # labels become float32, as in MXNet
    it.reset()
    assert len(collect(it)) == 3
    it = mx.io.NDArrayIter(x, y, batch_size=4, last_batch_handle="discard")
    assert len(collect(it)) == 2
    it = mx.io.NDArrayIter(x, y, batch_size=4, last_batch_handle="roll_over")
    first = collect(it)
    assert len(first) == 2
    it.reset()
    second = collect(it)
    np.testing.assert_array_equal(second[0][0].ravel(), [8, 9, 0, 1])
    with pytest.raises(ValueError):
        mx.io.NDArrayIter(x, y, batch_size=4, last_batch_handle="wrap")


def test_ndarray_iter_shuffle_dicts_and_names():
    np.random.seed(3)
    x = np.arange(20, dtype=np.float32).reshape(20, 1)
    it = mx.io.NDArrayIter({"b": x, "a": x * 10}, {"lab": x}, batch_size=5, shuffle=True)
    assert [d.name for d in it.provide_data] == ["a", "b"]  # sorted, as MXNet
    rows = []
    for batch in it:
        a, b = batch.data[0].asnumpy().ravel(), batch.data[1].asnumpy().ravel()
        np.testing.assert_array_equal(a, b * 10)  # the same order for every array
        np.testing.assert_array_equal(batch.label[0].asnumpy().ravel(), b)
        rows.extend(b.tolist())
    assert sorted(rows) == list(range(20)) and rows != list(range(20))
    two = mx.io.NDArrayIter([x, x], batch_size=5)
    assert [d.name for d in two.provide_data] == ["_0_data", "_1_data"]
    assert two.provide_label == []


def write_idx(path, arr, magic):
    with gzip.open(path, "wb") as f:
        f.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in arr.shape))
        f.write(arr.astype(np.uint8).tobytes())


def test_mnist_and_csv_iter(tmp_path):
    images = np.random.RandomState(0).randint(0, 256, (10, 28, 28))
    labels = np.arange(10) % 10
    write_idx(str(tmp_path / "img.gz"), images, 0x803)
    write_idx(str(tmp_path / "lab.gz"), labels, 0x801)
    it = mx.io.MNISTIter(image=str(tmp_path / "img.gz"), label=str(tmp_path / "lab.gz"),
                         batch_size=5, shuffle=False)
    batch = next(iter(it))
    assert batch.data[0].shape == (5, 1, 28, 28)
    np.testing.assert_allclose(batch.data[0].asnumpy()[0, 0], images[0] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(batch.label[0].asnumpy(), labels[:5])
    flat = mx.io.MNISTIter(image=str(tmp_path / "img.gz"), label=str(tmp_path / "lab.gz"),
                           batch_size=5, flat=True, shuffle=False)
    assert flat.provide_data[0].shape == (5, 784)
    with pytest.raises(IOError):
        mx.io.MNISTIter(image=str(tmp_path / "missing"), label=str(tmp_path / "lab.gz"))
    data = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.savetxt(str(tmp_path / "d.csv"), data, delimiter=",")
    np.savetxt(str(tmp_path / "l.csv"), np.arange(4), delimiter=",")
    it = mx.io.CSVIter(data_csv=str(tmp_path / "d.csv"), data_shape=(3,),
                       label_csv=str(tmp_path / "l.csv"), batch_size=3)
    batches = list(it)
    np.testing.assert_array_equal(batches[0].data[0].asnumpy(), data[:3])
    assert batches[1].pad == 2  # round_batch fills from the start
    np.testing.assert_array_equal(batches[1].label[0].asnumpy().ravel(), [3, 0, 1])


class Squares(mx.io.DataIter):
    """A Python iterator as MXNet users write them."""

    def __init__(self, n, batch_size, fail_at=None):
        super(Squares, self).__init__(batch_size)
        self.n, self.cur, self.fail_at = n, 0, fail_at
        self.provide_data = [mx.io.DataDesc("data", (batch_size, 1))]
        self.provide_label = [mx.io.DataDesc("softmax_label", (batch_size,))]

    def reset(self):
        self.cur = 0

    def next(self):
        if self.cur >= self.n:
            raise StopIteration
        if self.fail_at is not None and self.cur == self.fail_at:
            raise KeyError("iterator broke at %d" % self.cur)
        x = np.arange(self.cur, self.cur + self.batch_size, dtype=np.float32)
        self.cur += self.batch_size
        return mx.io.DataBatch([mx.nd.array(x.reshape(-1, 1))], [mx.nd.array(x ** 2)])


def test_resize_iter():
    it = mx.io.ResizeIter(Squares(6, 2), 5)
    firsts = [b.data[0].asnumpy()[0, 0] for b in it]
    assert firsts == [0, 2, 4, 0, 2]  # wraps around
    it.reset()
    assert len(list(it)) == 5
    short = mx.io.ResizeIter(Squares(10, 2), 2)
    assert len(list(short)) == 2


def test_prefetching_iter_and_errors():
    it = mx.io.PrefetchingIter([Squares(6, 2), Squares(6, 2)],
                               rename_data=[{"data": "a"}, {"data": "b"}])
    assert [d.name for d in it.provide_data] == ["a", "b"]
    batches = list(it)
    assert len(batches) == 3 and len(batches[0].data) == 2
    np.testing.assert_array_equal(batches[2].data[1].asnumpy().ravel(), [4, 5])
    it.reset()
    assert len(list(it)) == 3
    broken = mx.io.PrefetchingIter(Squares(10, 2, fail_at=4))
    with pytest.raises(KeyError) as info:
        list(broken)
    assert "iterator broke at 4" in str(info.value)
