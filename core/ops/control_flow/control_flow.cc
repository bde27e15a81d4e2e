#include "core/ops/control_flow/control_flow.h"

#include <algorithm>
#include <memory>

#include "core/base/error.h"
#include "core/ops/control_flow/subgraph_exec.h"

namespace mx {
namespace {

std::string Tuple(const std::vector<size_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

Symbol ControlFlowOp(const std::string& op, const std::vector<Symbol>& inputs,
                     const std::vector<Symbol>& bodies, const ParamMap& params,
                     const std::string& name) {
  std::vector<NodeEntry> entries;
  for (const Symbol& s : inputs) {
    MX_CHECK_AS(ValueError, s.num_outputs() == 1)
        << "operator " << op << " (" << name << "): each input must have one output; one has "
        << s.num_outputs() << ".";
    entries.push_back(s.outputs()[0]);
  }
  auto node = MakeOpNode(OpRegistry::Get()->Find(op), name, params, std::move(entries));
  for (const Symbol& b : bodies) node->attrs.subgraphs.push_back(std::make_shared<Symbol>(b));
  int want = node->attrs.op->num_inputs(node->attrs);
  MX_CHECK_AS(ValueError, want == static_cast<int>(inputs.size()))
      << "operator " << op << " (" << name << ") takes " << want << " inputs for these "
      << "parameters, " << inputs.size() << " given.";
  std::vector<NodeEntry> outs;
  for (int i = 0; i < node->num_outputs(); ++i) outs.push_back(NodeEntry{node, i, 0});
  return Symbol(std::move(outs));
}

Symbol Foreach(const Symbol& body, const std::vector<Symbol>& data_vars,
               const std::vector<Symbol>& data, const std::vector<Symbol>& state_vars,
               const std::vector<Symbol>& states, int num_out_data, const std::string& name) {
  MX_CHECK_AS(ValueError, data_vars.size() == data.size() && state_vars.size() == states.size() &&
                              !data.empty())
      << "Foreach (" << name << "): one body variable per data array (at least one) and per "
      << "state; found " << data_vars.size() << " for " << data.size() << " and "
      << state_vars.size() << " for " << states.size() << ".";
  std::vector<std::shared_ptr<Node>> vars = BodyInputs(body);
  auto loc = [&](const Symbol& v) {
    auto it = std::find(vars.begin(), vars.end(), v.node());
    MX_CHECK_AS(ValueError, it != vars.end())
        << "Foreach (" << name << "): " << v.node()->name() << " is not a variable of the body.";
    return static_cast<size_t>(it - vars.begin());
  };
  std::vector<size_t> data_locs, state_locs, remain_locs;
  std::vector<Symbol> inputs = data;
  for (const Symbol& v : data_vars) data_locs.push_back(loc(v));
  for (const Symbol& v : state_vars) state_locs.push_back(loc(v));
  inputs.insert(inputs.end(), states.begin(), states.end());
  for (size_t i = 0; i < vars.size(); ++i) {
    bool bound = std::count(data_locs.begin(), data_locs.end(), i) +
                     std::count(state_locs.begin(), state_locs.end(), i) > 0;
    if (bound) continue;
    remain_locs.push_back(i);
    inputs.push_back(Symbol({NodeEntry{vars[i], 0, 0}}));
  }
  ParamMap params{{"num_args", std::to_string(inputs.size() + 1)},
                  {"num_outputs", std::to_string(body.num_outputs())},
                  {"num_out_data", std::to_string(num_out_data)},
                  {"in_data_locs", Tuple(data_locs)},
                  {"in_state_locs", Tuple(state_locs)},
                  {"remain_locs", Tuple(remain_locs)}};
  return ControlFlowOp("_foreach", inputs, {body}, params, name);
}

}  // namespace mx
