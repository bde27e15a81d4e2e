// Executor: a Symbol bound to arrays on one device (MXNet's Executor). Binding infers every
// shape and dtype, builds the gradient graph for arguments that want gradients, plans memory
// (core/pass/plan_memory.h: intermediate buffers shared by liveness, in place where operators
// allow; no gradient nodes or buffers at all when nothing wants a gradient) and precomputes
// each node's kernel call. Forward and Backward then only push kernels to the engine: they
// return before the work is done; read results with NDArray accessors, which wait.
//
// Arrays: arguments, gradients and auxiliary states are the caller's (Bind) or allocated
// (SimpleBind) and shared, not copied; outputs are the executor's. An Executor is a handle:
// copies share one bound graph. Not thread-safe: call Forward/Backward from one thread.
#ifndef TESSERA_CORE_EXECUTOR_EXECUTOR_H_
#define TESSERA_CORE_EXECUTOR_EXECUTOR_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/context.h"
#include "core/ndarray/ndarray.h"
#include "core/symbol/symbol.h"

namespace mx {

// How an argument's gradient is stored: not computed, overwritten, or added to the array.
enum class GradReq { kNull, kWrite, kAdd };
// "null", "write" or "add" (MXNet's strings); ValueError otherwise.
GradReq ParseGradReq(const std::string& s);

struct BindArgs {
  std::map<std::string, NDArray> args;       // every argument, by name
  std::map<std::string, NDArray> args_grad;  // gradient arrays; arguments without one get none
  std::map<std::string, GradReq> grad_req;   // per argument; default below where a grad exists
  GradReq default_grad_req = GradReq::kWrite;
  std::map<std::string, NDArray> aux_states;  // every auxiliary state, by name
};

struct SimpleBindArgs {
  std::map<std::string, Shape> shapes;       // at least the data shapes; the rest is inferred
  std::map<std::string, DType> dtypes;       // default float32
  GradReq grad_req = GradReq::kWrite;        // for every argument ...
  std::map<std::string, GradReq> grad_reqs;  // ... unless given here
  // Where the gradient arrays live when not on the executor's context: another host context
  // for a CPU executor (cpu_shared: a dist worker's pushes need no copy, dist/ps/shm_arrays.h).
  std::optional<Context> grad_ctx;
  // Arrays bound instead of new ones, by name (a shared module's parameters, their gradients
  // and auxiliary states); their shapes count as known.
  std::map<std::string, NDArray> shared_args, shared_grads, shared_aux;
};

// Bytes of intermediate buffers (every entry not bound to a caller's array and not an output):
// as planned, and with one buffer per entry. An executor without gradients runs chains of
// per-sample operators (convolution, batch norm, activation, pooling) a few rows of the batch
// at a time when their intermediates exceed TESSERA_EXEC_BATCH_CHUNK_KB, so those are planned
// at one chunk's size (core/pass/batch_chunks.h); Forward(true) through a training-mode
// BatchNorm, or a monitor, makes such an executor plan the whole graph once more on first use
// (not counted here).
struct MemoryReport {
  int64_t planned_bytes = 0;
  int64_t naive_bytes = 0;
  int64_t peak_live_bytes = 0;  // the least any plan could use (plan_memory.h)
  int num_nodes = 0;            // operator nodes, forward and backward
  int chunk_runs = 0;           // chains of operators run in batch chunks
};

// Sees each operator's visible outputs after it is pushed: (output name, array). Reading the
// array waits for it.
using MonitorCallback = std::function<void(const std::string&, const NDArray&)>;

class Executor {
 public:
  // Throws ValueError naming missing or unknown arrays, ShapeError/TypeError when the arrays do
  // not fit the graph (naming the node), ContextError when an array lives elsewhere than `ctx`,
  // NotImplementedError when a needed gradient does not exist.
  static Executor Bind(const Symbol& symbol, Context ctx, const BindArgs& args);
  // Allocates arguments (zeros), gradients and auxiliary states from the shapes given.
  static Executor SimpleBind(const Symbol& symbol, Context ctx, const SimpleBindArgs& args);

  // Runs the forward graph; is_train selects training behaviour (dropout, batch statistics,
  // moving statistics updated). Returns outputs().
  const std::vector<NDArray>& Forward(bool is_train = false);
  // Runs the gradient graph after a Forward(true). `head_grads`: one per output, or none for
  // ones (loss operators ignore them). ValueError when the executor has no gradients.
  void Backward(const std::vector<NDArray>& head_grads = {});

  const std::vector<NDArray>& outputs() const;
  const std::vector<NDArray>& arg_arrays() const;
  const std::vector<NDArray>& grad_arrays() const;  // none arrays where grad_req is null
  const std::vector<NDArray>& aux_arrays() const;
  std::map<std::string, NDArray> arg_dict() const;
  std::map<std::string, NDArray> grad_dict() const;  // arguments with gradients only
  std::map<std::string, NDArray> aux_dict() const;
  std::map<std::string, NDArray> output_dict() const;
  const Symbol& symbol() const;

  // A new executor for new input shapes (a new batch size, say): arrays whose shape is
  // unchanged are shared, intermediate blocks are reused where large enough.
  Executor Reshape(const std::map<std::string, Shape>& shapes) const;
  void SetMonitorCallback(MonitorCallback callback);
  MemoryReport memory() const;

  // The bound graph's internals (executor_state.h), for benchmarks and tools that time or
  // inspect individual kernel calls.
  struct State;
  const State& state() const { return *s_; }

 private:
  explicit Executor(std::shared_ptr<State> state) : s_(std::move(state)) {}
  std::shared_ptr<State> s_;
};

}  // namespace mx

#endif  // TESSERA_CORE_EXECUTOR_EXECUTOR_H_
