// Optimizer update operators (MXNet names and semantics), for both devices. Each updates one
// weight from its gradient and state: the states (momentum, mean, var, ...) are inputs the
// operator writes (MutateInputs); the output is the new weight, usually written in place by
// passing the weight as `out`. Gradients are first rescaled (rescale_grad) and clipped to
// [-clip_gradient, clip_gradient] when clip_gradient >= 0. Math per element, in float for
// 16-bit types; the mp_* variants keep a float32 master copy (the last input) and write the
// low-precision weight as its cast.
#ifndef TESSERA_CORE_OPS_OPTIMIZER_OPTIMIZER_INL_H_
#define TESSERA_CORE_OPS_OPTIMIZER_OPTIMIZER_INL_H_

#include <math.h>

#include <vector>

#include "core/base/convert.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"

namespace mx {

struct UpdateParam {
  float lr, wd, rescale_grad, clip_gradient, momentum;
  float beta1, beta2, epsilon, gamma1, clip_weights, wd_lh, t;
  bool lazy_update, bias_correction;
  float lower_bound, upper_bound;
};

// Declares the fields an update operator takes (`fields` selects the optimizer's set).
enum UpdateFields {
  kSgd = 1,
  kMomentum = 2,
  kAdam = 4,
  kRmsprop = 8,
  kAdagrad = 16,
  kSignum = 32,
  kLambPhase1 = 64,
  kLambPhase2 = 128,
};

template <int kFields>
struct UpdateParamOf : UpdateParam {
  void Declare(ParamDeclarer* d) {
    bool phase2 = kFields & kLambPhase2;
    if (!(kFields & kLambPhase1)) d->Declare("lr", &lr).Describe("Learning rate.");
    if (phase2) {
      d->Declare("lower_bound", &lower_bound, -1.0f).Describe("Lower bound of ||w|| (if >= 0).");
      d->Declare("upper_bound", &upper_bound, -1.0f).Describe("Upper bound of ||w|| (if >= 0).");
      return;
    }
    d->Declare("wd", &wd, 0.0f).Describe("Weight decay.");
    d->Declare("rescale_grad", &rescale_grad, 1.0f).Describe("Multiplies the gradient.");
    d->Declare("clip_gradient", &clip_gradient, -1.0f).Describe("Clip bound (if >= 0).");
    if (kFields & (kMomentum | kSignum))
      d->Declare("momentum", &momentum, 0.0f).Describe("Momentum.");
    if (kFields & (kAdam | kLambPhase1)) {
      d->Declare("beta1", &beta1, 0.9f).Describe("Decay of the first moment.");
      d->Declare("beta2", &beta2, 0.999f).Describe("Decay of the second moment.");
      d->Declare("epsilon", &epsilon, (kFields & kLambPhase1) ? 1e-6f : 1e-8f)
          .Describe("Added to the denominator.");
    }
    if (kFields & kLambPhase1) {
      d->Declare("t", &t).Describe("Update count (for bias correction).");
      d->Declare("bias_correction", &bias_correction, true).Describe("Correct the moments.");
    }
    if (kFields & kRmsprop) {
      d->Declare("gamma1", &gamma1, 0.95f).Describe("Decay of the squared-gradient average.");
      d->Declare("epsilon", &epsilon, 1e-8f).Describe("Added inside the square root.");
      d->Declare("clip_weights", &clip_weights, -1.0f).Describe("Clip weights (if >= 0).");
    }
    if (kFields & kAdagrad) d->Declare("epsilon", &epsilon, 1e-7f).Describe("Added to history.");
    if (kFields & kSignum) d->Declare("wd_lh", &wd_lh, 0.0f).Describe("Decoupled weight decay.");
    if (kFields & (kSgd | kAdam))
      d->Declare("lazy_update", &lazy_update, true).Describe("Sparse only.");
  }
};

MX_XINLINE float ScaledClippedGrad(float g, const UpdateParam& p) {
  g *= p.rescale_grad;
  if (p.clip_gradient >= 0)
    g = g < -p.clip_gradient ? -p.clip_gradient : (g > p.clip_gradient ? p.clip_gradient : g);
  return g;
}

MX_XINLINE float SignOf(float x) { return x > 0 ? 1.f : (x < 0 ? -1.f : 0.f); }

// Every update kernel: Map(i, p, out, weight, grad, s0, s1, master). Unused pointers are null.
// W: weight/grad/out element type; S: state type (float for mp variants, else W).
#define MX_UPDATE_KERNEL(Name, body)                                                             \
  struct Name {                                                                                  \
    template <typename W, typename S>                                                            \
    MX_XINLINE static void Map(int64_t i, UpdateParam p, W* out, const W* weight, const W* grad, \
                               S* s0, S* s1, float* master) {                                    \
      float w = master ? master[i] : ConvertValue<float>(weight[i]);                             \
      float g = ScaledClippedGrad(ConvertValue<float>(grad[i]), p);                              \
      body;                                                                                      \
      if (master) master[i] = w;                                                                 \
      out[i] = ConvertValue<W>(w);                                                               \
    }                                                                                            \
  };

MX_UPDATE_KERNEL(SgdKernel, w = (1.f - p.lr * p.wd) * w - p.lr * g)
MX_UPDATE_KERNEL(SgdMomKernel, {
  float m = p.momentum * ConvertValue<float>(s0[i]) - p.lr * (g + p.wd * w);
  s0[i] = ConvertValue<S>(m);
  w += m;
})
MX_UPDATE_KERNEL(NagMomKernel, {
  g += p.wd * w;
  float m = p.momentum * ConvertValue<float>(s0[i]) + g;
  s0[i] = ConvertValue<S>(m);
  w -= p.lr * (g + p.momentum * m);
})
MX_UPDATE_KERNEL(AdamKernel, {
  g += p.wd * w;
  float m = p.beta1 * ConvertValue<float>(s0[i]) + (1.f - p.beta1) * g;
  float v = p.beta2 * ConvertValue<float>(s1[i]) + (1.f - p.beta2) * g * g;
  s0[i] = ConvertValue<S>(m);
  s1[i] = ConvertValue<S>(v);
  w -= p.lr * m / (sqrtf(v) + p.epsilon);
})
MX_UPDATE_KERNEL(RmspropKernel, {
  g += p.wd * w;
  float n = (1.f - p.gamma1) * g * g + p.gamma1 * ConvertValue<float>(s0[i]);
  s0[i] = ConvertValue<S>(n);
  w -= p.lr * g / sqrtf(n + p.epsilon);
  if (p.clip_weights >= 0)
    w = w < -p.clip_weights ? -p.clip_weights : (w > p.clip_weights ? p.clip_weights : w);
})
MX_UPDATE_KERNEL(AdagradKernel, {
  float h = ConvertValue<float>(s0[i]) + g * g;
  s0[i] = ConvertValue<S>(h);
  w -= p.lr * (g / sqrtf(h + p.epsilon) + p.wd * w);
})
MX_UPDATE_KERNEL(SignumKernel, {
  float m = p.momentum * ConvertValue<float>(s0[i]) - (1.f - p.momentum) * (p.wd * w + g);
  s0[i] = ConvertValue<S>(m);
  w = (1.f - p.lr * p.wd_lh) * w + p.lr * SignOf(m);
})
MX_UPDATE_KERNEL(SignsgdKernel, w = (1.f - p.lr * p.wd) * w - p.lr * SignOf(g))
// Phase 1 writes the update direction (not a weight) to out; w is only read.
MX_UPDATE_KERNEL(LambPhase1Kernel, {
  float m = p.beta1 * ConvertValue<float>(s0[i]) + (1.f - p.beta1) * g;
  float v = p.beta2 * ConvertValue<float>(s1[i]) + (1.f - p.beta2) * g * g;
  s0[i] = ConvertValue<S>(m);
  s1[i] = ConvertValue<S>(v);
  float mh = m;
  float vh = v;
  if (p.bias_correction) {
    mh = m / (1.f - powf(p.beta1, p.t));
    vh = v / (1.f - powf(p.beta2, p.t));
  }
  float upd = mh / (sqrtf(vh) + p.epsilon) + p.wd * w;
  out[i] = ConvertValue<W>(upd);
  return;
})
#undef MX_UPDATE_KERNEL

// lamb_update_phase2: w -= lr * ratio * g, ratio = r1 / r2 (1 if either is 0), r1 clipped to
// [lower_bound, upper_bound] where those are >= 0. r1 = ||w||, r2 = ||g|| as (1,) arrays.
struct LambPhase2Kernel {
  template <typename W>
  MX_XINLINE static void Map(int64_t i, UpdateParam p, W* out, const W* weight, const W* g,
                             const W* r1a, const W* r2a, float* master) {
    float r1 = ConvertValue<float>(r1a[0]), r2 = ConvertValue<float>(r2a[0]);
    if (p.lower_bound >= 0 && r1 < p.lower_bound) r1 = p.lower_bound;
    if (p.upper_bound >= 0 && r1 > p.upper_bound) r1 = p.upper_bound;
    float ratio = (r1 == 0.f || r2 == 0.f) ? 1.f : r1 / r2;
    float w = master ? master[i] : ConvertValue<float>(weight[i]);
    w -= p.lr * ratio * ConvertValue<float>(g[i]);
    if (master) master[i] = w;
    out[i] = ConvertValue<W>(w);
  }
};

// Inputs: weight, grad, then `num_states` states, then (mp) the float32 master weight.
template <typename xpu, typename K, int kStates, bool kMp>
void UpdateCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>&, const std::vector<TBlob>& out) {
  const UpdateParam& p = *static_cast<const UpdateParam*>(attrs.parsed.get());
  int64_t n = in[0].size();
  float* master = kMp ? in[2 + kStates].ptr<float>() : nullptr;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, W, attrs.op->name().c_str(), {
    using S = typename std::conditional<kMp, float, W>::type;
    S* s0 = kStates > 0 ? in[2].ptr<S>() : nullptr;
    S* s1 = kStates > 1 ? in[3].ptr<S>() : nullptr;
    Kernel<xpu>::template Launch<K>(ctx.run.stream, n, p, out[0].ptr<W>(), in[0].ptr<W>(),
                                    in[1].ptr<W>(), s0, s1, master);
  });
}

