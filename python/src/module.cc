// PYBIND11_MODULE for tessera._core (bindings.h).
#include "python/src/bindings.h"

namespace mx {
namespace python {

Context ToContext(const py::tuple& ctx) {
  if (ctx.size() != 2)
    throw py::value_error("a context is a (device_typeid, device_id) pair; got " +
                          py::repr(ctx).cast<std::string>());
  int type = ctx[0].cast<int>();
  if (type != 1 && type != 2 && type != 3 && type != 5)
    throw py::value_error("unknown device type id " + std::to_string(type) +
                          "; expected 1 (cpu), 2 (gpu), 3 (cpu_pinned) or 5 (cpu_shared)");
  return Context{static_cast<DeviceType>(type), ctx[1].cast<int>()};
}

py::tuple FromContext(const Context& ctx) {
  return py::make_tuple(static_cast<int>(ctx.dev_type), ctx.dev_id);
}

Shape ToShape(const std::vector<int64_t>& dims) { return Shape(dims); }

py::tuple FromShape(const Shape& shape) {
  py::tuple t(shape.ndim());
  for (int i = 0; i < shape.ndim(); ++i) t[i] = py::int_(shape[i]);
  return t;
}

}  // namespace python
}  // namespace mx

PYBIND11_MODULE(_core, m) {
  m.doc() = "Tessera's C++ core (use the tessera / mxnet package, not this module).";
  mx::python::BindErrors(m);
  mx::python::BindNDArray(m);
  mx::python::BindOperators(m);
  mx::python::BindSymbol(m);
  mx::python::BindExecutor(m);
  mx::python::BindTraining(m);
  mx::python::BindKVStore(m);
  mx::python::BindCustom(m);
  m.def("gpu_count", &mx::GpuCount, "Number of usable CUDA devices.");
}
