#include "core/symbol/symbol.h"

#include <algorithm>
#include <unordered_map>

#include "core/base/error.h"
#include "core/pass/infer_shape.h"
#include "core/pass/infer_type.h"
#include "core/symbol/indexed_graph.h"
#include "core/symbol/name_manager.h"

namespace mx {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string PyFloat(double v) { return ParamValue(v).str(); }

// The single output of `s`, for use as an operator input.
NodeEntry SingleOutput(const Symbol& s, const std::string& op, const std::string& input) {
  MX_CHECK_AS(ValueError, s.num_outputs() == 1)
      << "operator " << op << ": input '" << input << "' is a symbol with " << s.num_outputs()
      << " outputs; pass one of them (sym[i]) instead.";
  return s.outputs()[0];
}

}  // namespace

Symbol Symbol::Variable(const std::string& name, const VariableAttrs& a) {
  MX_CHECK_AS(ValueError, !name.empty()) << "Variable: a variable needs a non-empty name.";
  ParamMap dict = a.attrs;
  if (a.shape) dict["__shape__"] = a.shape->ToPythonString();
  if (a.dtype) dict["__dtype__"] = std::to_string(static_cast<int>(*a.dtype));
  if (a.lr_mult) dict["__lr_mult__"] = PyFloat(*a.lr_mult);
  if (a.wd_mult) dict["__wd_mult__"] = PyFloat(*a.wd_mult);
  if (!a.init.empty()) dict["__init__"] = a.init;
  return Symbol({NodeEntry{MakeVariableNode(name, dict), 0, 0}});
}

Symbol Symbol::CreateOp(const std::string& op_name, const std::vector<Symbol>& inputs,
                        const ParamMap& params_in, const std::string& name_in,
                        const std::vector<std::pair<std::string, Symbol>>& named_inputs) {
  const OpDef& op = OpRegistry::Get()->Find(op_name);
  ParamMap params = params_in;
  std::string name = name_in;
  auto name_it = params.find("name");
  if (name_it != params.end()) {
    if (name.empty()) name = name_it->second;
    params.erase(name_it);
  }
  std::vector<std::string> pnames = op.param_names();
  if (std::find(pnames.begin(), pnames.end(), "num_args") != pnames.end() &&
      !params.count("num_args"))
    params["num_args"] = std::to_string(inputs.size() + named_inputs.size());
  name = NameManager::Get(name, Lower(op_name));
  OpAttrs attrs = op.MakeAttrs(params, name);
  std::vector<std::string> in_names = op.input_names(attrs);
  size_t n_in = static_cast<size_t>(op.num_inputs(attrs));
  MX_CHECK_AS(ValueError, inputs.size() <= n_in)
      << "operator " << op_name << " (" << name << ") takes " << n_in << " input(s) ("
      << Join(in_names) << "), " << inputs.size() << " given.";
  std::vector<NodeEntry> entries(n_in);
  std::vector<bool> filled(n_in, false);
  for (size_t i = 0; i < inputs.size(); ++i) {
    entries[i] = SingleOutput(inputs[i], op_name, in_names[i]);
    filled[i] = true;
  }
  for (const auto& [key, sym] : named_inputs) {
    auto it = std::find(in_names.begin(), in_names.end(), key);
    MX_CHECK_AS(ValueError, it != in_names.end())
        << "operator " << op_name << " (" << name << ") has no input named '" << key
        << "'; its inputs are: " << Join(in_names) << ".";
    size_t i = static_cast<size_t>(it - in_names.begin());
    MX_CHECK_AS(ValueError, !filled[i]) << "operator " << op_name << " (" << name << "): input '"
                                        << key << "' is given twice.";
    entries[i] = SingleOutput(sym, op_name, key);
    filled[i] = true;
  }
  for (size_t i = 0; i < n_in; ++i) {
    if (filled[i]) continue;
    // nnvm copies the node's attributes onto variables it creates.
    ParamMap dict = params;
    auto init = op.input_inits().find(static_cast<int>(i));
    if (init != op.input_inits().end()) dict["__init__"] = init->second;
    entries[i] = NodeEntry{MakeVariableNode(name + "_" + in_names[i], dict), 0, 0};
  }
  auto node = std::make_shared<Node>();
  node->attrs = std::move(attrs);
  node->inputs = std::move(entries);
  int n_vis = node->num_visible_outputs();
  std::vector<NodeEntry> outs;
  for (int i = 0; i < n_vis; ++i) outs.push_back(NodeEntry{node, i, 0});
  return Symbol(std::move(outs));
}

const std::shared_ptr<Node>& Symbol::node() const {
  MX_CHECK_AS(ValueError, outputs_.size() == 1)
      << "this symbol has " << outputs_.size() << " outputs; select one with sym[i] first.";
  return outputs_[0].node;
}

