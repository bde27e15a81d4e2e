// Optimizers without a fused update operator (MXNet's AdaDelta, Adamax, Nadam, Ftrl), written
// with mx::nd operations so they run on every device the element-wise operators cover. Each
// follows MXNet 1.x's python/mxnet/optimizer/optimizer.py formulas.
#include "core/optimizer/composed_optimizers.h"

#include <cmath>

#include "core/ndarray/init.h"
#include "core/ops/nd_api.h"

namespace mx {
namespace opt {
namespace {

NDArray Zeros(const NDArray& w) { return nd::zeros(w.shape(), w.context(), w.dtype()); }

// rescale_grad * grad (+ wd * weight when `w` is given), clipped to [-clip, clip] when
// clip >= 0.
NDArray Prepare(const NDArray& g, double rescale, double clip, const NDArray* w = nullptr,
                double wd = 0) {
  NDArray r = g * rescale;
  if (w) r = r + *w * wd;
  return clip >= 0 ? nd::clip(r, -clip, clip) : r;
}

class AdaDelta : public Optimizer {
 public:
  explicit AdaDelta(const ParamMap& p)
      : Optimizer("adadelta", p, {"rho", "epsilon"}),
        rho_(Get("rho", 0.9)),
        eps_(Get("epsilon", 1e-5)) {}
  std::vector<NDArray> CreateState(int, const NDArray& w) const override {
    return {Zeros(w), Zeros(w)};  // accumulated g^2, accumulated delta^2
  }

 protected:
  void Step(int, NDArray w, const NDArray& grad, std::vector<NDArray>* s, double, double wd,
            int) override {
    NDArray g = Prepare(grad, rescale_grad(), clip_gradient());
    NDArray acc_g = (*s)[0] * rho_ + nd::square(g) * (1 - rho_);
    NDArray delta = nd::sqrt((*s)[1] + eps_) / nd::sqrt(acc_g + eps_) * g;
    NDArray acc_d = (*s)[1] * rho_ + nd::square(delta) * (1 - rho_);
    acc_g.CopyTo((*s)[0]);
    acc_d.CopyTo((*s)[1]);
    (w - (delta + w * wd)).CopyTo(w);  // MXNet 1.x: decay applied to the weight, not the gradient
  }

 private:
  double rho_, eps_;
};

class Adamax : public Optimizer {
 public:
  explicit Adamax(const ParamMap& p)
      : Optimizer("adamax", p, {"beta1", "beta2"}),
        beta1_(Get("beta1", 0.9)),
        beta2_(Get("beta2", 0.999)) {}
  std::vector<NDArray> CreateState(int, const NDArray& w) const override {
    return {Zeros(w), Zeros(w)};  // mean, infinity norm
  }

 protected:
  void Step(int, NDArray w, const NDArray& grad, std::vector<NDArray>* s, double lr, double wd,
            int t) override {
    lr /= 1 - std::pow(beta1_, t);
    NDArray g = Prepare(grad, rescale_grad(), clip_gradient(), &w, wd);
    NDArray m = (*s)[0] * beta1_ + g * (1 - beta1_);
    NDArray u = nd::maximum((*s)[1] * beta2_, nd::abs(g));
    m.CopyTo((*s)[0]);
    u.CopyTo((*s)[1]);
    (w - m / u * lr).CopyTo(w);
  }

 private:
  double beta1_, beta2_;
};

class Nadam : public Optimizer {
 public:
  explicit Nadam(const ParamMap& p)
      : Optimizer("nadam", p, {"beta1", "beta2", "epsilon", "schedule_decay"}),
        beta1_(Get("beta1", 0.9)),
        beta2_(Get("beta2", 0.999)),
        eps_(Get("epsilon", 1e-8)),
        decay_(Get("schedule_decay", 0.004)) {}
  std::vector<NDArray> CreateState(int, const NDArray& w) const override {
    return {Zeros(w), Zeros(w)};
  }
  std::vector<double> ScalarState() const override { return {m_schedule_}; }
  void RestoreScalarState(const std::vector<double>& s) override {
    MX_CHECK_AS(ValueError, s.size() == 1)
        << "nadam: 1 saved scalar (the momentum schedule) expected, found " << s.size() << ".";
    m_schedule_ = s[0];
  }

 protected:
  void Step(int, NDArray w, const NDArray& grad, std::vector<NDArray>* s, double lr, double wd,
            int t) override {
    NDArray g = Prepare(grad, rescale_grad(), clip_gradient(), &w, wd);
    // MXNet keeps one momentum schedule for all parameters, advanced on every update.
    double mom_t = beta1_ * (1 - 0.5 * std::pow(0.96, t * decay_));
    double mom_t1 = beta1_ * (1 - 0.5 * std::pow(0.96, (t + 1) * decay_));
    m_schedule_ *= mom_t;
    double m_schedule_next = m_schedule_ * mom_t1;
    NDArray m = (*s)[0] * beta1_ + g * (1 - beta1_);
    NDArray v = (*s)[1] * beta2_ + nd::square(g) * (1 - beta2_);
    m.CopyTo((*s)[0]);
    v.CopyTo((*s)[1]);
    NDArray g_prime = g / (1 - m_schedule_);
    NDArray m_prime = m / (1 - m_schedule_next);
    NDArray v_prime = v / (1 - std::pow(beta2_, t));
    NDArray m_bar = g_prime * (1 - mom_t) + m_prime * mom_t1;
    (w - m_bar / (nd::sqrt(v_prime) + eps_) * lr).CopyTo(w);
  }

 private:
  double beta1_, beta2_, eps_, decay_;
  double m_schedule_ = 1;
};

class Ftrl : public Optimizer {
 public:
  explicit Ftrl(const ParamMap& p)
      : Optimizer("ftrl", p, {"lamda1", "beta"}),
        lamda1_(Get("lamda1", 0.01)),
        beta_(Get("beta", 1)) {}
  std::vector<NDArray> CreateState(int, const NDArray& w) const override {
    return {Zeros(w), Zeros(w)};  // z, n
  }

 protected:
  void Step(int, NDArray w, const NDArray& grad, std::vector<NDArray>* s, double lr, double wd,
            int) override {
    NDArray g = Prepare(grad, rescale_grad(), clip_gradient());
    NDArray& z = (*s)[0];
    NDArray& n = (*s)[1];
    NDArray n_new = n + nd::square(g);
    NDArray z_new = z + g - (nd::sqrt(n_new) - nd::sqrt(n)) * w / lr;
    z_new.CopyTo(z);
    n_new.CopyTo(n);
    NDArray shrink = nd::sign(z_new) * lamda1_ - z_new;
    NDArray active = nd::abs(z_new) > lamda1_;
    (shrink / ((nd::sqrt(n_new) + beta_) / lr + wd) * active).CopyTo(w);
  }

 private:
  double lamda1_, beta_;
};

}  // namespace

std::unique_ptr<Optimizer> CreateComposed(const std::string& name, const ParamMap& p) {
  if (name == "adadelta") return std::make_unique<AdaDelta>(p);
  if (name == "adamax") return std::make_unique<Adamax>(p);
  if (name == "nadam") return std::make_unique<Nadam>(p);
  if (name == "ftrl") return std::make_unique<Ftrl>(p);
  return nullptr;
}

}  // namespace opt
}  // namespace mx
