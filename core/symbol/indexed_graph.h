// IndexedGraph: a graph's nodes numbered in DFS post-order (inputs before users), with every
// output entry numbered too, so passes keep per-entry facts (shapes, dtypes, storage) in plain
// vectors. Built once from the heads; read-only afterwards (thread-safe to share).
#ifndef TESSERA_CORE_SYMBOL_INDEXED_GRAPH_H_
#define TESSERA_CORE_SYMBOL_INDEXED_GRAPH_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/symbol/node.h"

namespace mx {

class IndexedGraph {
 public:
  struct Entry {
    uint32_t node_id;
    uint32_t index;
  };
  struct NodeInfo {
    const Node* node;
    std::shared_ptr<Node> owner;
    std::vector<Entry> inputs;
    std::vector<uint32_t> control_deps;
  };

  explicit IndexedGraph(const std::vector<NodeEntry>& heads);

  size_t num_nodes() const { return nodes_.size(); }
  size_t num_entries() const { return row_ptr_.back(); }
  const NodeInfo& operator[](uint32_t node_id) const { return nodes_[node_id]; }
  uint32_t entry_id(uint32_t node_id, uint32_t index) const { return row_ptr_[node_id] + index; }
  uint32_t entry_id(const Entry& e) const { return entry_id(e.node_id, e.index); }
  uint32_t node_id(const Node* n) const { return ids_.at(n); }
  bool has_node(const Node* n) const { return ids_.count(n) > 0; }
  // Prefix sums of the nodes' output counts (MXNet JSON's node_row_ptr).
  const std::vector<uint32_t>& row_ptr() const { return row_ptr_; }
  const std::vector<Entry>& outputs() const { return outputs_; }
  // Variable nodes in graph order (arguments and auxiliary states).
  const std::vector<uint32_t>& input_nodes() const { return input_nodes_; }
  // Whether variable `node_id` is written by an operator (an auxiliary state).
  bool is_mutable_input(uint32_t node_id) const { return mutable_.count(node_id) > 0; }
  // "conv1 (Convolution)" for messages.
  std::string Describe(uint32_t node_id) const;

 private:
  std::vector<NodeInfo> nodes_;
  std::vector<uint32_t> row_ptr_{0};
  std::vector<Entry> outputs_;
  std::vector<uint32_t> input_nodes_;
  std::unordered_map<const Node*, uint32_t> ids_;
  std::unordered_map<uint32_t, bool> mutable_;
};

}  // namespace mx

#endif  // TESSERA_CORE_SYMBOL_INDEXED_GRAPH_H_