std::vector<std::string> Symbol::ListInputs() const {
  IndexedGraph g(outputs_);
  std::vector<std::string> names;
  for (uint32_t nid : g.input_nodes()) names.push_back(g[nid].node->name());
  return names;
}

std::vector<std::string> Symbol::ListArguments() const {
  IndexedGraph g(outputs_);
  std::vector<std::string> names;
  for (uint32_t nid : g.input_nodes())
    if (!g.is_mutable_input(nid)) names.push_back(g[nid].node->name());
  return names;
}

std::vector<std::string> Symbol::ListAuxiliaryStates() const {
  IndexedGraph g(outputs_);
  std::vector<std::string> names;
  for (uint32_t nid : g.input_nodes())
    if (g.is_mutable_input(nid)) names.push_back(g[nid].node->name());
  return names;
}

std::vector<std::string> Symbol::ListOutputs() const {
  std::vector<std::string> names;
  for (const NodeEntry& e : outputs_) names.push_back(e.node->OutputName(e.index));
  return names;
}

Symbol Symbol::GetInternals() const {
  std::vector<NodeEntry> outs;
  IndexedGraph g(outputs_);
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid) {
    const auto& owner = g[nid].owner;
    for (int i = 0; i < owner->num_visible_outputs(); ++i) outs.push_back(NodeEntry{owner, i, 0});
  }
  return Symbol(std::move(outs));
}

Symbol Symbol::GetChildren() const {
  std::vector<NodeEntry> outs;
  for (const NodeEntry& e : outputs_)
    for (const NodeEntry& in : e.node->inputs) outs.push_back(in);
  return Symbol(std::move(outs));
}

Symbol Symbol::operator[](size_t index) const {
  MX_CHECK_AS(IndexError, index < outputs_.size())
      << "output index " << index << " is out of range: this symbol has " << outputs_.size()
      << " output(s).";
  return Symbol({outputs_[index]});
}

Symbol Symbol::operator[](const std::string& name) const {
  std::vector<std::string> names = ListOutputs();
  auto it = std::find(names.begin(), names.end(), name);
  MX_CHECK_AS(ValueError, it != names.end())
      << "this symbol has no output named '" << name << "'; its outputs are: " << Join(names)
      << ".";
  MX_CHECK_AS(ValueError, std::find(it + 1, names.end(), name) == names.end())
      << "this symbol has several outputs named '" << name << "'; select one by index.";
  return Symbol({outputs_[it - names.begin()]});
}

namespace {

// Runs shape inference with `known` by variable name; fills `result` in List*() order.
ShapeInference RunInferShape(const std::vector<NodeEntry>& outputs,
                             const std::map<std::string, Shape>& known, bool partial) {
  IndexedGraph g(outputs);
  std::vector<Shape> shapes(g.num_entries());
  std::map<std::string, uint32_t> by_name;
  for (uint32_t nid : g.input_nodes()) by_name[g[nid].node->name()] = nid;
  for (const auto& [name, shape] : known) {
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      std::vector<std::string> names;
      for (const auto& kv : by_name) names.push_back(kv.first);
      MX_THROW(ValueError) << "InferShape: '" << name << "' is not an input of this symbol; "
                           << "its inputs are: " << Join(names) << ".";
    }
    shapes[g.entry_id(it->second, 0)] = shape;
  }
  size_t unknown = InferShapes(g, &shapes);
  ShapeInference r;
  std::vector<std::string> missing;
  for (uint32_t nid : g.input_nodes()) {
    const Shape& s = shapes[g.entry_id(nid, 0)];
    (g.is_mutable_input(nid) ? r.aux_shapes : r.arg_shapes).push_back(s);
    if (s.ndim() == 0) missing.push_back(g[nid].node->name());
  }
  for (const auto& e : g.outputs()) r.out_shapes.push_back(shapes[g.entry_id(e)]);
  r.complete = unknown == 0;
  if (!partial && !r.complete) {
    std::string where;
    for (uint32_t nid = 0; nid < g.num_nodes() && where.empty(); ++nid)
      for (int i = 0; i < g[nid].node->num_outputs(); ++i)
        if (shapes[g.entry_id(nid, i)].ndim() == 0 && !g[nid].node->is_variable()) {
          where = g.Describe(nid);
          break;
        }
    MX_THROW(ShapeError) << "InferShape: cannot infer every shape from the shapes given"
                         << (missing.empty() ? "" : "; unknown inputs: " + Join(missing))
                         << (where.empty() ? "" : "; first unknown output at " + where)
                         << ". Give those shapes too (e.g. data=(1, 3, 224, 224)).";
  }
  return r;
}

}  // namespace

ShapeInference Symbol::InferShape(const std::map<std::string, Shape>& known) const {
  return RunInferShape(outputs_, known, false);
}

