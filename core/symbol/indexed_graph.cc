#include "core/symbol/indexed_graph.h"

#include "core/base/error.h"

namespace mx {

IndexedGraph::IndexedGraph(const std::vector<NodeEntry>& heads) {
  DFSVisit(heads, [&](const std::shared_ptr<Node>& owner) {
    const Node* n = owner.get();
    uint32_t id = static_cast<uint32_t>(nodes_.size());
    ids_[n] = id;
    NodeInfo info{n, owner, {}, {}};
    for (const NodeEntry& e : n->inputs) {
      MX_INTERNAL_CHECK(e.index >= 0 && e.index < e.node->num_outputs())
          << "entry " << e.index << " of node " << e.node->name() << " does not exist";
      info.inputs.push_back({ids_.at(e.node.get()), static_cast<uint32_t>(e.index)});
    }
    for (const auto& c : n->control_deps) info.control_deps.push_back(ids_.at(c.get()));
    if (n->is_variable()) input_nodes_.push_back(id);
    if (!n->is_variable()) {
      for (int m : n->attrs.op->mutate_inputs(n->attrs))
        if (m < static_cast<int>(info.inputs.size())) mutable_[info.inputs[m].node_id] = true;
    }
    nodes_.push_back(std::move(info));
    row_ptr_.push_back(row_ptr_.back() + static_cast<uint32_t>(n->num_outputs()));
  });
  for (const NodeEntry& h : heads)
    outputs_.push_back({ids_.at(h.node.get()), static_cast<uint32_t>(h.index)});
}

std::string IndexedGraph::Describe(uint32_t node_id) const {
  const Node* n = nodes_[node_id].node;
  return n->name() + " (" + (n->is_variable() ? std::string("variable") : n->attrs.op->name()) +
         ")";
}

}  // namespace mx
