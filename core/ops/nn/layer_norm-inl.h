// LayerNorm (MXNet's src/operator/nn/layer_norm): data normalised over one axis, per position
// of the others: y = (x - mean) / std * gamma + beta, std = sqrt(var + eps); outputs (out, mean,
// std), mean and std of data's shape with the axis set to 1 (visible with output_mean_var).
// Gradient (xhat = (x - mean) / std, g = dy * gamma, means over the axis):
//   dx = (g - mean(g) - xhat * mean(g * xhat)) / std, dgamma = sum dy * xhat, dbeta = sum dy.
// InstanceNorm (MXNet's src/operator/instance_norm) is the same per row of (N * C, spatial),
// with gamma and beta per channel C of the row instead of per position along the axis;
// GroupNorm (MXNet 1.9's src/operator/nn/group_norm) per row of (N * G, C / G * spatial), with
// gamma and beta per group G (their shape in MXNet 1.9 is (num_groups,)).
#ifndef TESSERA_CORE_OPS_NN_LAYER_NORM_INL_H_
#define TESSERA_CORE_OPS_NN_LAYER_NORM_INL_H_

#include <cmath>
#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct LayerNormParam {
  int axis;
  double eps;
  bool output_mean_var;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, -1).Describe("The axis to normalise over.");
    d->Declare("eps", &eps, 1e-5).Describe("Added to the variance.");
    d->Declare("output_mean_var", &output_mean_var, false)
        .Describe("Also return the mean and the std.");
  }
};

struct InstanceNormParam {
  double eps;
  void Declare(ParamDeclarer* d) { d->Declare("eps", &eps, 1e-3).Describe("Added to the variance."); }
};

struct GroupNormParam {
  int num_groups;
  double eps;
  bool output_mean_var;
  void Declare(ParamDeclarer* d) {
    d->Declare("num_groups", &num_groups, 1).Describe("Groups the channels are split into.");
    d->Declare("eps", &eps, 1e-5).Describe("Added to the variance.");
    d->Declare("output_mean_var", &output_mean_var, false)
        .Describe("Also return the mean and the std.");
  }
};

// data viewed as (outer, channels, inner); row r = o * inner + p holds (o, :, p). With
// row_gamma > 0 (InstanceNorm) row r uses gamma[r % row_gamma] for all its elements.
struct LayerNormGeometry {
  int64_t channels, inner;
  double eps;
  int64_t row_gamma;
};

// The gamma (or beta) index of element c of row r.
MX_XINLINE int64_t GammaIndex(int64_t r, int64_t c, const LayerNormGeometry& g) {
  return g.row_gamma > 0 ? r % g.row_gamma : c;
}

MX_XINLINE int64_t LayerNormBase(int64_t r, const LayerNormGeometry& g) {
  return (r / g.inner) * g.channels * g.inner + r % g.inner;
}

struct LayerNormForwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t r, const T* x, const T* gamma, const T* beta, T* y, T* mean,
                             T* std_out, int req, LayerNormGeometry g) {
    int64_t base = LayerNormBase(r, g);
    double m = 0, v = 0;
    for (int64_t c = 0; c < g.channels; ++c) m += ConvertValue<double>(x[base + c * g.inner]);
    m /= g.channels;
    for (int64_t c = 0; c < g.channels; ++c) {
      double d = ConvertValue<double>(x[base + c * g.inner]) - m;
      v += d * d;
    }
    double s = ::sqrt(v / g.channels + g.eps);
    for (int64_t c = 0; c < g.channels; ++c) {
      int64_t k = base + c * g.inner;
      int64_t gi = GammaIndex(r, c, g);
      double out = (ConvertValue<double>(x[k]) - m) / s * ConvertValue<double>(gamma[gi]) +
                   ConvertValue<double>(beta[gi]);
      mop::Assign(y + k, req, ConvertValue<T>(out));
    }
    mean[r] = ConvertValue<T>(m);
    std_out[r] = ConvertValue<T>(s);
  }
};

struct LayerNormDataGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t r, const T* dy, const T* x, const T* gamma, const T* mean,
                             const T* std_in, T* dx, int req, LayerNormGeometry g) {
    int64_t base = LayerNormBase(r, g);
    double m = ConvertValue<double>(mean[r]), s = ConvertValue<double>(std_in[r]);
    double m1 = 0, m2 = 0;
    for (int64_t c = 0; c < g.channels; ++c) {
      int64_t k = base + c * g.inner;
      double gc = ConvertValue<double>(dy[k]) * ConvertValue<double>(gamma[GammaIndex(r, c, g)]);
      m1 += gc;
      m2 += gc * (ConvertValue<double>(x[k]) - m) / s;
    }
    m1 /= g.channels;
    m2 /= g.channels;
    for (int64_t c = 0; c < g.channels; ++c) {
      int64_t k = base + c * g.inner;
      double gc = ConvertValue<double>(dy[k]) * ConvertValue<double>(gamma[GammaIndex(r, c, g)]);
      double xhat = (ConvertValue<double>(x[k]) - m) / s;
      mop::Assign(dx + k, req, ConvertValue<T>((gc - m1 - xhat * m2) / s));
    }
  }
};

