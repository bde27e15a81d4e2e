// Module: trains and runs a Symbol (MXNet's mx.mod.Module). The life cycle is MXNet's:
// Bind (shapes) -> InitParams -> InitOptimizer -> {Forward, Backward, Update, UpdateMetric}*,
// or Fit, which does all of it per epoch and logs as MXNet does ("Epoch[0] Train-accuracy=...",
// "Epoch[0] Time cost=..."). Each method checks that the steps it needs came first and says
// which is missing. Parameters live in the executors' arrays; GetParams returns copies.
// Several contexts split every batch across one executor each (data parallelism): gradients
// are summed and the optimizer applied on a KVStore ("local": on the CPU; "device": on the
// first device), then the weights are pulled back into every executor. Not thread-safe.
// Forward, Backward, Update, GetOutputs, GetParams and SetParams queue work on the engine and
// return at once (their errors surface at the next wait on an affected array); Fit, Score,
// Predict, SaveCheckpoint and the optimizer-state files block: they return once the work they
// queued is done, and rethrow its errors.
#ifndef TESSERA_CORE_MODULE_MODULE_H_
#define TESSERA_CORE_MODULE_MODULE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/executor/executor.h"
#include "core/initializer/initializer.h"
#include "core/io/data_iter.h"
#include "core/metric/metric.h"
#include "core/optimizer/optimizer.h"
#include "core/symbol/symbol.h"
#include "dist/kvstore/kvstore.h"

namespace mx {
namespace mod {

using ParamDict = std::map<std::string, NDArray>;
// Receives one log line (MXNet's logger.info); the default writes "INFO:root:<line>" to stderr
// like Python's logging.basicConfig.
using Logger = std::function<void(const std::string&)>;
Logger DefaultLogger();

struct BatchEndParam {
  int epoch = 0;
  int nbatch = 0;
  const metric::EvalMetric* eval_metric = nullptr;
};
using BatchEndCallback = std::function<void(const BatchEndParam&)>;
using EpochEndCallback =
    std::function<void(int epoch, const Symbol&, const ParamDict& arg, const ParamDict& aux)>;

// Logs speed (and the metric) every `frequent` batches:
// "Epoch[0] Batch [100]\tSpeed: 1234.56 samples/sec\taccuracy=0.812500".
BatchEndCallback Speedometer(int64_t batch_size, int frequent = 50, Logger logger = nullptr);

// Saves prefix-symbol.json and prefix-%04d.params (epoch + 1) every `period` epochs, as
// MXNet's mx.callback.do_checkpoint.
EpochEndCallback DoCheckpoint(const std::string& prefix, int period = 1);

struct InitParamsOptions {
  std::shared_ptr<init::Initializer> initializer;  // default Uniform(0.01), as MXNet Module
  ParamDict arg_params, aux_params;                // take these values where given
  bool allow_missing = false;  // with arg/aux params: initialize the ones not given
  bool force_init = false;     // re-initialize when already initialized
};

struct FitOptions {
  io::DataIter* eval_data = nullptr;
  std::string eval_metric = "acc";
  std::string validation_metric;  // default: eval_metric
  std::vector<EpochEndCallback> epoch_end_callback;
  std::vector<BatchEndCallback> batch_end_callback;
  std::string kvstore = "local";
  // A store created beforehand (for example a dist store whose rank() chose the data shard);
  // when set it is used instead of `kvstore`.
  std::shared_ptr<kv::KVStore> kvstore_instance;
  std::string optimizer = "sgd";
  Params optimizer_params = {{"learning_rate", 0.01}};
  std::shared_ptr<opt::LRScheduler> lr_scheduler;  // none: a constant rate
  std::shared_ptr<init::Initializer> initializer;
  ParamDict arg_params, aux_params;
  bool allow_missing = false;
  bool force_rebind = false;
  bool force_init = false;
  // Training checkpoints (checkpoint.h): with a prefix, each epoch end writes
  // prefix-%04d.{params,states} (numbered epoch + 1, as MXNet's do_checkpoint) and, every
  // `checkpoint_every` batches, prefix-latest.{params,states}. resume continues from the
  // newest valid one exactly where it stopped.
  std::string checkpoint_prefix;
  int checkpoint_every = 0;
  bool resume = false;
  // Stop after this many batches in this call (a time-boxed or interrupted run); -1: no limit.
  int64_t max_batches = -1;
  int begin_epoch = 0;
  int num_epoch = 1;
  Logger logger;
};

class Module {
 public:
  explicit Module(Symbol symbol, std::vector<Context> contexts = {cpu()},
                  std::vector<std::string> data_names = {"data"},
                  std::vector<std::string> label_names = {"softmax_label"},
                  std::vector<std::string> fixed_param_names = {});

