// NDArray handles (_core.NDArrayHandle, held by tessera.ndarray.NDArray as `handle`), creation,
// numpy conversion, .params files and waitall. Handles are mx::NDArray values: copies share
// memory, as in C++.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <map>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/ndarray/init.h"
#include "core/ndarray/io.h"
#include "core/ndarray/ndarray.h"
#include "python/src/bindings.h"

namespace mx {
namespace python {
namespace {

using Release = py::call_guard<py::gil_scoped_release>;

// numpy's type number width check: the buffer's item size must be the dtype's.
void CheckItemSize(const py::buffer_info& info, DType dtype) {
  MX_CHECK_AS(TypeError, static_cast<size_t>(info.itemsize) == DTypeSize(dtype))
      << "a numpy buffer of " << info.itemsize << "-byte items cannot fill an array of "
      << DTypeName(dtype) << " (" << DTypeSize(dtype) << " bytes); convert it with astype first.";
}

// A C-contiguous numpy array's elements (of `dtype`) copied into a new array on `ctx`.
NDArray FromNumpy(py::array src, int dtype_code, const py::tuple& ctx) {
  DType dtype = DTypeFromCode(dtype_code);
  py::buffer_info info = src.request();
  CheckItemSize(info, dtype);
  MX_CHECK_AS(ValueError, src.flags() & py::array::c_style)
      << "internal: FromNumpy wants a C-contiguous array";
  std::vector<int64_t> dims(info.shape.begin(), info.shape.end());
  Shape shape(dims);
  if (shape.ndim() == 0) shape = Shape{1};  // MXNet's legacy arrays have no 0-d form
  Context c = ToContext(ctx);
  py::gil_scoped_release release;
  return NDArray(info.ptr, shape, dtype, c);
}

// The values as a new numpy array of `np_dtype` (the numpy type of the array's dtype).
py::array ToNumpy(const NDArray& a, py::dtype np_dtype) {
  std::vector<py::ssize_t> dims(a.shape().begin(), a.shape().end());
  py::array out(np_dtype, dims);
  py::buffer_info info = out.request(true);
  CheckItemSize(info, a.dtype());
  {
    py::gil_scoped_release release;
    a.SyncCopyToCPU(info.ptr, static_cast<size_t>(a.size()));
  }
  return out;
}

// Overwrites `a` (an array or view) with a C-contiguous numpy array of its dtype and size.
void CopyFromNumpy(const NDArray& a, py::array src) {
  py::buffer_info info = src.request();
  CheckItemSize(info, a.dtype());
  MX_CHECK_AS(ShapeError, info.size == a.size())
      << "cannot assign " << info.size << " values to an array of shape " << a.shape()
      << " (" << a.size() << " elements)";
  py::gil_scoped_release release;
  a.SyncCopyFromCPU(info.ptr, static_cast<size_t>(info.size));
}

}  // namespace

void BindNDArray(py::module_& m) {
  py::class_<NDArray>(m, "NDArrayHandle")
      .def_property_readonly("shape", [](const NDArray& a) { return FromShape(a.shape()); })
      .def_property_readonly("dtype_code", [](const NDArray& a) { return int(a.dtype()); })
      .def_property_readonly("context", [](const NDArray& a) { return FromContext(a.context()); })
      .def_property_readonly("size", &NDArray::size)
      .def_property_readonly("ndim", &NDArray::ndim)
      .def("at", &NDArray::At)
      .def("slice", &NDArray::Slice)
      .def("reshape", &NDArray::Reshape)
      .def("copy", &NDArray::Copy, Release())
      .def("copy_to_context",
           [](const NDArray& a, const py::tuple& ctx) { return a.CopyTo(ToContext(ctx)); })
      .def("copy_to", [](const NDArray& a, const NDArray& dst) { a.CopyTo(dst); }, Release())
      .def("as_type", [](const NDArray& a, int code) { return a.AsType(DTypeFromCode(code)); })
      .def("assign",
           [](const NDArray& a, const NDArray& src) {
             NDArray view = a;
             std::move(view) = src;
           })
      .def("fill",
           [](const NDArray& a, double v) {
             NDArray view = a;
             view = v;
           })
      .def("wait_to_read", &NDArray::WaitToRead, Release())
      .def("wait_to_write", &NDArray::WaitToWrite, Release())
      .def("shares_memory", &NDArray::SharesMemoryWith)
      .def("to_string", &NDArray::ToString, Release())
      .def("to_numpy", &ToNumpy)
      .def("copy_from_numpy", &CopyFromNumpy);

  m.def("from_numpy", &FromNumpy);
  m.def("empty", [](const std::vector<int64_t>& shape, const py::tuple& ctx, int dtype) {
    return nd::empty(Shape(shape), ToContext(ctx), DTypeFromCode(dtype));
  });
  m.def("full", [](const std::vector<int64_t>& shape, double value, const py::tuple& ctx,
                   int dtype) {
    return nd::full(Shape(shape), value, ToContext(ctx), DTypeFromCode(dtype));
  });
  m.def("arange", [](double start, double stop, double step, int repeat, const py::tuple& ctx,
                     int dtype) {
    return nd::arange(start, stop, step, repeat, ToContext(ctx), DTypeFromCode(dtype));
  });
  m.def("random_uniform", [](double low, double high, const NDArray& out) {
    return nd::random::uniform(low, high, out);
  });
  m.def("random_normal", [](double loc, double scale, const NDArray& out) {
    return nd::random::normal(loc, scale, out);
  });
  m.def("random_seed", [](uint32_t seed) { random::Seed(seed); }, Release());
  m.def("waitall", &WaitAll, Release());
  m.def("save", [](const std::string& path, const std::vector<NDArray>& arrays,
                   const std::vector<std::string>& names) {
    if (names.empty()) return nd::Save(path, arrays);
    std::vector<std::pair<std::string, NDArray>> named;
    for (size_t i = 0; i < arrays.size(); ++i) named.emplace_back(names[i], arrays[i]);
    nd::Save(path, named);
  }, Release());
  m.def("load", [](const std::string& path) {
    nd::NDArrayFile f = nd::LoadFile(path);
    return py::make_tuple(f.arrays, f.names);
  });
  m.def("dtype_name", [](int code) { return std::string(DTypeName(DTypeFromCode(code))); });
}

}  // namespace python
}  // namespace mx
