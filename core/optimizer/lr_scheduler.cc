#include "core/optimizer/lr_scheduler.h"

#include <cmath>
#include <sstream>

#include "core/base/error.h"

namespace mx {
namespace opt {

double LRScheduler::operator()(int num_update) const {
  if (num_update < warmup_steps_)
    return warmup_begin_lr_ +
           (base_lr_ - warmup_begin_lr_) * num_update / static_cast<double>(warmup_steps_);
  return After(num_update);
}

FactorScheduler::FactorScheduler(int step, double factor, double stop_factor_lr, double base_lr,
                                 int warmup_steps, double warmup_begin_lr)
    : LRScheduler(base_lr, warmup_steps, warmup_begin_lr),
      step_(step),
      factor_(factor),
      stop_(stop_factor_lr) {
  MX_CHECK_AS(ValueError, step >= 1) << "FactorScheduler: step must be >= 1, found " << step;
  MX_CHECK_AS(ValueError, factor <= 1) << "FactorScheduler: factor must be <= 1 to lower the "
                                       << "rate, found " << factor;
}

double FactorScheduler::After(int n) const {
  int k = std::max(0, (n - 1) / step_);
  return std::max(base_lr_ * std::pow(factor_, k), stop_);
}

MultiFactorScheduler::MultiFactorScheduler(std::vector<int> steps, double factor, double base_lr,
                                           int warmup_steps, double warmup_begin_lr)
    : LRScheduler(base_lr, warmup_steps, warmup_begin_lr),
      steps_(std::move(steps)),
      factor_(factor) {
  for (size_t i = 0; i < steps_.size(); ++i)
    MX_CHECK_AS(ValueError, steps_[i] >= 1 && (i == 0 || steps_[i] > steps_[i - 1]))
        << "MultiFactorScheduler: steps must be increasing and >= 1.";
}

double MultiFactorScheduler::After(int n) const {
  int passed = 0;
  for (int s : steps_) passed += n > s;
  return base_lr_ * std::pow(factor_, passed);
}

PolyScheduler::PolyScheduler(int max_update, double base_lr, double pwr, double final_lr,
                             int warmup_steps, double warmup_begin_lr)
    : LRScheduler(base_lr, warmup_steps, warmup_begin_lr),
      max_update_(max_update),
      pwr_(pwr),
      final_lr_(final_lr) {
  MX_CHECK_AS(ValueError, max_update > warmup_steps)
      << "PolyScheduler: max_update (" << max_update << ") must exceed warmup_steps ("
      << warmup_steps << ").";
}

double PolyScheduler::After(int n) const {
  if (n > max_update_) return final_lr_;
  return final_lr_ +
         (base_lr_ - final_lr_) * std::pow(1.0 - static_cast<double>(n) / max_update_, pwr_);
}

CosineScheduler::CosineScheduler(int max_update, double base_lr, double final_lr, int warmup_steps,
                                 double warmup_begin_lr)
    : LRScheduler(base_lr, warmup_steps, warmup_begin_lr),
      max_update_(max_update),
      final_lr_(final_lr) {
  MX_CHECK_AS(ValueError, max_update > warmup_steps)
      << "CosineScheduler: max_update (" << max_update << ") must exceed warmup_steps ("
      << warmup_steps << ").";
}

double CosineScheduler::After(int n) const {
  if (n > max_update_) return final_lr_;
  const double pi = std::acos(-1.0);
  return final_lr_ + (base_lr_ - final_lr_) * (1 + std::cos(pi * n / max_update_)) / 2;
}

namespace {

std::string Num(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

}  // namespace

std::string LRScheduler::BaseSpec() const {
  return Num(base_lr_) + " " + std::to_string(warmup_steps_) + " " + Num(warmup_begin_lr_);
}

std::string FactorScheduler::Spec() const {
  return "factor " + BaseSpec() + " " + std::to_string(step_) + " " + Num(factor_) + " " +
         Num(stop_);
}

std::string MultiFactorScheduler::Spec() const {
  std::string s =
      "multifactor " + BaseSpec() + " " + Num(factor_) + " " + std::to_string(steps_.size());
  for (int step : steps_) s += " " + std::to_string(step);
  return s;
}

std::string PolyScheduler::Spec() const {
  return "poly " + BaseSpec() + " " + std::to_string(max_update_) + " " + Num(pwr_) + " " +
         Num(final_lr_);
}

std::string CosineScheduler::Spec() const {
  return "cosine " + BaseSpec() + " " + std::to_string(max_update_) + " " + Num(final_lr_);
}

std::shared_ptr<LRScheduler> SchedulerFromSpec(const std::string& spec) {
  std::istringstream in(spec);
  std::string kind;
  double base = 0, begin = 0;
  int warmup = 0;
  in >> kind >> base >> warmup >> begin;
  std::shared_ptr<LRScheduler> out;
  if (kind == "factor") {
    int step = 1;
    double factor = 1, stop = 0;
    in >> step >> factor >> stop;
    out = std::make_shared<FactorScheduler>(step, factor, stop, base, warmup, begin);
  } else if (kind == "multifactor") {
    double factor = 1;
    size_t n = 0;
    in >> factor >> n;
    std::vector<int> steps(n);
    for (int& s : steps) in >> s;
    out = std::make_shared<MultiFactorScheduler>(steps, factor, base, warmup, begin);
  } else if (kind == "poly") {
    int max_update = 0;
    double pwr = 2, final_lr = 0;
    in >> max_update >> pwr >> final_lr;
    out = std::make_shared<PolyScheduler>(max_update, base, pwr, final_lr, warmup, begin);
  } else if (kind == "cosine") {
    int max_update = 0;
    double final_lr = 0;
    in >> max_update >> final_lr;
    out = std::make_shared<CosineScheduler>(max_update, base, final_lr, warmup, begin);
  }
  MX_CHECK_AS(ValueError, out && !in.fail())
      << "learning-rate schedule specification '" << spec << "' is malformed.";
  return out;
}

}  // namespace opt
}  // namespace mx