  // With `shared_module` (bound, and outliving this module), the parameters, their gradients
  // and the auxiliary states are the shared module's arrays, and Update uses its optimizer,
  // store and optimizer states: MXNet's shared_module, as BucketingModule binds one module per
  // sequence length. Every parameter of this symbol must be one of the shared module's.
  // `grad_reqs` overrides the request of the arguments it names (MXNet's dict grad_req; in
  // training only).
  void Bind(const std::vector<io::DataDesc>& data_shapes,
            const std::vector<io::DataDesc>& label_shapes = {}, bool for_training = true,
            bool inputs_need_grad = false, bool force_rebind = false,
            GradReq grad_req = GradReq::kWrite, Module* shared_module = nullptr,
            const std::map<std::string, GradReq>& grad_reqs = {});
  void InitParams(const InitParamsOptions& options = {});
  // `lr_scheduler` is attached before the optimizer goes to the store (a dist store ships it
  // to the servers); `instance`, when set, is used instead of creating a `kvstore`.
  void InitOptimizer(const std::string& kvstore = "local", const std::string& optimizer = "sgd",
                     const Params& optimizer_params = {{"learning_rate", 0.01}},
                     bool force_init = false,
                     std::shared_ptr<opt::LRScheduler> lr_scheduler = nullptr,
                     std::shared_ptr<kv::KVStore> instance = nullptr);
  // is_train default: how the module was bound (for_training).
  void Forward(const io::DataBatch& batch, std::optional<bool> is_train = std::nullopt);
  void Backward(const std::vector<NDArray>& out_grads = {});
  void Update();
  void UpdateMetric(metric::EvalMetric* metric, const std::vector<NDArray>& labels);
  void Prepare(const io::DataBatch&) {}  // nothing to prefetch for dense data

  std::vector<NDArray> GetOutputs() const;
  std::vector<NDArray> GetInputGrads() const;
  std::pair<ParamDict, ParamDict> GetParams() const;
  void SetParams(const ParamDict& arg_params, const ParamDict& aux_params,
                 bool allow_missing = false, bool force_init = true);

  // Blocks until the last batch's update is done (also after max_batches); rethrows its error.
  void Fit(io::DataIter* train_data, const FitOptions& options = {});
  // The metric over `eval_data` (from its start; at most num_batch batches when >= 0).
  std::vector<std::pair<std::string, double>> Score(io::DataIter* eval_data,
                                                    metric::EvalMetric* metric, int num_batch = -1);
  // Outputs over `eval_data`, concatenated along the batch axis, padding removed.
  std::vector<NDArray> Predict(io::DataIter* eval_data, int num_batch = -1);

  // prefix-symbol.json and prefix-%04d.params ("arg:"/"aux:" keys), as MXNet writes them.
  void SaveCheckpoint(const std::string& prefix, int epoch) const;
  // Optimizer states ("state:<param>:<k>"), update counts ("count:<param>") and the optimizer
  // name ("optimizer", bytes) as named arrays, and back (after InitOptimizer with the same
  // optimizer; ValueError otherwise). SaveOptimizerStates writes them as an NDArray file.
  std::map<std::string, NDArray> OptimizerStateArrays() const;
  void SetOptimizerStateArrays(const std::map<std::string, NDArray>& arrays);
  void SaveOptimizerStates(const std::string& path) const;
  void LoadOptimizerStates(const std::string& path);

