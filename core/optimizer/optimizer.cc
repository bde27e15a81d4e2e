#include "core/optimizer/optimizer.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/base/error.h"
#include "core/ndarray/init.h"
#include "core/op/imperative.h"
#include "core/optimizer/composed_optimizers.h"

namespace mx {
namespace opt {
namespace {

const char* const kCommonKeys[] = {
    "learning_rate",   "wd",           "rescale_grad",   "clip_gradient",
    "multi_precision", "lr_scheduler", "param_idx2name", "begin_num_update"};

double ParseNumber(const ParamMap& p, const std::string& key, double d, const std::string& opt) {
  auto it = p.find(key);
  if (it == p.end() || it->second == "None") return d;
  double v;
  MX_CHECK_AS(ValueError, ParseValue(it->second, &v))
      << "optimizer " << opt << ": " << key << " must be a number, found '" << it->second << "'.";
  return v;
}

bool IsFloat16(const NDArray& a) { return a.dtype() == kFloat16; }

// `n` zero arrays shaped like the weight (moments, accumulators).
std::vector<NDArray> ZeroStates(const NDArray& w, int n) {
  std::vector<NDArray> s;
  for (int i = 0; i < n; ++i) s.push_back(nd::zeros(w.shape(), w.context(), w.dtype()));
  return s;
}

// Runs update operator `op` on (weight, grad, states...) writing the weight in place.
void RunUpdate(const std::string& op, const NDArray& weight, const NDArray& grad,
               const std::vector<NDArray>& state, const Params& params) {
  std::vector<NDArray> in = {weight, grad};
  in.insert(in.end(), state.begin(), state.end());
  InvokeOptions o;
  o.out = {weight};
  Invoke(op, in, ToParamMap(params), o);
}

class SGD : public Optimizer {
 public:
  SGD(const std::string& name, const ParamMap& p, bool nesterov)
      : Optimizer(name, p, {"momentum", "lazy_update"}),
        momentum_(Get("momentum", 0)),
        nesterov_(nesterov) {}
  std::vector<NDArray> CreateState(int, const NDArray& w) const override {
    std::vector<NDArray> s;
    if (momentum_ != 0) s.push_back(nd::zeros(w.shape(), w.context(), MasterType(w)));
    if (multi_precision() && IsFloat16(w)) s.push_back(w.AsType(kFloat32));
    return s;
  }

 protected:
  void Step(int, NDArray w, const NDArray& g, std::vector<NDArray>* s, double lr, double wd,
            int) override {
    Params p = Common(lr, wd);
    bool mp = multi_precision() && IsFloat16(w);
    std::string prefix = mp ? "mp_" : "";
    if (momentum_ != 0) {
      p.emplace_back("momentum", momentum_);
      RunUpdate(prefix + (nesterov_ ? "nag_mom_update" : "sgd_mom_update"), w, g, *s, p);
    } else {
      RunUpdate(prefix + "sgd_update", w, g, *s, p);  // NAG without momentum is plain SGD
    }
  }

 private:
  DType MasterType(const NDArray& w) const {
    return multi_precision() && IsFloat16(w) ? kFloat32 : w.dtype();
  }
  double momentum_;
  bool nesterov_;
};

class Adam : public Optimizer {
 public:
  explicit Adam(const ParamMap& p)
      : Optimizer("adam", p, {"beta1", "beta2", "epsilon", "lazy_update"}),
        beta1_(Get("beta1", 0.9)),
        beta2_(Get("beta2", 0.999)),
        eps_(Get("epsilon", 1e-8)) {}
  std::vector<NDArray> CreateState(int, const NDArray& w) const override {
    return ZeroStates(w, 2);
  }

 protected:
  void Step(int, NDArray w, const NDArray& g, std::vector<NDArray>* s, double lr, double wd,
            int t) override {
    // MXNet folds the bias correction into the rate.
    lr *= std::sqrt(1 - std::pow(beta2_, t)) / (1 - std::pow(beta1_, t));
    Params p = Common(lr, wd);
    p.emplace_back("beta1", beta1_);
    p.emplace_back("beta2", beta2_);
    p.emplace_back("epsilon", eps_);
    RunUpdate("adam_update", w, g, *s, p);
  }

 private:
  double beta1_, beta2_, eps_;
};

class OneStateOptimizer : public Optimizer {
 public:
  OneStateOptimizer(const std::string& name, const std::string& op, const ParamMap& p,
                    std::vector<std::pair<std::string, double>> own)
      : Optimizer(name, p, Keys(own)), op_(op) {
    for (auto& kv : own) own_.emplace_back(kv.first, Get(kv.first, kv.second));
  }
  std::vector<NDArray> CreateState(int, const NDArray& w) const override {
    return ZeroStates(w, 1);
  }

 protected:
  void Step(int, NDArray w, const NDArray& g, std::vector<NDArray>* s, double lr, double wd,
            int) override {
    Params p = Common(lr, wd);
    for (auto& kv : own_) p.emplace_back(kv.first, kv.second);
    RunUpdate(op_, w, g, *s, p);
  }

