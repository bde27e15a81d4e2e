// Symbols (_core.SymbolHandle, held by tessera.symbol.Symbol as `handle`): variables, operator
// nodes, composition, graph queries, shape and type inference, attributes and MXNet's JSON.
// Node names come from Python (tessera.name.NameManager), as in MXNet.
#include <pybind11/stl.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ops/control_flow/control_flow.h"
#include "core/symbol/node.h"
#include "core/symbol/symbol.h"
#include "core/symbol/symbol_json.h"
#include "python/src/bindings.h"

namespace mx {
namespace python {
namespace {

using Release = py::call_guard<py::gil_scoped_release>;
using ShapeMap = std::map<std::string, std::vector<int64_t>>;

py::list Shapes(const std::vector<Shape>& shapes) {
  py::list out;
  for (const Shape& s : shapes) out.append(FromShape(s));
  return out;
}

py::tuple InferShape(const Symbol& s, const ShapeMap& known, bool partial) {
  std::map<std::string, Shape> k;
  for (const auto& kv : known) k[kv.first] = Shape(kv.second);
  ShapeInference r;
  {
    py::gil_scoped_release release;
    r = s.InferShapePartial(k);
  }
  if (!partial && !r.complete) return py::make_tuple(py::none(), py::none(), py::none(), false);
  return py::make_tuple(Shapes(r.arg_shapes), Shapes(r.out_shapes), Shapes(r.aux_shapes),
                        r.complete);
}

py::tuple InferType(const Symbol& s, const std::map<std::string, int>& known) {
  std::map<std::string, DType> k;
  for (const auto& kv : known) k[kv.first] = DTypeFromCode(kv.second);
  TypeInference r = s.InferType(k);
  return py::make_tuple(r.arg_types, r.out_types, r.aux_types, r.complete);
}

Symbol MakeVariable(const std::string& name, std::optional<std::vector<int64_t>> shape,
                    std::optional<int> dtype, std::optional<double> lr_mult,
                    std::optional<double> wd_mult, const std::string& init,
                    const std::map<std::string, std::string>& attrs) {
  VariableAttrs v;
  if (shape) v.shape = Shape(*shape);
  if (dtype) v.dtype = DTypeFromCode(*dtype);
  v.lr_mult = lr_mult;
  v.wd_mult = wd_mult;
  v.init = init;
  v.attrs = ParamMap(attrs.begin(), attrs.end());
  return Symbol::Variable(name, v);
}

Symbol CreateOp(const std::string& op, const std::vector<Symbol>& inputs,
                const std::map<std::string, std::string>& params, const std::string& name,
                const std::vector<std::pair<std::string, Symbol>>& named) {
  return Symbol::CreateOp(op, inputs, ParamMap(params.begin(), params.end()), name, named);
}

// MXNet's sym(*args, **kwargs): positional symbols replace the arguments in list_arguments
// order, named ones by name; `name` renames the head node of a single-output result.
Symbol Compose(const Symbol& s, const std::vector<Symbol>& args,
               const std::map<std::string, Symbol>& kwargs, const std::string& name) {
  std::map<std::string, Symbol> inputs = kwargs;
  if (!args.empty()) {
    std::vector<std::string> arg_names = s.ListArguments();
    MX_CHECK_AS(ValueError, args.size() <= arg_names.size())
        << "compose: " << args.size() << " positional inputs for a symbol with "
        << arg_names.size() << " arguments";
    for (size_t i = 0; i < args.size(); ++i) inputs[arg_names[i]] = args[i];
  }
  Symbol out = inputs.empty() ? s.Copy() : s.Compose(inputs).Copy();
  if (!name.empty()) {
    MX_CHECK_AS(ValueError, out.num_outputs() == 1)
        << "compose: name= needs a symbol with one output; this one has " << out.num_outputs();
    out.node()->attrs.name = name;
  }
  return out;
}

py::object Name(const Symbol& s) {
  if (s.num_outputs() != 1) return py::none();
  return py::str(s.node()->name());
}

std::map<std::string, std::string> ListAttr(const Symbol& s) {
  if (s.num_outputs() != 1) return {};
  const ParamMap& d = s.node()->attrs.dict;
  return std::map<std::string, std::string>(d.begin(), d.end());
}

}  // namespace

void BindSymbol(py::module_& m) {
  py::class_<Symbol>(m, "SymbolHandle")
      .def_property_readonly("num_outputs", &Symbol::num_outputs)
      .def_property_readonly("name", &Name)
      .def("list_arguments", &Symbol::ListArguments)
      .def("list_outputs", &Symbol::ListOutputs)
      .def("list_auxiliary_states", &Symbol::ListAuxiliaryStates)
      .def("list_inputs", &Symbol::ListInputs)
      .def("get_internals", &Symbol::GetInternals)
      .def("get_children", &Symbol::GetChildren)
      .def("output", [](const Symbol& s, size_t i) { return s[i]; })
      .def("infer_shape", &InferShape)
      .def("infer_type", &InferType)
      .def("attr", &Symbol::Attr)
      .def("list_attr", &ListAttr)
      .def("set_attr", &Symbol::SetAttr)
      .def("attr_dict",
           [](const Symbol& s) {
             std::map<std::string, std::map<std::string, std::string>> out;
             for (const auto& kv : s.AttrDict())
               out[kv.first] = std::map<std::string, std::string>(kv.second.begin(),
                                                                  kv.second.end());
             return out;
           })
      .def("compose", &Compose)
      .def("copy", &Symbol::Copy)
      .def("tojson", [](const Symbol& s) { return SaveJSON(s); })
      .def("save", [](const Symbol& s, const std::string& path) { SaveSymbolFile(s, path); },
           Release());
  m.def("sym_variable", &MakeVariable);
  m.def("sym_create", &CreateOp);
  m.def("sym_group", &Group);
  m.def("sym_foreach", &Foreach);  // mx.sym.contrib.foreach (core/ops/control_flow)
  m.def("sym_control_flow", &ControlFlowOp);  // while_loop, cond
  m.def("sym_load_json", &LoadJSON);
  m.def("sym_load", &LoadSymbolFile, Release());
}

}  // namespace python
}  // namespace mx
