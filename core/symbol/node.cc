#include "core/symbol/node.h"

#include <unordered_set>

namespace mx {

std::string Node::OutputName(int index) const {
  if (is_variable()) return name();
  std::vector<std::string> names = attrs.op->output_names(attrs);
  return name() + "_" + names.at(index);
}

std::shared_ptr<Node> MakeVariableNode(const std::string& name, const ParamMap& dict) {
  auto n = std::make_shared<Node>();
  n->attrs.name = name;
  n->attrs.dict = dict;
  return n;
}

std::shared_ptr<Node> MakeOpNode(const OpDef& op, const std::string& name, const ParamMap& dict,
                                 std::vector<NodeEntry> inputs) {
  auto n = std::make_shared<Node>();
  n->attrs = op.MakeAttrs(dict, name);
  n->inputs = std::move(inputs);
  return n;
}

void DFSVisit(const std::vector<NodeEntry>& heads,
              const std::function<void(const std::shared_ptr<Node>&)>& fn) {
  // Iterative post-order: deep networks (hundreds of layers) must not overflow the stack.
  std::unordered_set<const Node*> visited;
  std::vector<std::pair<std::shared_ptr<Node>, size_t>> stack;
  auto push = [&](const std::shared_ptr<Node>& n) {
    if (visited.insert(n.get()).second) stack.emplace_back(n, 0);
  };
  for (const NodeEntry& h : heads) {
    push(h.node);
    while (!stack.empty()) {
      std::shared_ptr<Node> node = stack.back().first;
      size_t next = stack.back().second++;
      size_t n_ctrl = node->control_deps.size();
      if (next < n_ctrl + node->inputs.size()) {
        push(next < n_ctrl ? node->control_deps[next] : node->inputs[next - n_ctrl].node);
      } else {
        stack.pop_back();
        fn(node);
      }
    }
  }
}

}  // namespace mx
