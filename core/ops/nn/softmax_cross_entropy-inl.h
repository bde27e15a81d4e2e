// softmax_cross_entropy (MXNet's loss_binary_op): data (N, classes) and label (N,) give one
// value, sum over rows of -log(max(softmax(data[i])[label[i]], 1e-8)). Each row's loss goes to
// a workspace and the rows are summed in order (the same bits on both devices, every run).
// A label outside [0, classes) gives NaN. Gradient for data (_backward_softmax_cross_entropy,
// inputs (ograd, data, label)): ograd * (softmax(data[i]) - one_hot(label[i])), as MXNet
// (which ignores the 1e-8 floor there); the label gets none.
#ifndef TESSERA_CORE_OPS_NN_SOFTMAX_CROSS_ENTROPY_INL_H_
#define TESSERA_CORE_OPS_NN_SOFTMAX_CROSS_ENTROPY_INL_H_

#include <math.h>

#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/workspace.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

// Row i's max and log of the sum of exp(x - max).
template <typename T>
MX_XINLINE void RowLogSumExp(const T* x, int64_t m, double* top, double* log_sum) {
  double t = ConvertValue<double>(x[0]);
  for (int64_t j = 1; j < m; ++j) {
    double v = ConvertValue<double>(x[j]);
    if (v > t) t = v;
  }
  double s = 0;
  for (int64_t j = 0; j < m; ++j) s += mop::math::exp(ConvertValue<double>(x[j]) - t);
  *top = t;
  *log_sum = mop::math::log(s);
}

// The class a label names, or -1 outside [0, m).
template <typename L>
MX_XINLINE int64_t LabelClass(L label, int64_t m) {
  double v = ConvertValue<double>(label);
  return v >= 0 && v < static_cast<double>(m) ? static_cast<int64_t>(v) : -1;
}

struct SoftmaxCERowMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, const T* label, double* loss, int64_t m) {
    const T* row = x + i * m;
    int64_t c = LabelClass(label[i], m);
    if (c < 0) {
      loss[i] = static_cast<double>(NAN);
      return;
    }
    double top, log_sum;
    RowLogSumExp(row, m, &top, &log_sum);
    double p = mop::math::exp(ConvertValue<double>(row[c]) - top - log_sum);
    loss[i] = -mop::math::log(p > 1e-8 ? p : 1e-8);
  }
};

struct SoftmaxCESumMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t, const double* loss, int64_t n, T* out, int req) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += loss[i];
    mop::Assign(out, req, ConvertValue<T>(s));
  }
};

struct SoftmaxCEGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, const T* x, const T* label, T* dx, int req,
                             int64_t m) {
    const T* row = x + i * m;
    int64_t c = LabelClass(label[i], m);
    double top, log_sum, scale = ConvertValue<double>(og[0]);
    RowLogSumExp(row, m, &top, &log_sum);
    for (int64_t j = 0; j < m; ++j) {
      double g = c < 0 ? static_cast<double>(NAN)
                       : mop::math::exp(ConvertValue<double>(row[j]) - top - log_sum) -
                             (j == c ? 1.0 : 0.0);
      mop::Assign(dx + i * m + j, req, ConvertValue<T>(scale * g));
    }
  }
};

template <typename xpu>
void SoftmaxCEForward(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  int64_t n = in[0].shape[0], m = in[0].shape[1];
  double* loss = TypedWorkspace<double, xpu>(n > 0 ? n : 1, WorkspaceSlot::kLoss);
  int r = static_cast<int>(req[0] == OpReq::kAddTo ? OpReq::kAddTo : OpReq::kWrite);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "softmax_cross_entropy", {
    Kernel<xpu>::template Launch<SoftmaxCERowMap>(ctx.run.stream, n, in[0].ptr<T>(),
                                                  in[1].ptr<T>(), loss, m);
    const double* rows = loss;
    Kernel<xpu>::template Launch<SoftmaxCESumMap>(ctx.run.stream, 1, rows, n, out[0].ptr<T>(), r);
  });
}

// Inputs (ograd, data, label).
template <typename xpu>
void SoftmaxCEBackward(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  int64_t n = in[1].shape[0], m = in[1].shape[1];
  int r = static_cast<int>(req[0] == OpReq::kAddTo ? OpReq::kAddTo : OpReq::kWrite);
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "softmax_cross_entropy backward", {
    Kernel<xpu>::template Launch<SoftmaxCEGradMap>(ctx.run.stream, n, in[0].ptr<T>(),
                                                   in[1].ptr<T>(), in[2].ptr<T>(),
                                                   out[0].ptr<T>(), r, m);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_SOFTMAX_CROSS_ENTROPY_INL_H_
