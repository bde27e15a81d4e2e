"""Data iterators (MXNet 1.9's mxnet.io): DataDesc, DataBatch, the DataIter protocol, and the
iterators NDArrayIter, MNISTIter, CSVIter (Tessera's C++ iterators), ResizeIter and
PrefetchingIter. Any Python object with MXNet's protocol (reset, next/__next__ raising
StopIteration, provide_data, provide_label) works in Module.fit, score and predict."""
import queue
import sys
import threading
from collections import OrderedDict, namedtuple

import numpy as _np

from .. import _core
from ..base import mx_real_t
from ..ndarray.ndarray import NDArray, _CODE_TO_NP, _dtype_code, _wrap, array

__all__ = ["DataDesc", "DataBatch", "DataIter", "NDArrayIter", "MNISTIter", "CSVIter",
           "ResizeIter", "PrefetchingIter"]


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """Name, shape, dtype and layout of one input (a (name, shape) tuple with two more
    attributes)."""

    def __new__(cls, name, shape, dtype=mx_real_t, layout="NCHW"):
        ret = super(DataDesc, cls).__new__(cls, name, tuple(shape))
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self):
        return "DataDesc[%s,%s,%s,%s]" % (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout):
        """The index of 'N' in `layout` (0 when layout is None)."""
        if layout is None:
            return 0
        return layout.find("N")

    @staticmethod
    def get_list(shapes, types):
        """DataDescs from (name, shape) pairs and optional (name, dtype) pairs."""
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


def _descs(pairs):
    """DataDescs from the C++ (name, shape, dtype code, layout) tuples."""
    return [DataDesc(n, tuple(s), _CODE_TO_NP.get(c, _np.float32), l) for n, s, c, l in pairs]


class DataBatch(object):
    """One batch: lists of data and label NDArrays, pad (samples repeated to fill the last
    batch), index, bucket_key, and optional provide_data / provide_label."""

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None,
                 provide_data=None, provide_label=None):
        if data is not None and not isinstance(data, (list, tuple)):
            raise TypeError("Data must be list of NDArrays")
        if label is not None and not isinstance(label, (list, tuple)):
            raise TypeError("Label must be list of NDArrays")
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self):
        data_shapes = [d.shape for d in self.data]
        label_shapes = [l.shape for l in self.label] if self.label else None
        return "{}: data shapes: {} label shapes: {}".format(self.__class__.__name__,
                                                             data_shapes, label_shapes)


class DataIter(object):
    """The iterator protocol: subclasses give iter_next/getdata/getlabel/getpad (or override
    next) and provide_data/provide_label."""

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self):
        """Starts over from the first batch."""

    def next(self):
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                             index=self.getindex())
        raise StopIteration

    def __next__(self):
        return self.next()

    def iter_next(self):
        return False

    # Iterators that keep the batch they produced in `current_batch` (ResizeIter,
    # PrefetchingIter, the C++ ones) answer these from it.
    def getdata(self):
        batch = getattr(self, "current_batch", None)
        return batch.data if batch is not None else None

    def getlabel(self):
        batch = getattr(self, "current_batch", None)
        return batch.label if batch is not None else None

    def getindex(self):
        batch = getattr(self, "current_batch", None)
        return batch.index if batch is not None else None

    def getpad(self):
        batch = getattr(self, "current_batch", None)
        return batch.pad if batch is not None else 0


class _CppIter(DataIter):
    """A Tessera C++ iterator behind MXNet's protocol."""

    def __init__(self, handle):
        super(_CppIter, self).__init__(handle.batch_size)
        self._handle = handle
        self.provide_data = _descs(handle.provide_data())
        self.provide_label = _descs(handle.provide_label())
        self.current_batch = None

    def reset(self):
        self._handle.reset()

    def next(self):
        got = self._handle.next()
        if got is None:
            raise StopIteration
        data, label, pad, index = got
        self.current_batch = DataBatch([_wrap(h) for h in data], [_wrap(h) for h in label], pad,
                                _np.array(index, dtype=_np.int64) if index else None,
                                provide_data=self.provide_data,
                                provide_label=self.provide_label)
        return self.current_batch

    def iter_next(self):
        try:
            self.next()
            return True
        except StopIteration:
            return False


def _init_data(data, allow_empty, default_name):
    """MXNet's canonical form: a sorted list of (name, NDArray); numpy becomes float32."""
    if data is None:
        data = []
    if isinstance(data, (_np.ndarray, NDArray)):
        data = [data]
    if isinstance(data, list):
        if not allow_empty and not data:
            raise ValueError("NDArrayIter: data must not be empty")
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict([("_%d_%s" % (i, default_name), d) for i, d in enumerate(data)])
    if not isinstance(data, dict):
        raise TypeError("Input must be NDArray, numpy.ndarray, a list of them or dict with "
                        "them as values")
    out = {}
    for k, v in data.items():
        if not isinstance(v, NDArray):
            try:
                v = array(v)
            except Exception:
                raise TypeError("Invalid type '%s' for %s, should be NDArray or numpy.ndarray"
                                % (type(v), k))
        out[k] = v
    return sorted(out.items())


