// BatchNorm (MXNet parameters; axis is the channel axis, default 1). Inputs data, gamma, beta,
// moving_mean, moving_var (the last two are auxiliary states the operator writes). Outputs:
// out, and two hidden outputs saved for backward: the mean used and its inverse standard
// deviation 1/sqrt(var + eps) (MXNet's CPU layout); output_mean_var makes them visible.
// Training (is_train and not use_global_stats): batch mean and biased variance over every axis
// but `axis`; the moving statistics are updated in the FORWARD pass,
// moving = moving * momentum + batch * (1 - momentum) (as cuDNN and PyTorch; MXNet's own CPU
// kernel does it in backward). Otherwise the moving statistics are used and not changed.
// fix_gamma treats gamma as 1 (its gradient is 0); Tessera does not overwrite the gamma array.
// Backward (_backward_BatchNorm, inputs ograd, data, gamma, mean, invstd):
//   batch statistics: dx = g * invstd / M * (M dy - sum(dy) - xhat sum(dy xhat));
//   global statistics: dx = g * invstd * dy;   dgamma = sum(dy xhat); dbeta = sum(dy).
#include <cmath>

#include "core/base/cpu_clones.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/nn/batch_norm-inl.h"
#include "core/ops/nn/data_gradient.h"

namespace mx {
namespace {

bool BatchNormShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (data.ndim() == 0) return false;
  BnView v = BnViewOf(attrs.get<BatchNormParam>(), data);
  for (int i = 1; i < 5; ++i) {
    static const char* names[] = {"", "gamma", "beta", "moving_mean", "moving_var"};
    AssignShape(&(*in)[i], Shape{v.c}, attrs, names[i]);
  }
  AssignShape(&(*out)[0], data, attrs, "the output");
  AssignShape(&(*out)[1], Shape{v.c}, attrs, "mean");
  AssignShape(&(*out)[2], Shape{v.c}, attrs, "invstd");
  return true;
}

// Sum of f(i) for i < n in double, kept in 8 interleaved partial sums so that the loop
// vectorizes (a single running sum is a dependency chain GCC must not reorder).
template <typename F>
MX_XINLINE double LaneSum(int64_t n, F f) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) acc[j] += f(i + j);
  double tail = 0;
  for (; i < n; ++i) tail += f(i);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

// Channel c's rows: row o starts at x + (o * v.c + c) * v.inner (inputs and outputs alike).
template <typename P>
MX_XINLINE P Row(P x, BnView v, int64_t o, int64_t c) {
  return x + (o * v.c + c) * v.inner;
}

template <typename T>
MX_CPU_CLONES void ForwardChannel(const BatchNormParam& p, bool batch_stats, BnView v, int64_t c,
                                  const T* x, const T* gamma, const T* beta, T* mm, T* mv, T* y,
                                  T* mean_out, T* invstd_out, int req) {
  int64_t m = v.outer * v.inner;
  double mean, var;
  if (batch_stats) {
    double s = 0, s2 = 0;
    for (int64_t o = 0; o < v.outer; ++o) {
      const T* r = Row(x, v, o, c);
      s += LaneSum(v.inner, [r](int64_t i) { return ConvertValue<double>(r[i]); });
    }
    mean = s / m;
    for (int64_t o = 0; o < v.outer; ++o) {
      const T* r = Row(x, v, o, c);
      s2 += LaneSum(v.inner, [r, mean](int64_t i) {
        double d = ConvertValue<double>(r[i]) - mean;
        return d * d;
      });
    }
    var = s2 / m;
    mm[c] = ConvertValue<T>(ConvertValue<double>(mm[c]) * p.momentum + mean * (1 - p.momentum));
    mv[c] = ConvertValue<T>(ConvertValue<double>(mv[c]) * p.momentum + var * (1 - p.momentum));
  } else {
    mean = ConvertValue<double>(mm[c]);
    var = ConvertValue<double>(mv[c]);
  }
  double invstd = 1.0 / std::sqrt(var + p.eps);
  double g = p.fix_gamma ? 1.0 : ConvertValue<double>(gamma[c]);
  double b = ConvertValue<double>(beta[c]);
  mean_out[c] = ConvertValue<T>(mean);
  invstd_out[c] = ConvertValue<T>(invstd);
  for (int64_t o = 0; o < v.outer; ++o) {
    const T* r = Row(x, v, o, c);
    T* out = Row(y, v, o, c);
    auto at = [&](int64_t i) {
      return ConvertValue<T>((ConvertValue<double>(r[i]) - mean) * invstd * g + b);
    };
    if (req == static_cast<int>(OpReq::kAddTo)) {
      for (int64_t i = 0; i < v.inner; ++i) mop::Assign(out + i, req, at(i));
    } else if (req != static_cast<int>(OpReq::kNull)) {
      for (int64_t i = 0; i < v.inner; ++i) out[i] = at(i);
    }
  }
}

template <typename T>
void Forward(const BatchNormParam& p, bool train, BnView v, const T* x, const T* gamma,
             const T* beta, T* mm, T* mv, T* y, T* mean_out, T* invstd_out, int req) {
  bool batch_stats = train && !p.use_global_stats;
  int64_t m = v.outer * v.inner;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (v.c > 1 && m * v.c > 16384)
  for (int64_t c = 0; c < v.c; ++c)
    ForwardChannel(p, batch_stats, v, c, x, gamma, beta, mm, mv, y, mean_out, invstd_out, req);
}

void BatchNormForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<BatchNormParam>();
  BnView v = BnViewOf(p, in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "BatchNorm", {
    Forward(p, ctx.is_train, v, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(), in[3].ptr<T>(),
            in[4].ptr<T>(), out[0].ptr<T>(), out[1].ptr<T>(), out[2].ptr<T>(),
            static_cast<int>(req[0]));
  });
}

template <typename T>
MX_CPU_CLONES void BackwardChannel(const BatchNormParam& p, BnView v, int64_t c, const T* dy,
                                   const T* x, const T* gamma, const T* mean, const T* invstd,
                                   T* dx, T* dgamma, T* dbeta, const std::vector<OpReq>& req) {
  int64_t m = v.outer * v.inner;
  double mu = ConvertValue<double>(mean[c]), is = ConvertValue<double>(invstd[c]);
  double g = p.fix_gamma ? 1.0 : ConvertValue<double>(gamma[c]);
  double sum_dy = 0, sum_dy_xhat = 0;
  for (int64_t o = 0; o < v.outer; ++o) {
    const T* d = Row(dy, v, o, c);
    const T* r = Row(x, v, o, c);
    sum_dy += LaneSum(v.inner, [d](int64_t i) { return ConvertValue<double>(d[i]); });
    sum_dy_xhat += LaneSum(v.inner, [d, r, mu](int64_t i) {
      return ConvertValue<double>(d[i]) * (ConvertValue<double>(r[i]) - mu);
    });
  }
  sum_dy_xhat *= is;
  if (dx && req[0] != OpReq::kNull) {
    // batch statistics: dx = g is / m (m dy - sum_dy - xhat sum_dy_xhat);
    // global statistics: dx = g is dy.
    bool global = p.use_global_stats;
    double k = global ? g * is : g * is / m, dm = static_cast<double>(m), xk = is * sum_dy_xhat;
    int rq = static_cast<int>(req[0]);
    for (int64_t o = 0; o < v.outer; ++o) {
      const T* d = Row(dy, v, o, c);
      const T* r = Row(x, v, o, c);
      T* out = Row(dx, v, o, c);
      auto at = [&](int64_t i) {
        double di = ConvertValue<double>(d[i]);
        return ConvertValue<T>(
            global ? k * di : k * (dm * di - sum_dy - (ConvertValue<double>(r[i]) - mu) * xk));
      };
      if (rq == static_cast<int>(OpReq::kAddTo)) {
        for (int64_t i = 0; i < v.inner; ++i) mop::Assign(out + i, rq, at(i));
      } else {
        for (int64_t i = 0; i < v.inner; ++i) out[i] = at(i);
      }
    }
  }
  if (req[1] != OpReq::kNull)
    mop::Assign(dgamma + c, static_cast<int>(req[1]),
                ConvertValue<T>(p.fix_gamma ? 0.0 : sum_dy_xhat));
  if (req[2] != OpReq::kNull)
    mop::Assign(dbeta + c, static_cast<int>(req[2]), ConvertValue<T>(sum_dy));
}

template <typename T>
void Backward(const BatchNormParam& p, BnView v, const T* dy, const T* x, const T* gamma,
              const T* mean, const T* invstd, T* dx, T* dgamma, T* dbeta,
              const std::vector<OpReq>& req) {
  int64_t m = v.outer * v.inner;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (v.c > 1 && m * v.c > 16384)
  for (int64_t c = 0; c < v.c; ++c)
    BackwardChannel(p, v, c, dy, x, gamma, mean, invstd, dx, dgamma, dbeta, req);
}

void BatchNormBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<BatchNormParam>();
  BnView v = BnViewOf(p, in[1].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "BatchNorm backward", {
    Backward(p, v, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(), in[3].ptr<T>(), in[4].ptr<T>(),
             out[0].ptr<T>(), out[1].ptr<T>(), out[2].ptr<T>(), req);
  });
}

MX_REGISTER_OP(BatchNorm)
    .Describe("Batch normalization (see batch_norm.cc for when moving statistics change).")
    .Params<BatchNormParam>()
    .NumInputs(5)
    .InputNames({"data", "gamma", "beta", "moving_mean", "moving_var"})
    .MutateInputs({3, 4})
    .NumOutputs(3)
    .OutputNames({"output", "mean", "var"})
    .InputInit(3, "[\"zero\", {}]")
    .InputInit(4, "[\"one\", {}]")
    .NumVisibleOutputs([](const OpAttrs& a) {
      return a.get<BatchNormParam>().output_mean_var ? 3 : 1;
    })
    .InferShape(BatchNormShape)
    .InferType(SameTypeInferType)
    .InplaceOption({{0, 0}})  // statistics are taken per channel before that channel is written
    // The moving statistics (not the batch's) make samples independent; a channel axis of 0
    // (or one counted from the end) might be the batch axis.
    .BatchInputs([](const OpAttrs& a, bool is_train) {
      const auto& p = a.get<BatchNormParam>();
      bool global = !is_train || p.use_global_stats;
      return global && p.axis > 0 ? std::vector<int>{0} : std::vector<int>{};
    })
    .Compute(DeviceType::kCPU, BatchNormForward)
    .Gradient(NormalizationGradient("BatchNorm"));

[[maybe_unused]] OpDef& backward_registration =
    RegisterNormalizationBackward<BatchNormParam>("BatchNorm", "invstd")
        .InplaceOption({{0, 0}})  // per channel: sums over ograd first, then dx element by element
        .Compute(DeviceType::kCPU, BatchNormBackward);

}  // namespace
}  // namespace mx