 private:
  static std::vector<std::string> Keys(const std::vector<std::pair<std::string, double>>& own) {
    std::vector<std::string> k;
    for (auto& kv : own) k.push_back(kv.first);
    return k;
  }
  std::string op_;
  std::vector<std::pair<std::string, double>> own_;
};

class Lamb : public Optimizer {
 public:
  explicit Lamb(const ParamMap& p)
      : Optimizer("lamb", p,
                  {"beta1", "beta2", "epsilon", "lower_bound", "upper_bound", "bias_correction"}),
        beta1_(Get("beta1", 0.9)),
        beta2_(Get("beta2", 0.999)),
        eps_(Get("epsilon", 1e-6)),
        lower_(Get("lower_bound", -1)),
        upper_(Get("upper_bound", -1)) {}
  std::vector<NDArray> CreateState(int, const NDArray& w) const override {
    return ZeroStates(w, 2);
  }

 protected:
  void Step(int, NDArray w, const NDArray& g, std::vector<NDArray>* s, double lr, double wd,
            int t) override {
    Params p1 = Common(lr, wd);
    p1.erase(p1.begin());  // phase 1 takes no lr
    p1.emplace_back("beta1", beta1_);
    p1.emplace_back("beta2", beta2_);
    p1.emplace_back("epsilon", eps_);
    p1.emplace_back("t", t);
    std::vector<NDArray> in = {w, g};
    in.insert(in.end(), s->begin(), s->end());
    NDArray direction = Invoke("lamb_update_phase1", in, ToParamMap(p1))[0];
    NDArray r1 = Invoke("norm", {w})[0], r2 = Invoke("norm", {direction})[0];
    InvokeOptions o;
    o.out = {w};
    Invoke("lamb_update_phase2", {w, direction, r1, r2},
           ToParamMap({{"lr", lr}, {"lower_bound", lower_}, {"upper_bound", upper_}}), o);
  }