class NDArrayIter(_CppIter):
    """Batches over in-memory arrays (numpy or NDArray; a list or dict of them for several
    inputs). last_batch_handle: 'pad' (fill the last batch from the start), 'discard' or
    'roll_over' (carry the rest into the next epoch). shuffle reorders samples at creation
    and every reset; the order is drawn from numpy's global generator, as MXNet's is."""

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle="pad",
                 data_name="data", label_name="softmax_label", layout="NCHW"):
        self.data = _init_data(data, False, data_name)
        self.label = _init_data(label, True, label_name)
        self.layout = layout
        seed = int(_np.random.randint(0, 2 ** 31 - 1)) if shuffle else 0
        handle = _core.ndarray_iter([(k, v.handle) for k, v in self.data],
                                    [(k, v.handle) for k, v in self.label], int(batch_size),
                                    bool(shuffle), last_batch_handle, seed)
        super(NDArrayIter, self).__init__(handle)
        self.num_data = self.data[0][1].shape[0]
        self.last_batch_handle = last_batch_handle
        self.provide_data = [DataDesc(d.name, d.shape, d.dtype, layout)
                             for d in self.provide_data]
        self.provide_label = [DataDesc(d.name, d.shape, d.dtype, layout)
                              for d in self.provide_label]


def MNISTIter(image="./train-images-idx3-ubyte", label="./train-labels-idx1-ubyte",
              batch_size=128, shuffle=True, flat=False, seed=0, silent=False, num_parts=1,
              part_index=0, **kwargs):
    """Batches of MNIST-format IDX files (gzip or not): data (batch, 1, 28, 28) scaled to
    [0, 1], or (batch, 784) with flat=True; labels (batch,)."""
    for k in kwargs:
        if k not in ("prefetch_buffer", "ctx", "dtype", "input_shape"):
            raise ValueError("MNISTIter: unknown parameter %r; valid: image, label, batch_size, "
                             "shuffle, flat, seed, silent, num_parts, part_index" % k)
    return _CppIter(_core.mnist_iter(image, label, int(batch_size), bool(shuffle), bool(flat),
                                     int(seed), int(num_parts), int(part_index)))


def CSVIter(data_csv, data_shape, label_csv="NULL", label_shape=(1,), batch_size=1,
            round_batch=True, shuffle=False, seed=0, **kwargs):
    """Batches of rows of a CSV file (each row reshaped to data_shape), with labels from
    label_csv when given. round_batch pads the last batch from the start."""
    for k in kwargs:
        if k not in ("prefetch_buffer", "ctx", "dtype"):
            raise ValueError("CSVIter: unknown parameter %r; valid: data_csv, data_shape, "
                             "label_csv, label_shape, batch_size, round_batch, shuffle, seed" % k)
    return _CppIter(_core.csv_iter(data_csv, [int(s) for s in data_shape],
                                   "" if label_csv in (None, "NULL") else label_csv,
                                   [int(s) for s in label_shape], int(batch_size),
                                   bool(round_batch), bool(shuffle), int(seed)))


class ResizeIter(DataIter):
    """`data_iter` resized to `size` batches an epoch: it wraps around (reset) when shorter
    and stops early when longer; reset_internal resets the inner iterator on reset."""

    def __init__(self, data_iter, size, reset_internal=True):
        super(ResizeIter, self).__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, "default_bucket_key"):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self):
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True


class PrefetchingIter(DataIter):
    """Reads the next batch of each of `iters` in a background thread while the current one
    is used; several iterators give one batch of all their data and labels. rename_data /
    rename_label: one {old: new} dict per iterator. An error in an inner iterator is raised
    by next()."""

    def __init__(self, iters, rename_data=None, rename_label=None):
        super(PrefetchingIter, self).__init__()
        if not isinstance(iters, list):
            iters = [iters]
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self._queue = None
        self._thread = None
        self._stop = threading.Event()
        self.current_batch = None
        self._start()

    @staticmethod
    def _rename(descs, renames):
        if renames is None:
            return sum(descs, [])
        return sum([[DataDesc(r.get(x.name, x.name), x.shape, getattr(x, "dtype", mx_real_t))
                     for x in d] for r, d in zip(renames, descs)], [])

    @property
    def provide_data(self):
        return self._rename([i.provide_data for i in self.iters], self.rename_data)

    @property
    def provide_label(self):
        return self._rename([i.provide_label for i in self.iters], self.rename_label)

    def _start(self):
        self._queue = queue.Queue(maxsize=1)
        self._stop.clear()
        q, stop, iters = self._queue, self._stop, self.iters

        def run():
            while not stop.is_set():
                try:
                    batches = [it.next() for it in iters]
                    item = ("batch", batches)
                except StopIteration:
                    item = ("end", None)
                except BaseException:  # delivered to the consumer with its traceback
                    item = ("error", sys.exc_info())
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if item[0] != "batch":
                    return

        self._thread = threading.Thread(target=run, name="PrefetchingIter", daemon=True)
        self._thread.start()

    def _halt(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._thread = None

    def reset(self):
        self._halt()
        for it in self.iters:
            it.reset()
        self._start()

    def iter_next(self):
        if self._thread is None:
            return False
        kind, value = self._queue.get()
        if kind == "error":
            self._thread.join()
            self._thread = None
            raise value[1].with_traceback(value[2])
        if kind == "end":
            self._thread.join()
            self._thread = None
            return False
        self.current_batch = DataBatch(sum([b.data for b in value], []),
                                       sum([b.label or [] for b in value], []), value[0].pad,
                                       value[0].index, provide_data=self.provide_data,
                                       provide_label=self.provide_label)
        return True

    def next(self):
        if self.iter_next():
            return self.current_batch
        raise StopIteration

    def __del__(self):
        try:
            self._halt()
        except Exception:
            pass