// Channel c: dgamma and dbeta summed over the rows in order (deterministic).
struct LayerNormParamGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t c, const T* dy, const T* x, const T* mean, const T* std_in,
                             T* dgamma, T* dbeta, int req_gamma, int req_beta, int64_t rows,
                             LayerNormGeometry g) {
    double sg = 0, sb = 0;
    for (int64_t r = 0; r < rows; ++r) {
      int64_t k = LayerNormBase(r, g) + c * g.inner;
      double d = ConvertValue<double>(dy[k]);
      sg += d * (ConvertValue<double>(x[k]) - ConvertValue<double>(mean[r])) /
            ConvertValue<double>(std_in[r]);
      sb += d;
    }
    if (req_gamma) mop::Assign(dgamma + c, req_gamma, ConvertValue<T>(sg));
    if (req_beta) mop::Assign(dbeta + c, req_beta, ConvertValue<T>(sb));
  }
};

// InstanceNorm's channel (GroupNorm's group) c: dgamma and dbeta summed over the rows
// n * row_gamma + c.
struct InstanceNormParamGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t c, const T* dy, const T* x, const T* mean, const T* std_in,
                             T* dgamma, T* dbeta, int req_gamma, int req_beta, int64_t rows,
                             LayerNormGeometry g) {
    double sg = 0, sb = 0;
    for (int64_t r = c; r < rows; r += g.row_gamma) {
      double m = ConvertValue<double>(mean[r]), s = ConvertValue<double>(std_in[r]);
      for (int64_t e = 0; e < g.channels; ++e) {
        double d = ConvertValue<double>(dy[r * g.channels + e]);
        sg += d * (ConvertValue<double>(x[r * g.channels + e]) - m) / s;
        sb += d;
      }
    }
    if (req_gamma) mop::Assign(dgamma + c, req_gamma, ConvertValue<T>(sg));
    if (req_beta) mop::Assign(dbeta + c, req_beta, ConvertValue<T>(sb));
  }
};

inline LayerNormGeometry MakeLayerNormGeometry(const OpAttrs& attrs, const Shape& s,
                                               int64_t* rows) {
  if (attrs.op->name().find("InstanceNorm") != std::string::npos) {  // rows (N * C, spatial)
    int64_t spatial = s.ProdRange(2, s.ndim());
    LayerNormGeometry g{spatial, 1, attrs.get<InstanceNormParam>().eps, s[1]};
    *rows = s[0] * s[1];
    return g;
  }
  if (attrs.op->name().find("GroupNorm") != std::string::npos) {  // rows (N * G, C / G * ...)
    const auto& p = attrs.get<GroupNormParam>();
    int64_t groups = p.num_groups;
    LayerNormGeometry g{s.Size() / (s[0] * groups), 1, p.eps, groups};
    *rows = s[0] * groups;
    return g;
  }
  const auto& p = attrs.get<LayerNormParam>();
  int axis = s.CanonicalAxis(p.axis, "LayerNorm");
  LayerNormGeometry g{s[axis], s.ProdRange(axis + 1, s.ndim()), p.eps, 0};
  *rows = s.Size() / (g.channels > 0 ? g.channels : 1);
  return g;
}

template <typename xpu>
void LayerNormForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  int64_t rows;
  LayerNormGeometry g = MakeLayerNormGeometry(attrs, in[0].shape, &rows);
  if (in[0].size() == 0) return;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "LayerNorm", {
    Kernel<xpu>::template Launch<LayerNormForwardMap>(
        ctx.run.stream, rows, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(), out[0].ptr<T>(),
        out[1].ptr<T>(), out[2].ptr<T>(), static_cast<int>(req[0]), g);
  });
}

// _backward_LayerNorm: inputs (ograd, data, gamma, mean, std); outputs (dx, dgamma, dbeta).
template <typename xpu>
void LayerNormBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  int64_t rows;
  LayerNormGeometry g = MakeLayerNormGeometry(attrs, in[1].shape, &rows);
  if (in[1].size() == 0) return;
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "LayerNorm backward", {
    if (req[0] != OpReq::kNull)
      Kernel<xpu>::template Launch<LayerNormDataGradMap>(
          ctx.run.stream, rows, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(), in[3].ptr<T>(),
          in[4].ptr<T>(), out[0].ptr<T>(), static_cast<int>(req[0]), g);
    if ((req[1] != OpReq::kNull || req[2] != OpReq::kNull) && g.row_gamma > 0)
      Kernel<xpu>::template Launch<InstanceNormParamGradMap>(
          ctx.run.stream, g.row_gamma, in[0].ptr<T>(), in[1].ptr<T>(), in[3].ptr<T>(),
          in[4].ptr<T>(), out[1].ptr<T>(), out[2].ptr<T>(), static_cast<int>(req[1]),
          static_cast<int>(req[2]), rows, g);
    else if (req[1] != OpReq::kNull || req[2] != OpReq::kNull)
      Kernel<xpu>::template Launch<LayerNormParamGradMap>(
          ctx.run.stream, g.channels, in[0].ptr<T>(), in[1].ptr<T>(), in[3].ptr<T>(),
          in[4].ptr<T>(), out[1].ptr<T>(), out[2].ptr<T>(), static_cast<int>(req[1]),
          static_cast<int>(req[2]), rows, g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_LAYER_NORM_INL_H_
