// GPU kernels of BatchNorm (semantics and registrations in batch_norm.cc). One thread block per
// channel computes that channel's statistics in double with a fixed reduction order
// (channel_reduce.cuh), then writes the channel, so results are deterministic and in-place use
// is safe as on the CPU. These are CUDA kernels rather than cuDNN's batch norm because cuDNN
// updates the moving variance with the unbiased batch variance, where Tessera (like MXNet's CPU
// kernel) uses the biased one; the same numbers on both devices matter more here.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/batch_norm-inl.h"
#include "core/ops/nn/channel_reduce.cuh"

namespace mx {
namespace {

struct BnConfig {
  double eps, momentum;
  bool batch_stats, fix_gamma, use_global_stats;
};

template <typename T>
struct SquaredDeviation {
  const T* x;
  double mean;
  __device__ double operator()(int64_t k) const {
    double d = ConvertValue<double>(x[k]) - mean;
    return d * d;
  }
};

template <typename T>
__global__ void BatchNormForwardKernel(BnConfig cfg, ChannelView v, const T* x, const T* gamma,
                                       const T* beta, T* mm, T* mv, T* y, T* mean_out,
                                       T* invstd_out, int req) {
  __shared__ double shared[kChannelThreads];
  int64_t c = blockIdx.x;
  double mean, var;
  if (cfg.batch_stats) {
    double m = static_cast<double>(v.count());
    mean = BlockSum(ThreadChannelSum(v, c, LoadTerm<T>{x}), shared) / m;
    var = BlockSum(ThreadChannelSum(v, c, SquaredDeviation<T>{x, mean}), shared) / m;
  } else {
    mean = ConvertValue<double>(mm[c]);
    var = ConvertValue<double>(mv[c]);
  }
  double invstd = 1.0 / sqrt(var + cfg.eps);
  double g = cfg.fix_gamma ? 1.0 : ConvertValue<double>(gamma[c]);
  double b = ConvertValue<double>(beta[c]);
  if (threadIdx.x == 0) {
    if (cfg.batch_stats) {
      mm[c] =
          ConvertValue<T>(ConvertValue<double>(mm[c]) * cfg.momentum + mean * (1 - cfg.momentum));
      mv[c] =
          ConvertValue<T>(ConvertValue<double>(mv[c]) * cfg.momentum + var * (1 - cfg.momentum));
    }
    mean_out[c] = ConvertValue<T>(mean);
    invstd_out[c] = ConvertValue<T>(invstd);
  }
  for (int64_t j = threadIdx.x; j < v.count(); j += kChannelThreads) {
    int64_t k = v.at(c, j);
    mop::Assign(y + k, req, ConvertValue<T>((ConvertValue<double>(x[k]) - mean) * invstd * g + b));
  }
}

template <typename T>
struct GradTimesXhat {
  const T* dy;
  const T* x;
  double mean, invstd;
  __device__ double operator()(int64_t k) const {
    return ConvertValue<double>(dy[k]) * (ConvertValue<double>(x[k]) - mean) * invstd;
  }
};

// Inputs (ograd, data, gamma, mean, invstd); outputs (dx, dgamma, dbeta), reqs as ints.
template <typename T>
__global__ void BatchNormBackwardKernel(BnConfig cfg, ChannelView v, const T* dy, const T* x,
                                        const T* gamma, const T* mean, const T* invstd, T* dx,
                                        T* dgamma, T* dbeta, int req_dx, int req_dgamma,
                                        int req_dbeta) {
  __shared__ double shared[kChannelThreads];
  int64_t c = blockIdx.x;
  double mu = ConvertValue<double>(mean[c]), is = ConvertValue<double>(invstd[c]);
  double g = cfg.fix_gamma ? 1.0 : ConvertValue<double>(gamma[c]);
  double sum_dy = BlockSum(ThreadChannelSum(v, c, LoadTerm<T>{dy}), shared);
  double sum_dy_xhat = BlockSum(ThreadChannelSum(v, c, GradTimesXhat<T>{dy, x, mu, is}), shared);
  double m = static_cast<double>(v.count());
  if (req_dx != 0) {
    for (int64_t j = threadIdx.x; j < v.count(); j += kChannelThreads) {
      int64_t k = v.at(c, j);
      double d = ConvertValue<double>(dy[k]), r;
      if (cfg.use_global_stats) {
        r = g * is * d;
      } else {
        double xhat = (ConvertValue<double>(x[k]) - mu) * is;
        r = g * is / m * (m * d - sum_dy - xhat * sum_dy_xhat);
      }
      mop::Assign(dx + k, req_dx, ConvertValue<T>(r));
    }
  }
  if (threadIdx.x == 0) {
    mop::Assign(dgamma + c, req_dgamma, ConvertValue<T>(cfg.fix_gamma ? 0.0 : sum_dy_xhat));
    mop::Assign(dbeta + c, req_dbeta, ConvertValue<T>(sum_dy));
  }
}

BnConfig Config(const BatchNormParam& p, bool train) {
  return BnConfig{p.eps, p.momentum, train && !p.use_global_stats, p.fix_gamma, p.use_global_stats};
}

dim3 Grid(const BnView& v) { return dim3(static_cast<unsigned>(v.c)); }

void BatchNormForwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<BatchNormParam>();
  BnView v = BnViewOf(p, in[0].shape);
  if (v.c == 0) return;
  auto stream = static_cast<cudaStream_t>(ctx.run.stream);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "BatchNorm", {
    BatchNormForwardKernel<T><<<Grid(v), kChannelThreads, 0, stream>>>(
        Config(p, ctx.is_train), ChannelView{v.outer, v.c, v.inner}, in[0].ptr<T>(), in[1].ptr<T>(),
        in[2].ptr<T>(), in[3].ptr<T>(), in[4].ptr<T>(), out[0].ptr<T>(), out[1].ptr<T>(),
        out[2].ptr<T>(), static_cast<int>(req[0]));
  });
  MX_CUDA_CALL(cudaGetLastError());
}

void BatchNormBackwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                          const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<BatchNormParam>();
  BnView v = BnViewOf(p, in[1].shape);
  if (v.c == 0) return;
  auto stream = static_cast<cudaStream_t>(ctx.run.stream);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "BatchNorm backward", {
    BatchNormBackwardKernel<T><<<Grid(v), kChannelThreads, 0, stream>>>(
        Config(p, true), ChannelView{v.outer, v.c, v.inner}, in[0].ptr<T>(), in[1].ptr<T>(),
        in[2].ptr<T>(), in[3].ptr<T>(), in[4].ptr<T>(), out[0].ptr<T>(), out[1].ptr<T>(),
        out[2].ptr<T>(), static_cast<int>(req[0]), static_cast<int>(req[1]),
        static_cast<int>(req[2]));
  });
  MX_CUDA_CALL(cudaGetLastError());
}

MX_REGISTER_OP(BatchNorm).Compute(DeviceType::kGPU, BatchNormForwardGpu);
MX_REGISTER_OP(_backward_BatchNorm).Compute(DeviceType::kGPU, BatchNormBackwardGpu);

}  // namespace
}  // namespace mx
