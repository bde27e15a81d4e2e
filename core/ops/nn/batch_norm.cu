// GPU kernels of BatchNorm (semantics and registrations in batch_norm.cc). Per-channel
// statistics are deterministic two-stage sums in double (channel_reduce.cuh); the forward pass
// sums x, then the squared deviations from the mean, finalizes the statistics per channel, and
// writes the output element-wise; the backward pass sums dy and dy * xhat, then writes dx.
// Every read of a channel's statistics input happens in a kernel before the one that writes the
// output, so in-place use is safe as on the CPU. These are CUDA kernels rather than cuDNN's
// batch norm because cuDNN updates the moving variance with the unbiased batch variance, where
// Tessera (like MXNet's CPU kernel) uses the biased one: the same numbers on both devices.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/batch_norm-inl.h"
#include "core/ops/nn/channel_reduce.cuh"

namespace mx {
namespace {

template <typename T>
struct SquaredDeviation {
  const T* x;
  const double* sum;
  double count;
  __device__ double operator()(int64_t c, int64_t k) const {
    double d = ConvertValue<double>(x[k]) - sum[c] / count;
    return d * d;
  }
};

// Per channel: the mean and 1/sqrt(var + eps) used (from the batch sums, or the moving
// statistics), the moving statistics' update, the hidden outputs. `mean` and `invstd` (double)
// come in holding the batch sums of x and of squared deviations and leave holding the results.
struct BnStatsMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t c, double* mean, double* invstd, T* mm, T* mv, T* mean_out,
                             T* invstd_out, bool batch_stats, double count, double eps,
                             double momentum) {
    double mu, var;
    if (batch_stats) {
      mu = mean[c] / count;
      var = invstd[c] / count;
      mm[c] = ConvertValue<T>(ConvertValue<double>(mm[c]) * momentum + mu * (1 - momentum));
      mv[c] = ConvertValue<T>(ConvertValue<double>(mv[c]) * momentum + var * (1 - momentum));
    } else {
      mu = ConvertValue<double>(mm[c]);
      var = ConvertValue<double>(mv[c]);
    }
    mean[c] = mu;
    invstd[c] = 1.0 / sqrt(var + eps);
    mean_out[c] = ConvertValue<T>(mu);
    invstd_out[c] = ConvertValue<T>(invstd[c]);
  }
};

struct BnNormalizeMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t k, const T* x, const T* gamma, const T* beta,
                             const double* mean, const double* invstd, T* y, ChannelView v,
                             bool fix_gamma, int req) {
    int64_t c = v.channel(k);
    double g = fix_gamma ? 1.0 : ConvertValue<double>(gamma[c]);
    double r =
        (ConvertValue<double>(x[k]) - mean[c]) * invstd[c] * g + ConvertValue<double>(beta[c]);
    mop::Assign(y + k, req, ConvertValue<T>(r));
  }
};

void BatchNormForwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<BatchNormParam>();
  BnView b = BnViewOf(p, in[0].shape);
  ChannelView v{b.outer, b.c, b.inner};
  if (v.channels == 0) return;
  void* s = ctx.run.stream;
  bool batch_stats = ctx.is_train && !p.use_global_stats;
  ChannelSplit split = SplitChannels(v);
  ChannelScratch scratch = GetChannelScratch(split);
  double* mean = scratch.totals[0];
  double* invstd = scratch.totals[1];
  double count = static_cast<double>(v.count());
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "BatchNorm", {
    const T* x = in[0].ptr<T>();
    if (batch_stats) {
      ChannelTotals(split, LoadTerm<T>{x}, scratch, mean, s);
      ChannelTotals(split, SquaredDeviation<T>{x, mean, count}, scratch, invstd, s);
    }
    Kernel<GPU>::Launch<BnStatsMap>(s, v.channels, mean, invstd, in[3].ptr<T>(), in[4].ptr<T>(),
                                    out[1].ptr<T>(), out[2].ptr<T>(), batch_stats, count, p.eps,
                                    p.momentum);
    Kernel<GPU>::Launch<BnNormalizeMap>(s, in[0].size(), x, in[1].ptr<T>(), in[2].ptr<T>(), mean,
                                        invstd, out[0].ptr<T>(), v, p.fix_gamma,
                                        static_cast<int>(req[0]));
  });
}

