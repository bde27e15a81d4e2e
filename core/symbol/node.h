// Graph nodes (NNVM's Node and NodeEntry). A node is an operator use (its OpAttrs: definition,
// node name, parsed parameters) or a variable (op == nullptr). `attrs.dict` holds every string
// attribute exactly as MXNet keeps it: operator parameters and the "__x__" hints (__shape__,
// __lr_mult__, ...) side by side; parameter parsing skips the hints. Nodes are immutable once
// built and shared between symbols by shared_ptr, so symbols are cheap to copy; not
// thread-safe to mutate (only Symbol::SetAttr does, on nodes it owns).
#ifndef TESSERA_CORE_SYMBOL_NODE_H_
#define TESSERA_CORE_SYMBOL_NODE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/op/op_def.h"

namespace mx {

struct Node;

// Output `index` of `node`. `version` counts writes to a mutated variable (MXNet JSON keeps it;
// Tessera writes 0 and ignores it on load).
struct NodeEntry {
  std::shared_ptr<Node> node;
  int index = 0;
  int version = 0;
};

struct Node {
  OpAttrs attrs;
  std::vector<NodeEntry> inputs;
  // Nodes that must run before this one without a data edge (MXNet's control_deps).
  std::vector<std::shared_ptr<Node>> control_deps;

  bool is_variable() const { return attrs.op == nullptr; }
  const std::string& name() const { return attrs.name; }
  int num_outputs() const { return is_variable() ? 1 : attrs.op->num_outputs(attrs); }
  int num_visible_outputs() const {
    return is_variable() ? 1 : attrs.op->num_visible_outputs(attrs);
  }
  // The output names MXNet shows ("conv1_output", "bn1_mean", or the variable's own name).
  std::string OutputName(int index) const;
};

// A new variable node called `name` with string attributes `dict`.
std::shared_ptr<Node> MakeVariableNode(const std::string& name, const ParamMap& dict = {});
// A new operator node; parses `dict` (ValueError naming the operator and key on a bad value).
std::shared_ptr<Node> MakeOpNode(const OpDef& op, const std::string& name, const ParamMap& dict,
                                 std::vector<NodeEntry> inputs);

// Visits every node reachable from `heads` once, inputs before users (DFS post-order, inputs in
// order, control dependencies first), which is the node order of MXNet's JSON.
void DFSVisit(const std::vector<NodeEntry>& heads,
              const std::function<void(const std::shared_ptr<Node>&)>& fn);

}  // namespace mx

#endif  // TESSERA_CORE_SYMBOL_NODE_H_
