// GPU fill and cast kernels (see copy_kernels.h).
#include "core/base/convert.h"
#include "core/base/cuda_check.h"
#include "core/base/dtype.h"
#include "core/ndarray/copy_kernels.h"

namespace mx {
namespace {

template <typename T>
__global__ void FillKernel(T* p, int64_t n, T v) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    p[i] = v;
}

template <typename S, typename D>
__global__ void CastKernel(const S* in, int64_t sn, D* out, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x)
    out[i] = ConvertValue<D>(in[sn == 1 ? 0 : i]);
}

int Blocks(int64_t n) { return static_cast<int>(std::min<int64_t>((n + 255) / 256, 65535)); }

}  // namespace

void FillGpu(void* dptr, int64_t n, DType dtype, double value, void* stream) {
  auto s = static_cast<cudaStream_t>(stream);
  MX_TYPE_SWITCH_ALL(dtype, T, "fill", {
    FillKernel<T><<<Blocks(n), 256, 0, s>>>(static_cast<T*>(dptr), n, ConvertValue<T>(value));
  });
  MX_CUDA_CALL(cudaGetLastError());
}

void CastGpu(const void* src, DType src_type, int64_t src_n, void* dst, DType dst_type, int64_t n,
             void* stream) {
  auto s = static_cast<cudaStream_t>(stream);
  MX_TYPE_SWITCH_ALL(src_type, S, "cast", {
    MX_TYPE_SWITCH_ALL(dst_type, D, "cast", {
      CastKernel<S, D>
          <<<Blocks(n), 256, 0, s>>>(static_cast<const S*>(src), src_n, static_cast<D*>(dst), n);
    });
  });
  MX_CUDA_CALL(cudaGetLastError());
}

}  // namespace mx
