// Kernel<GPU>: launches a Map functor (see kernel.h) as a grid-stride CUDA kernel on the
// operator's stream. Included only by .cu files.
#ifndef TESSERA_CORE_OP_KERNEL_GPU_CUH_
#define TESSERA_CORE_OP_KERNEL_GPU_CUH_

#include <algorithm>

#include "core/base/cuda_check.h"
#include "core/op/kernel.h"

namespace mx {

template <typename F, typename... Args>
__global__ void MapKernel(int64_t n, Args... args) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    F::Map(i, args...);
}

template <>
struct Kernel<GPU> {
  static constexpr int kThreads = 256;
  template <typename F, typename... Args>
  static void Launch(void* stream, int64_t n, Args... args) {
    if (n <= 0) return;
    int blocks = static_cast<int>(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535));
    MapKernel<F, Args...><<<blocks, kThreads, 0, static_cast<cudaStream_t>(stream)>>>(n, args...);
    MX_CUDA_CALL(cudaGetLastError());
  }
};

}  // namespace mx

#endif  // TESSERA_CORE_OP_KERNEL_GPU_CUH_
