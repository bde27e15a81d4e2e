// Pass: memory planning (NNVM's plan_memory). Walks the nodes in execution order and gives each
// planned entry a storage block: an input's block when the operator allows in-place
// (InplaceOption) and this node is that input's last reader, else a freed block of a close size
// (within 16x, grown when smaller), else a new block. A block is freed when its last reader has
// run, so forward activations stay alive exactly until the backward nodes that need them.
// Input: the graph, every entry's shape and dtype, and which entries are `external` (variables,
// outputs and gradients bound to caller arrays: never planned). Output: a MemoryPlan. Blocks
// are shared only between entries of one dtype.
// With `chunks` (batch_chunks.h), interior entries are planned at their chunk shape, and a
// run's nodes count as one step for everything else: a block freed inside a run (an input
// read for the last time, an interior entry, an output nobody reads) is reused only after the
// run's last node, since the next chunk reads and writes them again; in-place inside a run
// is taken only between interior entries. naive_bytes counts every entry at its full shape.
#ifndef TESSERA_CORE_PASS_PLAN_MEMORY_H_
#define TESSERA_CORE_PASS_PLAN_MEMORY_H_

#include <cstdint>
#include <vector>

#include "core/pass/batch_chunks.h"
#include "core/symbol/indexed_graph.h"

namespace mx {

struct MemoryPlan {
  static constexpr int kExternal = -1;
  std::vector<int> storage_id;          // per entry: a block, or kExternal
  std::vector<int64_t> block_elements;  // per block
  std::vector<int> block_dtype;         // per block
  std::vector<bool> inplace;            // per entry: written over one of its node's inputs
  int64_t planned_bytes = 0;            // sum of the blocks
  int64_t naive_bytes = 0;              // one buffer per planned entry
  // The most bytes of planned entries alive at once (in-place outputs replacing their
  // inputs): no plan with these in-place choices can use less.
  int64_t peak_live_bytes = 0;
};

MemoryPlan PlanMemory(const IndexedGraph& graph, const std::vector<Shape>& shapes,
                      const std::vector<int>& dtypes, const std::vector<bool>& external,
                      const BatchChunks* chunks = nullptr);

}  // namespace mx

#endif  // TESSERA_CORE_PASS_PLAN_MEMORY_H_
