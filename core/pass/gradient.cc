#include "core/pass/gradient.h"

#include <map>

#include "core/base/error.h"
#include "core/op/gradient.h"
#include "core/symbol/indexed_graph.h"

namespace mx {
namespace {

NodeEntry AddOp(const std::string& op, const std::string& name, std::vector<NodeEntry> inputs,
                const ParamMap& params = {}) {
  return NodeEntry{MakeOpNode(OpRegistry::Get()->Find(op), name, params, std::move(inputs)), 0, 0};
}

// The sum of `parts` (one entry when there is one part).
NodeEntry Sum(const std::vector<NodeEntry>& parts, const std::string& name) {
  NodeEntry acc = parts[0];
  for (size_t i = 1; i < parts.size(); ++i)
    acc = AddOp("elemwise_add", name + "_sum" + std::to_string(i - 1), {acc, parts[i]});
  return acc;
}

// Builds one forward node's gradient nodes.
class SymbolicGradContext : public GradContext {
 public:
  SymbolicGradContext(const std::shared_ptr<Node>& fwd, std::vector<NodeEntry> out_grads)
      : fwd_(fwd), out_grads_(std::move(out_grads)) {}

  GradEntry Input(int i) override { return Add(fwd_->inputs.at(i)); }
  GradEntry Output(int i) override { return Add(NodeEntry{fwd_, i, 0}); }
  GradEntry OutGrad(int i) override {
    NodeEntry& g = out_grads_.at(i);
    if (!g.node) g = AddOp("zeros_like", fwd_->name() + "_ograd" + std::to_string(i), {NodeEntry{fwd_, i, 0}});
    return Add(g);
  }
  std::vector<GradEntry> OpWithSubgraphs(const std::string& op,
                                         const std::vector<GradEntry>& inputs,
                                         const ParamMap& params,
                                         const Subgraphs& subgraphs) override {
    std::vector<NodeEntry> in;
    for (const GradEntry& e : inputs) in.push_back(Get(e));
    std::string name = fwd_->name() + "_backward" + (count_ ? std::to_string(count_) : "");
    ++count_;
    auto node = MakeOpNode(OpRegistry::Get()->Find(op), name, params, std::move(in));
    node->attrs.subgraphs = subgraphs;
    std::vector<GradEntry> out;
    for (int i = 0; i < node->num_outputs(); ++i) out.push_back(Add(NodeEntry{node, i, 0}));
    return out;
  }
  NodeEntry Get(const GradEntry& e) const {
    MX_INTERNAL_CHECK(e.valid() && e.id < static_cast<int>(values_.size()));
    return values_[e.id];
  }

 private:
  GradEntry Add(const NodeEntry& e) {
    values_.push_back(e);
    return GradEntry{static_cast<int>(values_.size()) - 1};
  }
  std::shared_ptr<Node> fwd_;
  std::vector<NodeEntry> out_grads_;
  std::vector<NodeEntry> values_;
  int count_ = 0;
};

}  // namespace

GradientGraph BuildGradientGraph(const std::vector<NodeEntry>& ys,
                                 const std::vector<NodeEntry>& xs) {
  IndexedGraph g(ys);
  // Which nodes lie on a path from some x (only their gradients are built).
  std::vector<bool> needs(g.num_nodes(), false);
  for (const NodeEntry& x : xs)
    if (g.has_node(x.node.get())) needs[g.node_id(x.node.get())] = true;
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid)
    for (const auto& e : g[nid].inputs) needs[nid] = needs[nid] || needs[e.node_id];

  std::map<uint32_t, std::vector<NodeEntry>> contributions;  // by entry id
  GradientGraph result;
  for (const auto& y : g.outputs()) {
    const Node* n = g[y.node_id].node;
    auto head = MakeVariableNode(n->OutputName(static_cast<int>(y.index)) + "_head_grad");
    result.head_grads.push_back(head);
    contributions[g.entry_id(y)].push_back(NodeEntry{head, 0, 0});
  }
  for (uint32_t k = static_cast<uint32_t>(g.num_nodes()); k-- > 0;) {
    const auto& info = g[k];
    if (info.node->is_variable() || !needs[k]) continue;
    int n_out = info.node->num_outputs();
    std::vector<NodeEntry> out_grads(n_out);
    bool any = false;
    for (int i = 0; i < n_out; ++i) {
      auto it = contributions.find(g.entry_id(k, i));
      if (it == contributions.end()) continue;
      out_grads[i] = Sum(it->second, info.node->OutputName(i));
      any = true;
    }
    if (!any) continue;
    const OpDef& op = *info.node->attrs.op;
    MX_CHECK_AS(NotImplementedError, op.gradient() != nullptr)
        << "Error in operator " << g.Describe(k) << ": it has no gradient, but a variable "
        << "with a gradient request feeds it. Set grad_req null for those variables, or wrap "
        << "the path in BlockGrad.";
    SymbolicGradContext ctx(info.owner, std::move(out_grads));
    std::vector<GradEntry> in_grads;
    try {
      in_grads = (*op.gradient())(info.node->attrs, &ctx);
    } catch (Error& e) {
      e.AddContext("Error in the gradient of operator " + g.Describe(k) + ": ");
      throw;
    }
    MX_INTERNAL_CHECK(in_grads.size() == info.inputs.size())
        << "gradient of " << op.name() << " returned " << in_grads.size() << " entries for "
        << info.inputs.size() << " inputs";
    for (size_t i = 0; i < in_grads.size(); ++i) {
      if (!in_grads[i].valid() || !needs[info.inputs[i].node_id]) continue;
      contributions[g.entry_id(info.inputs[i])].push_back(ctx.Get(in_grads[i]));
    }
  }
  for (const NodeEntry& x : xs) {
    std::vector<NodeEntry> parts;
    if (g.has_node(x.node.get())) {
      auto it = contributions.find(g.entry_id(g.node_id(x.node.get()), x.index));
      if (it != contributions.end()) parts = it->second;
    }
    std::string name = x.node->name() + "_grad";
    result.x_grads.push_back(parts.empty() ? AddOp("zeros_like", name, {x}) : Sum(parts, name));
  }
  return result;
}

}  // namespace mx
