// LayerNorm (MXNet's src/operator/nn/layer_norm): data normalised over one axis, per position
// of the others: y = (x - mean) / std * gamma + beta, std = sqrt(var + eps); outputs (out, mean,
// std), mean and std of data's shape with the axis set to 1 (visible with output_mean_var).
// Gradient (xhat = (x - mean) / std, g = dy * gamma, means over the axis):
//   dx = (g - mean(g) - xhat * mean(g * xhat)) / std, dgamma = sum dy * xhat, dbeta = sum dy.
#ifndef TESSERA_CORE_OPS_NN_LAYER_NORM_INL_H_
#define TESSERA_CORE_OPS_NN_LAYER_NORM_INL_H_

#include <cmath>
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

// data viewed as (outer, channels, inner); row r = o * inner + p holds (o, :, p).
struct LayerNormGeometry {
  int64_t channels, inner;
  double eps;
};

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
      double out = (ConvertValue<double>(x[k]) - m) / s * ConvertValue<double>(gamma[c]) +
                   ConvertValue<double>(beta[c]);
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
      double gc = ConvertValue<double>(dy[k]) * ConvertValue<double>(gamma[c]);
      m1 += gc;
      m2 += gc * (ConvertValue<double>(x[k]) - m) / s;
    }
    m1 /= g.channels;
    m2 /= g.channels;
    for (int64_t c = 0; c < g.channels; ++c) {
      int64_t k = base + c * g.inner;
      double gc = ConvertValue<double>(dy[k]) * ConvertValue<double>(gamma[c]);
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

inline LayerNormGeometry MakeLayerNormGeometry(const LayerNormParam& p, const Shape& s,
                                               int64_t* rows) {
  int axis = s.CanonicalAxis(p.axis, "LayerNorm");
  LayerNormGeometry g{s[axis], s.ProdRange(axis + 1, s.ndim()), p.eps};
  *rows = s.Size() / (g.channels > 0 ? g.channels : 1);
  return g;
}

template <typename xpu>
void LayerNormForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  int64_t rows;
  LayerNormGeometry g = MakeLayerNormGeometry(attrs.get<LayerNormParam>(), in[0].shape, &rows);
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
  LayerNormGeometry g = MakeLayerNormGeometry(attrs.get<LayerNormParam>(), in[1].shape, &rows);
  if (in[1].size() == 0) return;
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "LayerNorm backward", {
    if (req[0] != OpReq::kNull)
      Kernel<xpu>::template Launch<LayerNormDataGradMap>(
          ctx.run.stream, rows, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(), in[3].ptr<T>(),
          in[4].ptr<T>(), out[0].ptr<T>(), static_cast<int>(req[0]), g);
    if (req[1] != OpReq::kNull || req[2] != OpReq::kNull)
      Kernel<xpu>::template Launch<LayerNormParamGradMap>(
          ctx.run.stream, g.channels, in[0].ptr<T>(), in[1].ptr<T>(), in[3].ptr<T>(),
          in[4].ptr<T>(), out[1].ptr<T>(), out[2].ptr<T>(), static_cast<int>(req[1]),
          static_cast<int>(req[2]), rows, g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_LAYER_NORM_INL_H_
