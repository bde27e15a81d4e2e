// CUDA runtime access for the CPU-compiled parts of Tessera. In a build with CUDA
// (MX_USE_CUDA=1) it includes the runtime API and defines MX_CUDA_CALL, which turns a failing
// call into mx::Error carrying cudaGetErrorString. In a CPU-only build it is empty.
#ifndef TESSERA_CORE_BASE_CUDA_CHECK_H_
#define TESSERA_CORE_BASE_CUDA_CHECK_H_

#ifndef MX_USE_CUDA
#define MX_USE_CUDA 0
#endif

#if MX_USE_CUDA
#include <cuda_runtime.h>

#include "core/base/error.h"

#define MX_CUDA_CALL(call)                                                                  \
  do {                                                                                      \
    cudaError_t mx_cuda_err_ = (call);                                                      \
    if (mx_cuda_err_ != cudaSuccess) {                                                      \
      MX_THROW(Error) << "CUDA call " #call " failed: " << cudaGetErrorString(mx_cuda_err_) \
                      << " (" << __FILE__ << ":" << __LINE__ << ")";                        \
    }                                                                                       \
  } while (0)
#endif

#endif  // TESSERA_CORE_BASE_CUDA_CHECK_H_
