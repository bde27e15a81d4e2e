// Learning-rate schedules (MXNet's mx.lr_scheduler): the rate for update number `num_update`
// (1-based, counted per parameter as MXNet does, the largest count so far). All support a
// linear warm-up from warmup_begin_lr over warmup_steps. Stateless apart from their settings:
// the same num_update always gives the same rate, so resuming needs only the update count.
#ifndef TESSERA_CORE_OPTIMIZER_LR_SCHEDULER_H_
#define TESSERA_CORE_OPTIMIZER_LR_SCHEDULER_H_

#include <memory>
#include <string>
#include <vector>

namespace mx {
namespace opt {

class LRScheduler {
 public:
  LRScheduler(double base_lr, int warmup_steps = 0, double warmup_begin_lr = 0)
      : base_lr_(base_lr), warmup_steps_(warmup_steps), warmup_begin_lr_(warmup_begin_lr) {}
  virtual ~LRScheduler() = default;
  double operator()(int num_update) const;
  double base_lr() const { return base_lr_; }
  void set_base_lr(double lr) { base_lr_ = lr; }
  // The schedule as one line of text (kind and every setting), for SchedulerFromSpec.
  virtual std::string Spec() const = 0;

 protected:
  virtual double After(int num_update) const = 0;
  // "base_lr warmup_steps warmup_begin_lr" at full precision.
  std::string BaseSpec() const;
  double base_lr_;

 private:
  int warmup_steps_;
  double warmup_begin_lr_;
};

// base_lr * factor^floor((n - 1) / step), not below stop_factor_lr.
class FactorScheduler : public LRScheduler {
 public:
  std::string Spec() const override;
  FactorScheduler(int step, double factor = 1, double stop_factor_lr = 1e-8, double base_lr = 0.01,
                  int warmup_steps = 0, double warmup_begin_lr = 0);

 protected:
  double After(int num_update) const override;

 private:
  int step_;
  double factor_, stop_;
};

// base_lr * factor^(number of steps passed).
class MultiFactorScheduler : public LRScheduler {
 public:
  std::string Spec() const override;
  MultiFactorScheduler(std::vector<int> steps, double factor = 1, double base_lr = 0.01,
                       int warmup_steps = 0, double warmup_begin_lr = 0);

 protected:
  double After(int num_update) const override;

 private:
  std::vector<int> steps_;
  double factor_;
};

// final_lr + (base_lr - final_lr) * (1 - t/T)^pwr, t counted after warm-up.
class PolyScheduler : public LRScheduler {
 public:
  std::string Spec() const override;
  PolyScheduler(int max_update, double base_lr = 0.01, double pwr = 2, double final_lr = 0,
                int warmup_steps = 0, double warmup_begin_lr = 0);

 protected:
  double After(int num_update) const override;

 private:
  int max_update_;
  double pwr_, final_lr_;
};

// final_lr + (base_lr - final_lr) * (1 + cos(pi t / T)) / 2.
class CosineScheduler : public LRScheduler {
 public:
  std::string Spec() const override;
  CosineScheduler(int max_update, double base_lr = 0.01, double final_lr = 0, int warmup_steps = 0,
                  double warmup_begin_lr = 0);

 protected:
  double After(int num_update) const override;

 private:
  int max_update_;
  double final_lr_;
};

// Rebuilds a schedule from LRScheduler::Spec(); ValueError for malformed text.
std::shared_ptr<LRScheduler> SchedulerFromSpec(const std::string& spec);

}  // namespace opt
}  // namespace mx

#endif  // TESSERA_CORE_OPTIMIZER_LR_SCHEDULER_H_
