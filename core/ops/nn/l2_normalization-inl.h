// L2Normalization (MXNet's src/operator/l2_normalization): y = x / sqrt(sum(x^2) + eps) over
// each group: the whole sample (mode "instance"), the channels at each position ("channel"),
// or the positions of each channel ("spatial"). Data is seen as (N, C, S), S the product of
// the axes after 1. Gradient: dx = (dy - y sum(dy y)) / norm over the same group.
#ifndef TESSERA_CORE_OPS_NN_L2_NORMALIZATION_INL_H_
#define TESSERA_CORE_OPS_NN_L2_NORMALIZATION_INL_H_

#include <cmath>
#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct L2NormalizationParam {
  double eps;
  std::string mode;
  void Declare(ParamDeclarer* d) {
    d->Declare("eps", &eps, 1e-10).Describe("Added to the sum of squares, for stability.");
    d->Declare("mode", &mode, std::string("instance"))
        .Enum({"instance", "channel", "spatial"})
        .Describe("Which axes one norm covers.");
  }
};

// Group g's elements: base + k * stride for k < count, base = (g / inner) * outer + g % inner.
struct L2Groups {
  int64_t groups, inner, outer, count, stride;
};

inline L2Groups MakeL2Groups(const std::string& mode, const Shape& s) {
  int64_t n = s[0], c = s.ndim() > 1 ? s[1] : 1, sp = 1;
  for (int i = 2; i < s.ndim(); ++i) sp *= s[i];
  if (mode == "channel") return {n * sp, sp, c * sp, c, sp};
  if (mode == "spatial") return {n * c, 1, sp, sp, 1};
  return {n, 1, c * sp, c * sp, 1};  // instance
}

struct L2NormForward {
  template <typename T>
  MX_XINLINE static void Map(int64_t g, const T* x, T* y, int req, L2Groups q, double eps) {
    int64_t base = (g / q.inner) * q.outer + g % q.inner;
    double ss = 0;
    for (int64_t k = 0; k < q.count; ++k) {
      double v = ConvertValue<double>(x[base + k * q.stride]);
      ss += v * v;
    }
    double inv = 1.0 / ::sqrt(ss + eps);
    for (int64_t k = 0; k < q.count; ++k) {
      int64_t j = base + k * q.stride;
      mop::Assign(y + j, req, ConvertValue<T>(ConvertValue<double>(x[j]) * inv));
    }
  }
};

struct L2NormBackward {
  template <typename T>
  MX_XINLINE static void Map(int64_t g, const T* dy, const T* x, T* dx, int req, L2Groups q,
                             double eps) {
    int64_t base = (g / q.inner) * q.outer + g % q.inner;
    double ss = 0, dot = 0;
    for (int64_t k = 0; k < q.count; ++k) {
      int64_t j = base + k * q.stride;
      double v = ConvertValue<double>(x[j]);
      ss += v * v;
      dot += ConvertValue<double>(dy[j]) * v;
    }
    double norm = ::sqrt(ss + eps);
    dot /= norm;  // sum(dy * y)
    for (int64_t k = 0; k < q.count; ++k) {
      int64_t j = base + k * q.stride;
      double y = ConvertValue<double>(x[j]) / norm;
      double v = (ConvertValue<double>(dy[j]) - y * dot) / norm;
      mop::Assign(dx + j, req, ConvertValue<T>(v));
    }
  }
};

template <typename xpu>
void L2NormalizationForward(const OpAttrs& attrs, const OpContext& ctx,
                            const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                            const std::vector<TBlob>& out) {
  const auto& p = attrs.get<L2NormalizationParam>();
  L2Groups q = MakeL2Groups(p.mode, in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "L2Normalization", {
    Kernel<xpu>::template Launch<L2NormForward>(ctx.run.stream, q.groups, in[0].ptr<T>(),
                                                out[0].ptr<T>(), static_cast<int>(req[0]), q,
                                                p.eps);
  });
}

// _backward_L2Normalization: inputs (output gradient, data), output the data gradient.
template <typename xpu>
void L2NormalizationBackward(const OpAttrs& attrs, const OpContext& ctx,
                             const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                             const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const auto& p = attrs.get<L2NormalizationParam>();
  L2Groups q = MakeL2Groups(p.mode, in[1].shape);
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "L2Normalization backward", {
    Kernel<xpu>::template Launch<L2NormBackward>(ctx.run.stream, q.groups, in[0].ptr<T>(),
                                                 in[1].ptr<T>(), out[0].ptr<T>(),
                                                 static_cast<int>(req[0]), q, p.eps);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_L2_NORMALIZATION_INL_H_
