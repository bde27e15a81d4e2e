// RNN's GPU kernels (the algorithm in rnn-inl.h; GEMMs through cuBLAS, GemmGpu).
#include "core/base/cuda_check.h"
#include "core/op/kernel_gpu.cuh"
#include "core/ops/linalg/dot-inl.h"
#include "core/ops/rnn/rnn-inl.h"

namespace mx {

template <>
void RnnGemm<GPU>(DType t, bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                  const void* a, const void* b, void* c, bool accumulate, void* stream) {
  GemmArgs g;
  g.m = m;
  g.n = n;
  g.k = k;
  g.trans_a = trans_a;
  g.trans_b = trans_b;
  g.accumulate = accumulate;
  auto blob = [t](const void* p) {
    TBlob x;
    x.dptr = const_cast<void*>(p);
    x.dtype = t;
    return x;
  };
  GemmGpu(g, blob(a), blob(b), blob(c), stream);
}

template <>
void RnnCopyFromHost<GPU>(void* dst, const void* src, size_t bytes, void* stream) {
  // From pageable memory the call returns once `src` has been staged, so it may go away.
  MX_CUDA_CALL(
      cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, static_cast<cudaStream_t>(stream)));
}

namespace {

MX_REGISTER_OP(RNN).Compute(DeviceType::kGPU, RnnForward<GPU>);
MX_REGISTER_OP(_backward_RNN).Compute(DeviceType::kGPU, RnnBackward<GPU>);

}  // namespace
}  // namespace mx