template <typename xpu>
void LambPhase2Compute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>&, const std::vector<TBlob>& out) {
  const UpdateParam& p = *static_cast<const UpdateParam*>(attrs.parsed.get());
  float* master = nullptr;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, W, attrs.op->name().c_str(), {
    Kernel<xpu>::template Launch<LambPhase2Kernel>(ctx.run.stream, in[0].size(), p, out[0].ptr<W>(),
                                                   in[0].ptr<W>(), in[1].ptr<W>(), in[2].ptr<W>(),
                                                   in[3].ptr<W>(), master);
  });
}

bool UpdateShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out);
bool UpdateType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out);

// The optimizer operators: (name, kernel, parameter fields, number of states, multi-precision).
#define MX_UPDATE_OPS(X)                                         \
  X(sgd_update, SgdKernel, kSgd, 0, false)                       \
  X(sgd_mom_update, SgdMomKernel, kSgd | kMomentum, 1, false)    \
  X(nag_mom_update, NagMomKernel, kMomentum, 1, false)           \
  X(adam_update, AdamKernel, kAdam, 2, false)                    \
  X(rmsprop_update, RmspropKernel, kRmsprop, 1, false)           \
  X(adagrad_update, AdagradKernel, kAdagrad, 1, false)           \
  X(signum_update, SignumKernel, kSignum, 1, false)              \
  X(signsgd_update, SignsgdKernel, 0, 0, false)                  \
  X(lamb_update_phase1, LambPhase1Kernel, kLambPhase1, 2, false) \
  X(mp_sgd_update, SgdKernel, kSgd, 0, true)                     \
  X(mp_sgd_mom_update, SgdMomKernel, kSgd | kMomentum, 1, true)  \
  X(mp_nag_mom_update, NagMomKernel, kMomentum, 1, true)

}  // namespace mx

#endif  // TESSERA_CORE_OPS_OPTIMIZER_OPTIMIZER_INL_H_
