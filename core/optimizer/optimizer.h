// Optimizers (MXNet's mx.optimizer) over the update operators (core/ops/optimizer). An
// optimizer holds the hyper-parameters, per-parameter lr_mult/wd_mult, an optional learning-rate
// schedule and the update counters; per-parameter states (momentum, moments) are created by
// CreateState and owned by the caller (the Module), so they can be saved with a checkpoint.
// Update() pushes work to the engine and returns. Not thread-safe (one trainer thread).
//
// Parameters by MXNet name: learning_rate (0.01), wd (0), rescale_grad (1), clip_gradient
// (none), lr_scheduler (set with set_lr_scheduler), multi_precision (false), plus each
// optimizer's own (momentum, beta1, beta2, epsilon, gamma1, ...). An unknown name is a
// ValueError listing the valid ones.
#ifndef TESSERA_CORE_OPTIMIZER_OPTIMIZER_H_
#define TESSERA_CORE_OPTIMIZER_OPTIMIZER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ndarray/ndarray.h"
#include "core/op/params.h"
#include "core/optimizer/lr_scheduler.h"

namespace mx {
namespace opt {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  const std::string& name() const { return name_; }

  // The states parameter `index` needs (none for plain SGD). For multi_precision with a
  // float16 weight, the last state is the float32 master copy.
  virtual std::vector<NDArray> CreateState(int index, const NDArray& weight) const = 0;
  // One step for parameter `index`: counts the update, computes lr (schedule, lr_mult) and wd
  // (wd_mult), and updates `weight` and `state` in place.
  void Update(int index, NDArray weight, const NDArray& grad, std::vector<NDArray>* state);

  // Parameter names by index; lr_mult/wd_mult then apply by name. Names not ending in _weight
  // or _gamma get wd_mult 0 (MXNet's default: no decay on biases and batch-norm betas).
  void SetParamNames(const std::map<int, std::string>& names);
  void SetLrMult(const std::map<std::string, double>& mult);
  void SetWdMult(const std::map<std::string, double>& mult);

  double learning_rate() const;
  void set_learning_rate(double lr);
  double rescale_grad() const { return rescale_grad_; }
  void set_rescale_grad(double r) { rescale_grad_ = r; }
  void set_lr_scheduler(std::shared_ptr<LRScheduler> s);
  // Update counts per parameter index and their maximum (what schedules and Adam's bias
  // correction read); settable so a resumed run continues exactly.
  const std::map<int, int>& update_counts() const { return counts_; }
  int num_update() const { return num_update_; }
  void RestoreCounts(const std::map<int, int>& counts);
  // Scalars besides the per-parameter states and counts that decide later updates (Nadam's
  // momentum schedule, shared by all parameters), saved with the states so that a resumed run
  // continues exactly. RestoreScalarState: ValueError when `s` has the wrong length.
  virtual std::vector<double> ScalarState() const { return {}; }
  virtual void RestoreScalarState(const std::vector<double>& s);

  // The optimizer as text (name, parameters, parameter names, multipliers), for a parameter
  // server to rebuild with FromSpec (a learning-rate schedule included).
  std::string Spec() const;

 protected:
  Optimizer(std::string name, const ParamMap& params, std::vector<std::string> own_keys);
  // Applies one update with the effective lr and wd; t is this parameter's update count.
  virtual void Step(int index, NDArray weight, const NDArray& grad, std::vector<NDArray>* state,
                    double lr, double wd, int t) = 0;
  // lr, wd, rescale_grad and clip_gradient as operator parameters.
  Params Common(double lr, double wd) const;
  double clip_gradient() const { return clip_gradient_; }
  double Get(const std::string& key, double default_value) const;
  bool multi_precision() const { return multi_precision_; }

 private:
  std::string name_;
  ParamMap params_;
  double lr_, wd_, rescale_grad_, clip_gradient_;
  bool multi_precision_;
  std::shared_ptr<LRScheduler> scheduler_;
  std::map<int, std::string> names_;
  std::map<std::string, double> lr_mult_, wd_mult_;
  std::map<int, int> counts_;
  int num_update_ = 0;
};

// "sgd", "nag", "adam", "rmsprop", "adagrad", "signum", "lamb", "adadelta", "adamax", "nadam",
// "ftrl" (MXNet's names, any case).
std::unique_ptr<Optimizer> Create(const std::string& name, const Params& params = {});
std::unique_ptr<Optimizer> Create(const std::string& name, const ParamMap& params);
// Rebuilds an optimizer from Optimizer::Spec(); ValueError for malformed text.
std::unique_ptr<Optimizer> FromSpec(const std::string& spec);

}  // namespace opt
}  // namespace mx

#endif  // TESSERA_CORE_OPTIMIZER_OPTIMIZER_H_
