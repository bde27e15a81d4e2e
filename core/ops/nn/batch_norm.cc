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

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/nn/batch_norm-inl.h"

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

template <typename T>
void Forward(const BatchNormParam& p, bool train, BnView v, const T* x, const T* gamma,
             const T* beta, T* mm, T* mv, T* y, T* mean_out, T* invstd_out, int req) {
  bool batch_stats = train && !p.use_global_stats;
  int64_t m = v.outer * v.inner;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (v.c > 1 && m * v.c > 16384)
  for (int64_t c = 0; c < v.c; ++c) {
    double mean, var;
    if (batch_stats) {
      double s = 0, s2 = 0;
      for (int64_t o = 0; o < v.outer; ++o)
        for (int64_t i = 0; i < v.inner; ++i)
          s += ConvertValue<double>(x[(o * v.c + c) * v.inner + i]);
      mean = s / m;
      for (int64_t o = 0; o < v.outer; ++o)
        for (int64_t i = 0; i < v.inner; ++i) {
          double d = ConvertValue<double>(x[(o * v.c + c) * v.inner + i]) - mean;
          s2 += d * d;
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
    for (int64_t o = 0; o < v.outer; ++o)
      for (int64_t i = 0; i < v.inner; ++i) {
        int64_t k = (o * v.c + c) * v.inner + i;
        mop::Assign(y + k, req,
                    ConvertValue<T>((ConvertValue<double>(x[k]) - mean) * invstd * g + b));
      }
  }
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
void Backward(const BatchNormParam& p, BnView v, const T* dy, const T* x, const T* gamma,
              const T* mean, const T* invstd, T* dx, T* dgamma, T* dbeta,
              const std::vector<OpReq>& req) {
  int64_t m = v.outer * v.inner;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (v.c > 1 && m * v.c > 16384)
  for (int64_t c = 0; c < v.c; ++c) {
    double mu = ConvertValue<double>(mean[c]), is = ConvertValue<double>(invstd[c]);
    double g = p.fix_gamma ? 1.0 : ConvertValue<double>(gamma[c]);
    double sum_dy = 0, sum_dy_xhat = 0;
    for (int64_t o = 0; o < v.outer; ++o)
      for (int64_t i = 0; i < v.inner; ++i) {
        int64_t k = (o * v.c + c) * v.inner + i;
        double d = ConvertValue<double>(dy[k]);
        sum_dy += d;
        sum_dy_xhat += d * (ConvertValue<double>(x[k]) - mu) * is;
      }
    if (dx && req[0] != OpReq::kNull) {
      for (int64_t o = 0; o < v.outer; ++o)
        for (int64_t i = 0; i < v.inner; ++i) {
          int64_t k = (o * v.c + c) * v.inner + i;
          double d = ConvertValue<double>(dy[k]);
          double r;
          if (p.use_global_stats) {
            r = g * is * d;
          } else {
            double xhat = (ConvertValue<double>(x[k]) - mu) * is;
            r = g * is / m * (m * d - sum_dy - xhat * sum_dy_xhat);
          }
          mop::Assign(dx + k, static_cast<int>(req[0]), ConvertValue<T>(r));
        }
    }
    if (req[1] != OpReq::kNull)
      mop::Assign(dgamma + c, static_cast<int>(req[1]),
                  ConvertValue<T>(p.fix_gamma ? 0.0 : sum_dy_xhat));
    if (req[2] != OpReq::kNull)
      mop::Assign(dbeta + c, static_cast<int>(req[2]), ConvertValue<T>(sum_dy));
  }
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
    .Compute(DeviceType::kCPU, BatchNormForward)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> g =
          ctx->Op("_backward_BatchNorm",
                  {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1), ctx->Output(1), ctx->Output(2)},
                  attrs.dict);
      return std::vector<GradEntry>{g[0], g[1], g[2], GradEntry(), GradEntry()};
    });

MX_REGISTER_OP(_backward_BatchNorm)
    .Describe("Gradient of BatchNorm: inputs (ograd, data, gamma, mean, invstd).")
    .Params<BatchNormParam>()
    .NumInputs(5)
    .InputNames({"ograd", "data", "gamma", "mean", "invstd"})
    .NumOutputs(3)
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[1].ndim() == 0 || (*in)[2].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
      AssignShape(&(*out)[1], (*in)[2], attrs, "gamma gradient");
      AssignShape(&(*out)[2], (*in)[2], attrs, "beta gradient");
      return true;
    })
    .InferType(SameTypeInferType)
    .InplaceOption({{0, 0}})  // per channel: sums over ograd first, then dx element by element
    .Compute(DeviceType::kCPU, BatchNormBackward);

}  // namespace
}  // namespace mx