ShapeInference Symbol::InferShapePartial(const std::map<std::string, Shape>& known) const {
  return RunInferShape(outputs_, known, true);
}

TypeInference Symbol::InferType(const std::map<std::string, DType>& known) const {
  IndexedGraph g(outputs_);
  std::vector<int> types(g.num_entries(), -1);
  std::map<std::string, uint32_t> by_name;
  for (uint32_t nid : g.input_nodes()) by_name[g[nid].node->name()] = nid;
  for (const auto& [name, t] : known) {
    auto it = by_name.find(name);
    MX_CHECK_AS(ValueError, it != by_name.end())
        << "InferType: '" << name << "' is not an input of this symbol.";
    types[g.entry_id(it->second, 0)] = static_cast<int>(t);
  }
  size_t unknown = InferTypes(g, &types);
  TypeInference r;
  for (uint32_t nid : g.input_nodes())
    (g.is_mutable_input(nid) ? r.aux_types : r.arg_types).push_back(types[g.entry_id(nid, 0)]);
  for (const auto& e : g.outputs()) r.out_types.push_back(types[g.entry_id(e)]);
  r.complete = unknown == 0;
  return r;
}

std::optional<std::string> Symbol::Attr(const std::string& key) const {
  const ParamMap& dict = node()->attrs.dict;
  auto it = dict.find(key);
  if (it == dict.end()) return std::nullopt;
  return it->second;
}

void Symbol::SetAttr(const std::string& key, const std::string& value) {
  for (const NodeEntry& e : outputs_) {
    Node* n = e.node.get();
    ParamMap dict = n->attrs.dict;
    dict[key] = value;
    if (n->is_variable()) {
      n->attrs.dict = dict;
    } else {
      Subgraphs subgraphs = n->attrs.subgraphs;
      n->attrs = n->attrs.op->MakeAttrs(dict, n->name());
      n->attrs.subgraphs = std::move(subgraphs);
    }
  }
}

std::map<std::string, ParamMap> Symbol::AttrDict() const {
  std::map<std::string, ParamMap> out;
  DFSVisit(outputs_, [&](const std::shared_ptr<Node>& n) {
    if (!n->attrs.dict.empty()) out[n->name()] = n->attrs.dict;
  });
  return out;
}

namespace {

// Copies the graph under `outputs`; variables named in `replace` become those entries.
std::vector<NodeEntry> CopyGraph(const std::vector<NodeEntry>& outputs,
                                 const std::map<std::string, NodeEntry>& replace,
                                 std::map<std::string, bool>* used) {
  IndexedGraph g(outputs);
  std::vector<NodeEntry> first_output(g.num_nodes());
  std::vector<std::shared_ptr<Node>> copies(g.num_nodes());
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid) {
    const Node* n = g[nid].node;
    if (n->is_variable()) {
      auto it = replace.find(n->name());
      if (it != replace.end()) {
        (*used)[n->name()] = true;
        first_output[nid] = it->second;
        continue;
      }
    }
    auto c = std::make_shared<Node>();
    c->attrs = n->attrs;
    for (const auto& e : g[nid].inputs) {
      NodeEntry in = first_output[e.node_id];
      if (copies[e.node_id]) in.index = static_cast<int>(e.index);
      c->inputs.push_back(in);
    }
    for (uint32_t d : g[nid].control_deps)
      if (copies[d]) c->control_deps.push_back(copies[d]);
    copies[nid] = c;
    first_output[nid] = NodeEntry{c, 0, 0};
  }
  std::vector<NodeEntry> outs;
  for (const auto& e : g.outputs()) {
    NodeEntry o = first_output[e.node_id];
    if (copies[e.node_id]) o.index = static_cast<int>(e.index);
    outs.push_back(o);
  }
  return outs;
}

}  // namespace

Symbol Symbol::Compose(const std::map<std::string, Symbol>& inputs) const {
  std::map<std::string, NodeEntry> replace;
  for (const auto& [name, sym] : inputs) replace[name] = SingleOutput(sym, "Compose", name);
  std::map<std::string, bool> used;
  Symbol out(CopyGraph(outputs_, replace, &used));
  for (const auto& kv : inputs)
    MX_CHECK_AS(ValueError, used.count(kv.first))
        << "Compose: this symbol has no variable named '" << kv.first
        << "'; its inputs are: " << Join(ListInputs()) << ".";
  return out;
}

Symbol Symbol::Copy() const {
  std::map<std::string, bool> used;
  return Symbol(CopyGraph(outputs_, {}, &used));
}

Symbol Group(const std::vector<Symbol>& symbols) {
  std::vector<NodeEntry> outs;
  for (const Symbol& s : symbols) outs.insert(outs.end(), s.outputs().begin(), s.outputs().end());
  return Symbol(std::move(outs));
}

}  // namespace mx