  const Symbol& symbol() const { return symbol_; }
  const std::vector<std::string>& data_names() const { return data_names_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  std::vector<std::string> output_names() const { return symbol_.ListOutputs(); }
  bool binded() const { return !execs_.empty(); }
  bool params_initialized() const { return Owner()->params_initialized_; }
  bool optimizer_initialized() const {
    return Owner()->optimizer_ != nullptr || Owner()->kvstore_ != nullptr;
  }
  // The optimizer in use (on the KVStore when there is one).
  opt::Optimizer* optimizer() {
    Module* o = Owner();
    return o->kvstore_ ? o->kvstore_->optimizer() : o->optimizer_.get();
  }
  // One executor per context (a rebind replaces them).
  const std::vector<Executor>& executors() const { return execs_; }
  // The store updates go through (null when one device updates locally).
  kv::KVStore* kvstore() const { return Owner()->kvstore_.get(); }

 private:
  void Require(bool ok, const char* method, const char* step) const;
  // The module whose parameters and optimizer this one uses (itself unless bound shared).
  Module* Owner() const { return shared_ ? shared_ : const_cast<Module*>(this); }
  // Executor k bound to the shared module's parameter, gradient and auxiliary arrays.
  Executor BindShared(size_t k, SimpleBindArgs part) const;
  // Rows [first, second) of a batch of `total` go to executor k.
  std::vector<std::pair<int64_t, int64_t>> Slices(int64_t total) const;
  // Copies executor 0's parameters and auxiliary states into the others.
  void Broadcast();
  // Fit's epochs (Fit waits for what they queued).
  void FitEpochs(io::DataIter* train_data, const FitOptions& options);
  // Blocks until no write to the executors' arrays (arguments, gradients, auxiliary states,
  // outputs) or the optimizer states is pending; rethrows the first error found on them.
  void WaitForQueued() const;
  // Every executor's parameters from the KVStore (an elastic replacement worker, when admitted).
  void PullParamsFromStore();

  Symbol symbol_;
  std::vector<Context> contexts_;
  std::vector<std::string> data_names_, label_names_, fixed_param_names_;
  std::vector<std::string> param_names_, aux_names_;
  std::vector<Executor> execs_;
  std::vector<std::pair<int64_t, int64_t>> slices_;
  std::shared_ptr<kv::KVStore> kvstore_;
  // Bind puts gradients on cpu_shared (set by Fit with a dist store when every context is a
  // CPU: pushes without copies).
  bool shared_grads_ = false;
  std::vector<io::DataDesc> data_shapes_, label_shapes_;
  bool for_training_ = false, inputs_need_grad_ = false;
  bool params_initialized_ = false;
  std::unique_ptr<opt::Optimizer> optimizer_;
  std::vector<std::vector<NDArray>> states_;  // per parameter index
  Module* shared_ = nullptr;                  // Bind's shared_module
  std::vector<int> owner_index_;              // each parameter's index in Owner()'s
};

// Writes arg params and aux params as one .params file with MXNet's "arg:"/"aux:" keys.
void SaveParamsFile(const std::string& path, const ParamDict& arg, const ParamDict& aux);
// Reads a .params file of arg:/aux: keys into (arg params, aux params); IOError otherwise.
std::pair<ParamDict, ParamDict> LoadParamsFile(const std::string& path);
// Reads prefix-symbol.json and prefix-%04d.params: (symbol, arg params, aux params). IOError
// for missing or unreadable files.
std::tuple<Symbol, ParamDict, ParamDict> LoadCheckpoint(const std::string& prefix, int epoch);

}  // namespace mod
}  // namespace mx

#endif  // TESSERA_CORE_MODULE_MODULE_H_
