// GPU reductions: one block per output element; each thread folds a fixed, strided subset of the
// inputs, then a shared-memory tree merges the threads in a fixed order (deterministic).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/reduce/reduce-inl.h"

namespace mx {
namespace {

constexpr int kReduceThreads = 256;

template <typename R, typename T>
__global__ void ReduceBlockKernel(const T* in, T* out, int req, ReducePlan p) {
  __shared__ ReduceAcc partial[kReduceThreads];
  for (int64_t o = blockIdx.x; o < p.num_out; o += gridDim.x) {
    ReduceAcc acc = R::Init();
    // Thread t folds elements t, t+256, ...: every element has one fixed owner.
    int64_t base = ReduceBase(p, o);
    for (int64_t m = threadIdx.x; m < p.m; m += kReduceThreads)
      R::Reduce(acc, ConvertValue<double>(in[base + ReduceOffset(p, m)]), m);
    partial[threadIdx.x] = acc;
    __syncthreads();
    for (int s = kReduceThreads / 2; s > 0; s >>= 1) {
      if (threadIdx.x < s) R::Merge(partial[threadIdx.x], partial[threadIdx.x + s]);
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      T v = ConvertValue<T>(R::Finalize(partial[0], p.m));
      if (req == 3)
        out[o] = ConvertValue<T>(ConvertValue<double>(out[o]) + ConvertValue<double>(v));
      else if (req != 0)
        out[o] = v;
    }
    __syncthreads();
  }
}

}  // namespace

template <typename R>
void ReduceGpu(const TBlob& in, const TBlob& out, OpReq req, const ReducePlan& p, void* stream) {
  if (p.num_out == 0) return;
  int blocks = static_cast<int>(p.num_out < 65535 ? p.num_out : 65535);
  MX_TYPE_SWITCH_ARITH(in.dtype, T, "reductions", {
    ReduceBlockKernel<R, T><<<blocks, kReduceThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        in.ptr<T>(), out.ptr<T>(), static_cast<int>(req), p);
  });
  MX_CUDA_CALL(cudaGetLastError());
}

namespace {

void NormComputeGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                    const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (attrs.get<NormParam>().ord == 1)
    ReduceCompute<GPU, L1Reducer>(attrs, ctx, in, req, out);
  else
    ReduceCompute<GPU, L2Reducer>(attrs, ctx, in, req, out);
}

MX_REGISTER_OP(sum).Compute(DeviceType::kGPU, ReduceCompute<GPU, SumReducer>);
MX_REGISTER_OP(mean).Compute(DeviceType::kGPU, ReduceCompute<GPU, MeanReducer>);
MX_REGISTER_OP(prod).Compute(DeviceType::kGPU, ReduceCompute<GPU, ProdReducer>);
MX_REGISTER_OP(max).Compute(DeviceType::kGPU, ReduceCompute<GPU, MaxReducer>);
MX_REGISTER_OP(min).Compute(DeviceType::kGPU, ReduceCompute<GPU, MinReducer>);
MX_REGISTER_OP(norm).Compute(DeviceType::kGPU, NormComputeGpu);
MX_REGISTER_OP(argmax).Compute(DeviceType::kGPU, ReduceCompute<GPU, ArgMaxReducer>);
MX_REGISTER_OP(argmax_channel).Compute(DeviceType::kGPU, ReduceCompute<GPU, ArgMaxReducer>);
MX_REGISTER_OP(argmin).Compute(DeviceType::kGPU, ReduceCompute<GPU, ArgMinReducer>);
MX_REGISTER_OP(_backward_sum).Compute(DeviceType::kGPU, ReduceGradCompute<GPU>);
MX_REGISTER_OP(_backward_mean).Compute(DeviceType::kGPU, ReduceGradCompute<GPU>);
MX_REGISTER_OP(_backward_max).Compute(DeviceType::kGPU, ReduceGradCompute<GPU>);
MX_REGISTER_OP(_backward_min).Compute(DeviceType::kGPU, ReduceGradCompute<GPU>);
MX_REGISTER_OP(_backward_norm).Compute(DeviceType::kGPU, ReduceGradCompute<GPU>);
MX_REGISTER_OP(_sum_to_like).Compute(DeviceType::kGPU, SumToLikeCompute<GPU>);

}  // namespace
}  // namespace mx
