// LRN, local response normalization across channels (MXNet's src/operator/nn/lrn): for data
// (N, C, ...), s_c = knorm + alpha / nsize * sum of x^2 over channels c - nsize/2 .. c + nsize/2,
// y_c = x_c * s_c^-beta. Gradient: dx_c = dy_c s_c^-beta
//   - 2 alpha beta / nsize * x_c * sum over the window of c of dy_j x_j s_j^(-beta-1).
#ifndef TESSERA_CORE_OPS_NN_LRN_INL_H_
#define TESSERA_CORE_OPS_NN_LRN_INL_H_

#include <cmath>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct LRNParam {
  double alpha, beta, knorm;
  int nsize;
  void Declare(ParamDeclarer* d) {
    d->Declare("alpha", &alpha, 1e-4).Describe("The variance scaling parameter alpha.");
    d->Declare("beta", &beta, 0.75).Describe("The power parameter beta.");
    d->Declare("knorm", &knorm, 2.0).Describe("The parameter k.");
    d->Declare("nsize", &nsize).Describe("Normalization window width in channels (odd).");
  }
};

struct LRNGeometry {
  int64_t channels, inner;  // inner: the product of the axes after 1
  int half;
  double alpha, beta, knorm;
  int nsize;
};

// s at channel c of the position (n, p) whose channel-0 element is at `base`.
template <typename T>
MX_XINLINE double LRNScale(const T* x, int64_t base, int64_t c, const LRNGeometry& g) {
  double sum = 0;
  for (int64_t j = c - g.half; j <= c + g.half; ++j) {
    if (j < 0 || j >= g.channels) continue;
    double v = ConvertValue<double>(x[base + j * g.inner]);
    sum += v * v;
  }
  return g.knorm + g.alpha / g.nsize * sum;
}

struct LRNForwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, T* y, int req, LRNGeometry g) {
    int64_t p = i % g.inner, c = (i / g.inner) % g.channels, n = i / (g.inner * g.channels);
    int64_t base = n * g.channels * g.inner + p;
    double v = ConvertValue<double>(x[i]) * ::pow(LRNScale(x, base, c, g), -g.beta);
    mop::Assign(y + i, req, ConvertValue<T>(v));
  }
};

struct LRNBackwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, const T* x, T* dx, int req, LRNGeometry g) {
    int64_t p = i % g.inner, c = (i / g.inner) % g.channels, n = i / (g.inner * g.channels);
    int64_t base = n * g.channels * g.inner + p;
    double acc = 0;
    for (int64_t j = c - g.half; j <= c + g.half; ++j) {
      if (j < 0 || j >= g.channels) continue;
      int64_t k = base + j * g.inner;
      acc += ConvertValue<double>(dy[k]) * ConvertValue<double>(x[k]) *
             ::pow(LRNScale(x, base, j, g), -g.beta - 1);
    }
    double v = ConvertValue<double>(dy[i]) * ::pow(LRNScale(x, base, c, g), -g.beta) -
               2 * g.alpha * g.beta / g.nsize * ConvertValue<double>(x[i]) * acc;
    mop::Assign(dx + i, req, ConvertValue<T>(v));
  }
};

inline LRNGeometry MakeLRNGeometry(const LRNParam& p, const Shape& s) {
  int64_t inner = 1;
  for (int i = 2; i < s.ndim(); ++i) inner *= s[i];
  return {s[1], inner, p.nsize / 2, p.alpha, p.beta, p.knorm, p.nsize};
}

template <typename xpu>
void LRNForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  LRNGeometry g = MakeLRNGeometry(attrs.get<LRNParam>(), in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "LRN", {
    Kernel<xpu>::template Launch<LRNForwardMap>(ctx.run.stream, in[0].size(), in[0].ptr<T>(),
                                                out[0].ptr<T>(), static_cast<int>(req[0]), g);
  });
}

// _backward_LRN: inputs (output gradient, data), output the data gradient.
template <typename xpu>
void LRNBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  LRNGeometry g = MakeLRNGeometry(attrs.get<LRNParam>(), in[1].shape);
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "LRN backward", {
    Kernel<xpu>::template Launch<LRNBackwardMap>(ctx.run.stream, in[1].size(), in[0].ptr<T>(),
                                                 in[1].ptr<T>(), out[0].ptr<T>(),
                                                 static_cast<int>(req[0]), g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_LRN_INL_H_
