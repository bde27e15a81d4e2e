// Kernel launchers shared by CPU and GPU code (MXNet's mxnet_op::Kernel). An operator writes its
// math once as a functor with `MX_XINLINE static void Map(int64_t i, Args...)`; Kernel<cpu>
// runs it in an OpenMP loop over the CPU kernel threads (vectorized per CPU: MX_CPU_CLONES),
// Kernel<GPU> (kernel_gpu.cuh) as a grid-stride CUDA kernel on the op's stream. Map must only touch
// element i's outputs.
#ifndef TESSERA_CORE_OP_KERNEL_H_
#define TESSERA_CORE_OP_KERNEL_H_

#include <cstdint>

#include "core/base/cpu_clones.h"
#include "core/base/half.h"

namespace mx {

struct CPU {};  // kernel device tags (mx::cpu() is the Context)
struct GPU {};

// Threads one CPU kernel may use (MXNET_OMP_MAX_THREADS, else cores / CPU engine workers).
int CpuKernelThreads();

template <typename xpu>
struct Kernel;

template <>
struct Kernel<CPU> {
  template <typename F, typename... Args>
  MX_CPU_CLONES static void Launch(void* /*stream*/, int64_t n, Args... args) {
    if (n < 32768) {
      for (int64_t i = 0; i < n; ++i) F::Map(i, args...);
      return;
    }
#pragma omp parallel for num_threads(CpuKernelThreads())
    for (int64_t i = 0; i < n; ++i) F::Map(i, args...);
  }
};

// Largest number of dimensions the strided kernels (broadcast, transpose, reduce) handle.
constexpr int kMaxDim = 8;

// Small fixed array passed by value to kernels.
struct Dims {
  int64_t v[kMaxDim];
};

// Offset of row-major index `i` of an array of `shape` (ndim dims) in memory laid out with
// `stride` per dimension.
MX_XINLINE int64_t UnravelOffset(int64_t i, int ndim, const Dims& shape, const Dims& stride) {
  int64_t off = 0;
  for (int d = ndim - 1; d >= 0; --d) {
    off += (i % shape.v[d]) * stride.v[d];
    i /= shape.v[d];
  }
  return off;
}

}  // namespace mx

#endif  // TESSERA_CORE_OP_KERNEL_H_
