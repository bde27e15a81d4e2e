// The bound graph behind an Executor handle (internal to core/executor): the graph with its
// gradient nodes, the memory plan, every entry's array and each node's precomputed kernel call.
#ifndef TESSERA_CORE_EXECUTOR_EXECUTOR_STATE_H_
#define TESSERA_CORE_EXECUTOR_EXECUTOR_STATE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/executor/executor.h"
#include "core/op/op_def.h"
#include "core/pass/batch_chunks.h"
#include "core/pass/plan_memory.h"
#include "core/symbol/indexed_graph.h"

namespace mx {

// One node's kernel call, with everything the engine needs prepared at bind time.
struct OpCall {
  const OpAttrs* attrs = nullptr;
  FCompute fn;
  std::vector<TBlob> in, out;
  std::vector<OpReq> req;
  std::vector<VarHandle> const_vars, mutable_vars;
  bool random = false;
  std::vector<std::pair<std::string, NDArray>> visible;  // for the monitor
};

// The caller's arrays in List*() order (none where absent); `outputs`: arrays to write the
// outputs into (empty: new ones).
struct BoundArrays {
  std::vector<NDArray> args, grads, aux;
  std::vector<GradReq> reqs;
  std::vector<NDArray> outputs;
};

struct Executor::State {
  Symbol symbol;
  Context ctx;
  std::vector<std::string> arg_names, aux_names, out_names;
  BoundArrays bound;
  std::vector<NDArray> outputs;
  std::vector<NDArray> head_grads;
  bool head_grads_are_ones = true;

  std::unique_ptr<IndexedGraph> graph;
  size_t num_forward_nodes = 0;
  bool has_backward = false;
  std::vector<Shape> shapes;
  std::vector<int> dtypes;
  BatchChunks chunks;  // runs executed a few rows at a time (inference executors only)
  // Whether every run's operators also treat samples on their own in training mode
  // (Forward(true) then runs the same calls; else it runs `whole`).
  bool chunks_hold_in_training = true;
  std::shared_ptr<State> whole;  // the same graph without chunks, built on first need
  MemoryPlan plan;
  std::vector<NDArray> blocks;
  std::vector<NDArray> entries;  // per entry of `graph`
  std::vector<OpCall> calls;     // forward calls first, then backward
  size_t num_forward_calls = 0;
  MonitorCallback monitor;
};

// Builds the bound graph. `reuse`: blocks of an earlier executor to take over where large
// enough (Reshape). `batch_chunks`: whether a graph without gradients may run in batch chunks
// (core/pass/batch_chunks.h; the target size is TESSERA_EXEC_BATCH_CHUNK_KB). Errors as
// Executor::Bind.
std::shared_ptr<Executor::State> BuildExecutorState(const Symbol& symbol, Context ctx,
                                                    BoundArrays arrays,
                                                    const std::vector<NDArray>& reuse,
                                                    bool batch_chunks = true);

}  // namespace mx

#endif  // TESSERA_CORE_EXECUTOR_EXECUTOR_STATE_H_