template <typename T>
struct GradTimesXhat {
  const T* dy;
  const T* x;
  const T* mean;
  const T* invstd;
  __device__ double operator()(int64_t c, int64_t k) const {
    return ConvertValue<double>(dy[k]) *
           (ConvertValue<double>(x[k]) - ConvertValue<double>(mean[c])) *
           ConvertValue<double>(invstd[c]);
  }
};

struct BnDataGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t k, const T* dy, const T* x, const T* gamma, const T* mean,
                             const T* invstd, const double* sum_dy, const double* sum_dy_xhat,
                             T* dx, ChannelView v, bool fix_gamma, bool global_stats, int req) {
    int64_t c = v.channel(k);
    double is = ConvertValue<double>(invstd[c]), d = ConvertValue<double>(dy[k]);
    double g = fix_gamma ? 1.0 : ConvertValue<double>(gamma[c]);
    double r;
    if (global_stats) {
      r = g * is * d;
    } else {
      double m = static_cast<double>(v.count());
      double xhat = (ConvertValue<double>(x[k]) - ConvertValue<double>(mean[c])) * is;
      r = g * is / m * (m * d - sum_dy[c] - xhat * sum_dy_xhat[c]);
    }
    mop::Assign(dx + k, req, ConvertValue<T>(r));
  }
};

struct BnParamGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t c, const double* sum_dy, const double* sum_dy_xhat, T* dgamma,
                             T* dbeta, bool fix_gamma, int req_gamma, int req_beta) {
    mop::Assign(dgamma + c, req_gamma, ConvertValue<T>(fix_gamma ? 0.0 : sum_dy_xhat[c]));
    mop::Assign(dbeta + c, req_beta, ConvertValue<T>(sum_dy[c]));
  }
};

// Inputs (ograd, data, gamma, mean, invstd); outputs (dx, dgamma, dbeta).
void BatchNormBackwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                          const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<BatchNormParam>();
  BnView b = BnViewOf(p, in[1].shape);
  ChannelView v{b.outer, b.c, b.inner};
  if (v.channels == 0) return;
  void* s = ctx.run.stream;
  ChannelSplit split = SplitChannels(v);
  ChannelScratch scratch = GetChannelScratch(split);
  double* sum_dy = scratch.totals[0];
  double* sum_dy_xhat = scratch.totals[1];
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "BatchNorm backward", {
    const T* dy = in[0].ptr<T>();
    const T* x = in[1].ptr<T>();
    ChannelTotals(split, LoadTerm<T>{dy}, scratch, sum_dy, s);
    ChannelTotals(split, GradTimesXhat<T>{dy, x, in[3].ptr<T>(), in[4].ptr<T>()}, scratch,
                  sum_dy_xhat, s);
    if (req[0] != OpReq::kNull)
      Kernel<GPU>::Launch<BnDataGradMap>(s, in[1].size(), dy, x, in[2].ptr<T>(), in[3].ptr<T>(),
                                         in[4].ptr<T>(), sum_dy, sum_dy_xhat, out[0].ptr<T>(), v,
                                         p.fix_gamma, p.use_global_stats, static_cast<int>(req[0]));
    Kernel<GPU>::Launch<BnParamGradMap>(s, v.channels, sum_dy, sum_dy_xhat, out[1].ptr<T>(),
                                        out[2].ptr<T>(), p.fix_gamma, static_cast<int>(req[1]),
                                        static_cast<int>(req[2]));
  });
}

MX_REGISTER_OP(BatchNorm).Compute(DeviceType::kGPU, BatchNormForwardGpu);
MX_REGISTER_OP(_backward_BatchNorm).Compute(DeviceType::kGPU, BatchNormBackwardGpu);

}  // namespace
}  // namespace mx
