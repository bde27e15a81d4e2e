// Executors (_core.ExecutorHandle, held by tessera.executor.Executor): a Symbol bound to arrays
// on one device. forward/backward push work and return (the GIL released meanwhile); the
// monitor callback runs in the thread that calls forward, with the GIL taken back.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <map>
#include <string>
#include <vector>

#include "core/executor/executor.h"
#include "python/src/bindings.h"

namespace mx {
namespace python {
namespace {

using Release = py::call_guard<py::gil_scoped_release>;
using ArrayMap = std::map<std::string, NDArray>;

// grad_req as MXNet takes it: one string for all, or a dict by argument name.
void SetGradReq(const py::object& req, GradReq* all, std::map<std::string, GradReq>* each) {
  if (py::isinstance<py::str>(req)) {
    *all = ParseGradReq(req.cast<std::string>());
    return;
  }
  for (auto kv : req.cast<py::dict>())
    (*each)[kv.first.cast<std::string>()] = ParseGradReq(kv.second.cast<std::string>());
}

Executor Bind(const Symbol& sym, const py::tuple& ctx, const ArrayMap& args,
              const ArrayMap& args_grad, const py::object& grad_req, const ArrayMap& aux) {
  BindArgs b;
  b.args = args;
  b.args_grad = args_grad;
  b.aux_states = aux;
  SetGradReq(grad_req, &b.default_grad_req, &b.grad_req);
  Context c = ToContext(ctx);
  py::gil_scoped_release release;
  return Executor::Bind(sym, c, b);
}

Executor SimpleBind(const Symbol& sym, const py::tuple& ctx,
                    const std::map<std::string, std::vector<int64_t>>& shapes,
                    const std::map<std::string, int>& dtypes, const py::object& grad_req) {
  SimpleBindArgs b;
  for (const auto& kv : shapes) b.shapes[kv.first] = Shape(kv.second);
  for (const auto& kv : dtypes) b.dtypes[kv.first] = DTypeFromCode(kv.second);
  SetGradReq(grad_req, &b.grad_req, &b.grad_reqs);
  Context c = ToContext(ctx);
  py::gil_scoped_release release;
  return Executor::SimpleBind(sym, c, b);
}

// Arrays with none entries as Python None.
py::list Arrays(const std::vector<NDArray>& arrays) {
  py::list out;
  for (const NDArray& a : arrays) {
    if (a.is_none())
      out.append(py::none());
    else
      out.append(py::cast(a));
  }
  return out;
}

}  // namespace

void BindExecutor(py::module_& m) {
  py::class_<Executor>(m, "ExecutorHandle")
      .def("forward", [](Executor& e, bool is_train) { e.Forward(is_train); }, Release())
      .def("backward", [](Executor& e, const std::vector<NDArray>& g) { e.Backward(g); },
           Release())
      .def_property_readonly("outputs", [](const Executor& e) { return Arrays(e.outputs()); })
      .def_property_readonly("arg_arrays",
                             [](const Executor& e) { return Arrays(e.arg_arrays()); })
      .def_property_readonly("grad_arrays",
                             [](const Executor& e) { return Arrays(e.grad_arrays()); })
      .def_property_readonly("aux_arrays",
                             [](const Executor& e) { return Arrays(e.aux_arrays()); })
      .def_property_readonly("symbol", &Executor::symbol)
      .def("reshape",
           [](const Executor& e, const std::map<std::string, std::vector<int64_t>>& shapes) {
             std::map<std::string, Shape> s;
             for (const auto& kv : shapes) s[kv.first] = Shape(kv.second);
             py::gil_scoped_release release;
             return e.Reshape(s);
           })
      .def("set_monitor_callback",
           [](Executor& e, py::function fn) {
             // Called in the thread running forward (GIL released): take the GIL back.
             auto holder = std::make_shared<py::function>(std::move(fn));
             e.SetMonitorCallback([holder](const std::string& name, const NDArray& a) {
               py::gil_scoped_acquire gil;
               (*holder)(name, a);
             });
           })
      .def("memory", [](const Executor& e) {
        MemoryReport r = e.memory();
        py::dict d;
        d["planned_bytes"] = r.planned_bytes;
        d["naive_bytes"] = r.naive_bytes;
        d["peak_live_bytes"] = r.peak_live_bytes;
        return d;
      });
  m.def("bind", &Bind);
  m.def("simple_bind", &SimpleBind);
}

}  // namespace python
}  // namespace mx
