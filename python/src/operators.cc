// The operator registry from Python: invoke any operator by MXNet name on NDArray handles with
// MXNet's string parameters (tessera.ndarray.register generates mx.nd.<Op> from list_ops and
// op_info at import), and what a front end needs to know about each operator.
#include <pybind11/stl.h>

#include <map>
#include <string>
#include <vector>

#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/op/op_def.h"
#include "python/src/bindings.h"

namespace mx {
namespace python {
namespace {

std::vector<NDArray> InvokeOp(const std::string& op, const std::vector<NDArray>& inputs,
                              const std::map<std::string, std::string>& params,
                              const std::vector<NDArray>& out, const py::tuple& ctx,
                              bool is_train) {
  InvokeOptions options;
  options.ctx = ToContext(ctx);
  options.out = out;
  options.is_train = is_train;
  py::gil_scoped_release release;
  return Invoke(op, inputs, ParamMap(params.begin(), params.end()), options);
}

// Every output (hidden ones included, for a backward pass), how many are visible, and the
// parsed attributes (an OpAttrsHandle for the backward pass).
py::tuple InvokeAllOp(const std::string& op, const std::vector<NDArray>& inputs,
                      const std::map<std::string, std::string>& params, const py::tuple& ctx,
                      bool is_train) {
  InvokeOptions options;
  options.ctx = ToContext(ctx);
  options.is_train = is_train;
  ParamMap p(params.begin(), params.end());
  const OpDef& def = OpRegistry::Get()->Find(op);
  std::vector<NDArray> outs;
  OpAttrs attrs;
  int visible = 0;
  {
    py::gil_scoped_release release;
    attrs = def.MakeAttrs(p);
    visible = def.num_visible_outputs(attrs);
    outs = InvokeAll(attrs, inputs, options);
  }
  return py::make_tuple(outs, visible, attrs);
}

// Input gradients of one recorded operator (None where an input has none).
py::list BackwardOp(const OpAttrs& attrs, const std::vector<NDArray>& inputs,
                    const std::vector<NDArray>& outputs, const std::vector<NDArray>& out_grads) {
  std::vector<NDArray> grads;
  {
    py::gil_scoped_release release;
    grads = Backward(attrs, inputs, outputs, out_grads);
  }
  py::list out;
  for (const NDArray& g : grads) {
    if (g.is_none())
      out.append(py::none());
    else
      out.append(py::cast(g));
  }
  return out;
}

// What mx.nd/mx.sym need to generate an operator's function.
py::dict OpInfo(const std::string& name) {
  const OpDef& op = OpRegistry::Get()->Find(name);
  py::dict info;
  info["name"] = op.name();
  info["description"] = op.description();
  info["param_names"] = op.param_names();
  info["param_docs"] = op.param_docs();
  info["devices"] = op.devices();
  info["has_gradient"] = op.gradient() != nullptr;
  // Input names with default parameters, where those parse (not for ops with required params).
  try {
    OpAttrs attrs = op.MakeAttrs({});
    info["input_names"] = op.input_names(attrs);
  } catch (const Error&) {
    info["input_names"] = py::none();
  }
  return info;
}

std::vector<std::string> InputNames(const std::string& name,
                                    const std::map<std::string, std::string>& params) {
  const OpDef& op = OpRegistry::Get()->Find(name);
  return op.input_names(op.MakeAttrs(ParamMap(params.begin(), params.end())));
}

}  // namespace

void BindOperators(py::module_& m) {
  py::class_<OpAttrs>(m, "OpAttrsHandle")
      .def_property_readonly("op", [](const OpAttrs& a) { return a.op->name(); });
  m.def("invoke", &InvokeOp, py::arg("op"), py::arg("inputs"), py::arg("params"),
        py::arg("out"), py::arg("ctx"), py::arg("is_train") = false);
  m.def("invoke_all", &InvokeAllOp);
  m.def("backward", &BackwardOp);
  m.def("list_ops", [] { return OpRegistry::Get()->Names(); });
  m.def("op_aliases", [] { return OpRegistry::Get()->Aliases(); });
  m.def("op_info", &OpInfo);
  m.def("op_input_names", &InputNames);
}

}  // namespace python
}  // namespace mx
