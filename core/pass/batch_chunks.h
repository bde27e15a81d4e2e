// Pass: batch chunks (inference memory). Finds runs of operators, consecutive in execution
// order, that treat every sample on its own (OpDef::BatchInputs, inference attributes) and
// whose intermediate results are read only inside the run: Convolution -> BatchNorm ->
// Activation -> Pooling in a typical network. The executor runs such a run a few rows of the
// batch at a time, so its intermediates (`interior` entries) need buffers of one chunk, not of
// the whole batch; the run's inputs and outputs stay whole and are read and written by rows.
// Input: the graph, every entry's shape and dtype, the `external` entries (bound to caller
// arrays), how many leading nodes to consider (the forward part), and the target size of the
// largest intermediate per chunk in bytes (<= 0: no chunks). Output: BatchChunks. A run is
// kept only when its largest intermediate exceeds the target, so small graphs are unchanged.
#ifndef TESSERA_CORE_PASS_BATCH_CHUNKS_H_
#define TESSERA_CORE_PASS_BATCH_CHUNKS_H_

#include <cstdint>
#include <vector>

#include "core/symbol/indexed_graph.h"

namespace mx {

struct BatchChunks {
  struct Run {
    std::vector<uint32_t> nodes;  // operator nodes, in execution order
    // Per node: the inputs split by rows (the others are used whole: weights, statistics).
    std::vector<std::vector<int>> batch_inputs;
    int64_t batch = 0;  // rows of axis 0
    int64_t rows = 0;   // rows per chunk (the last chunk may have fewer)
  };
  std::vector<Run> runs;
  std::vector<int> run_of_node;  // per node: its run, or -1
  std::vector<bool> interior;    // per entry: read and written only inside one chunk of a run
  // The shapes to plan with: interior entries hold one chunk (`rows` rows), the rest as given.
  std::vector<Shape> plan_shapes;
};

BatchChunks FindBatchChunks(const IndexedGraph& graph, const std::vector<Shape>& shapes,
                            const std::vector<int>& dtypes, const std::vector<bool>& external,
                            uint32_t num_nodes, int64_t chunk_bytes);

}  // namespace mx

#endif  // TESSERA_CORE_PASS_BATCH_CHUNKS_H_
