// Loss-head kernels for both devices (loss_ops.cc registers CPU, loss_ops.cu GPU); the
// semantics are documented in loss_ops.cc.
#ifndef TESSERA_CORE_OPS_NN_LOSS_OPS_INL_H_
#define TESSERA_CORE_OPS_NN_LOSS_OPS_INL_H_

#include <math.h>

#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

struct RegressionParam {
  double grad_scale;
  void Declare(ParamDeclarer* d) {
    d->Declare("grad_scale", &grad_scale, 1.0).Describe("Scales the gradient.");
  }
};

struct MakeLossParam {
  double grad_scale, valid_thresh;
  std::string normalization;
  void Declare(ParamDeclarer* d) {
    d->Declare("grad_scale", &grad_scale, 1.0).Describe("The gradient.");
    d->Declare("valid_thresh", &valid_thresh, 0.0).Describe("For normalization=valid.");
    d->Declare("normalization", &normalization, std::string("null"))
        .Enum({"null", "batch", "valid"})
        .Describe("Divide the gradient by 1, the batch size, or the valid count.");
  }
};

enum Kind { kLinear, kLogistic, kMae };

inline Kind KindOf(const OpAttrs& a) {
  const std::string& n = a.op->name();
  if (n.find("Logistic") != std::string::npos) return kLogistic;
  if (n.find("MAE") != std::string::npos) return kMae;
  return kLinear;
}

struct RegressionFwdMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, T* y, int req, bool logistic) {
    double v = ConvertValue<double>(x[i]);
    mop::Assign(y + i, req, ConvertValue<T>(logistic ? 1 / (1 + exp(-v)) : v));
  }
};

template <typename L>
struct RegressionBwdMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* y, const L* label, T* dx, int req, bool mae,
                             double scale) {
    double d = ConvertValue<double>(y[i]) - ConvertValue<double>(label[i]);
    if (mae) d = d > 0 ? 1 : (d < 0 ? -1 : 0);
    mop::Assign(dx + i, req, ConvertValue<T>(d * scale));
  }
};

// MakeLoss's gradient; normalization 2 (valid) counts elements > thresh in each thread, so it
// is meant for loss-sized arrays.
struct MakeLossBwdMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, T* dx, int req, double grad_scale, int norm,
                             int64_t batch, double thresh, int64_t n) {
    double div = 1;
    if (norm == 1) div = static_cast<double>(batch);
    if (norm == 2) {
      int64_t valid = 0;
      for (int64_t k = 0; k < n; ++k) valid += ConvertValue<double>(x[k]) > thresh;
      div = static_cast<double>(valid > 0 ? valid : 1);
    }
    mop::Assign(dx + i, req, ConvertValue<T>(grad_scale / div));
  }
};

template <typename xpu>
void RegressionForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  bool logistic = KindOf(attrs) == kLogistic;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, attrs.op->name().c_str(), {
    Kernel<xpu>::template Launch<RegressionFwdMap>(ctx.run.stream, in[0].size(), in[0].ptr<T>(),
                                                   out[0].ptr<T>(), static_cast<int>(req[0]),
                                                   logistic);
  });
}

// Inputs (output, label).
template <typename xpu>
void RegressionBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  double m = static_cast<double>(in[1].size() / in[1].shape[0]);
  double scale = attrs.get<RegressionParam>().grad_scale / m;
  bool mae = KindOf(attrs) == kMae;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, attrs.op->name().c_str(), {
    MX_TYPE_SWITCH_ARITH(in[1].dtype, L, "label", {
      Kernel<xpu>::template Launch<RegressionBwdMap<L>>(
          ctx.run.stream, in[0].size(), in[0].ptr<T>(), in[1].ptr<L>(), out[0].ptr<T>(),
          static_cast<int>(req[0]), mae, scale);
    });
  });
}

template <typename xpu>
void MakeLossBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<MakeLossParam>();
  int norm = p.normalization == "batch" ? 1 : (p.normalization == "valid" ? 2 : 0);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "MakeLoss backward", {
    Kernel<xpu>::template Launch<MakeLossBwdMap>(
        ctx.run.stream, in[0].size(), in[0].ptr<T>(), out[0].ptr<T>(), static_cast<int>(req[0]),
        p.grad_scale, norm, in[0].shape[0], p.valid_thresh, in[0].size());
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_LOSS_OPS_INL_H_
