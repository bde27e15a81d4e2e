// RNN's GPU kernels (the algorithm in rnn-inl.h; GEMMs through cuBLAS).
#include "core/base/cuda_check.h"
#include "core/op/kernel_gpu.cuh"
#include "core/ops/linalg/dot-inl.h"
#include "core/ops/rnn/rnn-inl.h"

namespace mx {

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