 private:
  double beta1_, beta2_, eps_, lower_, upper_;
};

}  // namespace

Optimizer::Optimizer(std::string name, const ParamMap& params, std::vector<std::string> own)
    : name_(std::move(name)), params_(params) {
  std::vector<std::string> valid(std::begin(kCommonKeys), std::end(kCommonKeys));
  valid.insert(valid.end(), own.begin(), own.end());
  for (const auto& kv : params) {
    if (std::find(valid.begin(), valid.end(), kv.first) != valid.end()) continue;
    std::string list;
    for (const std::string& v : valid) list += (list.empty() ? "" : ", ") + v;
    MX_THROW(ValueError) << "optimizer " << name_ << ": unknown parameter '" << kv.first
                         << "'; valid parameters: " << list << ".";
  }
  lr_ = ParseNumber(params, "learning_rate", 0.01, name_);
  wd_ = ParseNumber(params, "wd", 0, name_);
  rescale_grad_ = ParseNumber(params, "rescale_grad", 1, name_);
  clip_gradient_ = ParseNumber(params, "clip_gradient", -1, name_);
  auto mp = params.find("multi_precision");
  multi_precision_ = false;
  if (mp != params.end())
    MX_CHECK_AS(ValueError, ParseValue(mp->second, &multi_precision_))
        << "optimizer " << name_ << ": multi_precision must be a boolean, found '" << mp->second
        << "'.";
  num_update_ = static_cast<int>(ParseNumber(params, "begin_num_update", 0, name_));
}

double Optimizer::Get(const std::string& key, double d) const {
  return ParseNumber(params_, key, d, name_);
}

Params Optimizer::Common(double lr, double wd) const {
  Params p = {{"lr", lr}, {"wd", wd}, {"rescale_grad", rescale_grad_}};
  if (clip_gradient_ >= 0) p.emplace_back("clip_gradient", clip_gradient_);
  return p;
}

void Optimizer::Update(int index, NDArray weight, const NDArray& grad,
                       std::vector<NDArray>* state) {
  int t = ++counts_[index];
  num_update_ = std::max(num_update_, t);
  double lr = scheduler_ ? (*scheduler_)(num_update_) : lr_;
  double wd = wd_;
  auto name = names_.find(index);
  if (name != names_.end()) {
    auto l = lr_mult_.find(name->second);
    if (l != lr_mult_.end()) lr *= l->second;
    auto w = wd_mult_.find(name->second);
    if (w != wd_mult_.end()) wd *= w->second;
  }
  Step(index, weight, grad, state, lr, wd, t);
}

void Optimizer::SetParamNames(const std::map<int, std::string>& names) {
  names_ = names;
  for (const auto& [i, n] : names) {
    bool decays = (n.size() >= 7 && n.compare(n.size() - 7, 7, "_weight") == 0) ||
                  (n.size() >= 6 && n.compare(n.size() - 6, 6, "_gamma") == 0);
    if (!decays && !wd_mult_.count(n)) wd_mult_[n] = 0.0;
  }
}

void Optimizer::SetLrMult(const std::map<std::string, double>& m) {
  for (const auto& kv : m) lr_mult_[kv.first] = kv.second;
}
void Optimizer::SetWdMult(const std::map<std::string, double>& m) {
  for (const auto& kv : m) wd_mult_[kv.first] = kv.second;
}

double Optimizer::learning_rate() const { return scheduler_ ? (*scheduler_)(num_update_) : lr_; }

void Optimizer::set_learning_rate(double lr) {
  MX_CHECK_AS(ValueError, !scheduler_)
      << "optimizer " << name_ << ": the learning rate follows a schedule; change the "
      << "scheduler's base rate instead.";
  lr_ = lr;
}

void Optimizer::set_lr_scheduler(std::shared_ptr<LRScheduler> s) {
  scheduler_ = std::move(s);
  if (scheduler_ && !params_.count("learning_rate") && scheduler_->base_lr() <= 0)
    scheduler_->set_base_lr(lr_);
}

void Optimizer::RestoreScalarState(const std::vector<double>& s) {
  MX_CHECK_AS(ValueError, s.empty()) << "optimizer " << name_ << " keeps no scalar state, but "
                                     << s.size() << " value(s) were saved for it.";
}

void Optimizer::RestoreCounts(const std::map<int, int>& counts) {
  counts_ = counts;
  num_update_ = 0;
  for (const auto& kv : counts) num_update_ = std::max(num_update_, kv.second);
}

std::string Optimizer::Spec() const {
  std::ostringstream out;
  out.precision(17);
  out << "name " << name_ << "\n";
  ParamMap p = params_;
  std::ostringstream lr, rescale;
  lr.precision(17);
  rescale.precision(17);
  lr << lr_;
  rescale << rescale_grad_;
  p["learning_rate"] = lr.str();
  p["rescale_grad"] = rescale.str();
  for (const auto& [k, v] : p) out << "param " << k << " " << v << "\n";
  for (const auto& [i, n] : names_) out << "index " << i << " " << n << "\n";
  for (const auto& [n, v] : lr_mult_) out << "lr_mult " << n << " " << v << "\n";
  for (const auto& [n, v] : wd_mult_) out << "wd_mult " << n << " " << v << "\n";
  if (scheduler_) out << "scheduler " << scheduler_->Spec() << "\n";
  return out.str();
}

std::unique_ptr<Optimizer> FromSpec(const std::string& spec) {
  std::istringstream in(spec);
  std::string line, name;
  ParamMap params;
  std::map<int, std::string> names;
  std::map<std::string, double> lr_mult, wd_mult;
  std::shared_ptr<LRScheduler> scheduler;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string what, a;
    l >> what >> a;
    std::string rest;
    std::getline(l, rest);
    if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
    if (what == "name")
      name = a;
    else if (what == "param")
      params[a] = rest;
    else if (what == "index")
      names[std::stoi(a)] = rest;
    else if (what == "lr_mult")
      lr_mult[a] = std::stod(rest);
    else if (what == "wd_mult")
      wd_mult[a] = std::stod(rest);
    else if (what == "scheduler")
      scheduler = SchedulerFromSpec(a + " " + rest);
    else if (!what.empty())
      MX_THROW(ValueError) << "optimizer specification: unknown line '" << line << "'.";
  }
  MX_CHECK_AS(ValueError, !name.empty()) << "optimizer specification without a name line.";
  std::unique_ptr<Optimizer> o = Create(name, params);
  o->SetWdMult(wd_mult);
  o->SetParamNames(names);
  o->SetLrMult(lr_mult);
  if (scheduler) o->set_lr_scheduler(scheduler);
  return o;
}

std::unique_ptr<Optimizer> Create(const std::string& name, const Params& params) {
  return Create(name, ToParamMap(params));
}

std::unique_ptr<Optimizer> Create(const std::string& name_in, const ParamMap& p) {
  std::string name;
  for (char c : name_in) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "sgd") return std::make_unique<SGD>("sgd", p, false);
  if (name == "nag") return std::make_unique<SGD>("nag", p, true);
  if (name == "adam") return std::make_unique<Adam>(p);
  if (name == "rmsprop")
    return std::make_unique<OneStateOptimizer>(
        "rmsprop", "rmsprop_update", p,
        std::vector<std::pair<std::string, double>>{
            {"gamma1", 0.9}, {"epsilon", 1e-8}, {"clip_weights", -1}});
  if (name == "adagrad")
    return std::make_unique<OneStateOptimizer>(
        "adagrad", "adagrad_update", p,
        std::vector<std::pair<std::string, double>>{{"epsilon", 1e-7}});
  if (name == "signum")
    return std::make_unique<OneStateOptimizer>(
        "signum", "signum_update", p,
        std::vector<std::pair<std::string, double>>{{"momentum", 0.9}, {"wd_lh", 0}});
  if (name == "lamb") return std::make_unique<Lamb>(p);
  if (auto composed = CreateComposed(name, p)) return composed;
  MX_THROW(ValueError) << "unknown optimizer '" << name_in << "'; available: sgd, nag, adam, "
                       << "rmsprop, adagrad, signum, lamb, adadelta, adamax, nadam, ftrl.";
}

}  // namespace opt
}  // namespace mx
