// 2x2 max pooling with stride 2 and no padding on the GPU: one thread per output (forward) or
// per input element (backward) with 32-bit index arithmetic where the sizes allow, instead of
// the general kernels' 64-bit window arithmetic and per-window recomputation. Same results as
// the general kernels, bit for bit (window order, `v > acc`, the first maximum gets dy).
#include <math.h>

#include <algorithm>
#include <cstdint>

#include "core/base/cuda_check.h"
#include "core/ops/nn/pooling_max2x2.h"

namespace mx {
namespace {

constexpr int kThreads = 256;
// Sizes up to which 32-bit indices are used: below 2^31 with room for the grid stride (2^28).
constexpr int64_t kMax32 = int64_t(1) << 30;

template <typename T, typename I>
__global__ void Max2x2ForwardKernel(I n, I oh, I ow, I h, I w, const T* x, T* y, bool add) {
  for (I o = blockIdx.x * I(blockDim.x) + threadIdx.x; o < n; o += I(blockDim.x) * gridDim.x) {
    I ox = o % ow, t = o / ow;
    I oy = t % oh, nc = t / oh;
    const T* p = x + nc * h * w + 2 * oy * w + 2 * ox;
    T acc = -INFINITY;
    acc = p[0] > acc ? p[0] : acc;
    acc = p[1] > acc ? p[1] : acc;
    acc = p[w] > acc ? p[w] : acc;
    acc = p[w + 1] > acc ? p[w + 1] : acc;
    y[o] = add ? y[o] + acc : acc;
  }
}

template <typename T, typename I>
__global__ void Max2x2BackwardKernel(I n, I oh, I ow, I h, I w, const T* dy, const T* x, T* dx,
                                     bool add) {
  for (I i = blockIdx.x * I(blockDim.x) + threadIdx.x; i < n; i += I(blockDim.x) * gridDim.x) {
    I ix = i % w, t = i / w;
    I iy = t % h, nc = t / h;
    I oy = iy >> 1, ox = ix >> 1;
    T g = 0;
    if (oy < oh && ox < ow) {
      const T* p = x + nc * h * w + 2 * oy * w + 2 * ox;
      int best = 0;
      T bv = p[0];
      if (p[1] > bv) best = 1, bv = p[1];
      if (p[w] > bv) best = 2, bv = p[w];
      if (p[w + 1] > bv) best = 3;
      if (best == int((iy & 1) * 2 + (ix & 1))) g = dy[(nc * oh + oy) * ow + ox];
    }
    dx[i] = add ? dx[i] + g : g;
  }
}

int Blocks(int64_t n) {
  return static_cast<int>(std::min<int64_t>((n + kThreads - 1) / kThreads, 1 << 20));
}

template <typename T>
void Forward(const PoolDims& d, const T* x, T* y, bool add, cudaStream_t s) {
  int64_t n = d.n * d.c * d.out.h * d.out.w;
  if (d.n * d.c * d.in.h * d.in.w <= kMax32)
    Max2x2ForwardKernel<T, int32_t>
        <<<Blocks(n), kThreads, 0, s>>>(int32_t(n), int32_t(d.out.h), int32_t(d.out.w),
                                        int32_t(d.in.h), int32_t(d.in.w), x, y, add);
  else
    Max2x2ForwardKernel<T, int64_t>
        <<<Blocks(n), kThreads, 0, s>>>(n, d.out.h, d.out.w, d.in.h, d.in.w, x, y, add);
  MX_CUDA_CALL(cudaGetLastError());
}

template <typename T>
void Backward(const PoolDims& d, const T* dy, const T* x, T* dx, bool add, cudaStream_t s) {
  int64_t n = d.n * d.c * d.in.h * d.in.w;
  if (n <= kMax32)
    Max2x2BackwardKernel<T, int32_t>
        <<<Blocks(n), kThreads, 0, s>>>(int32_t(n), int32_t(d.out.h), int32_t(d.out.w),
                                        int32_t(d.in.h), int32_t(d.in.w), dy, x, dx, add);
  else
    Max2x2BackwardKernel<T, int64_t>
        <<<Blocks(n), kThreads, 0, s>>>(n, d.out.h, d.out.w, d.in.h, d.in.w, dy, x, dx, add);
  MX_CUDA_CALL(cudaGetLastError());
}

}  // namespace

void Max2x2ForwardGpu(const PoolDims& d, DType dtype, const void* x, void* y, OpReq req,
                      void* stream) {
  if (req == OpReq::kNull) return;
  bool add = req == OpReq::kAddTo;
  auto s = static_cast<cudaStream_t>(stream);
  if (dtype == DType::kFloat32)
    Forward(d, static_cast<const float*>(x), static_cast<float*>(y), add, s);
  else
    Forward(d, static_cast<const double*>(x), static_cast<double*>(y), add, s);
}

void Max2x2BackwardGpu(const PoolDims& d, DType dtype, const void* dy, const void* x, void* dx,
                       OpReq req, void* stream) {
  if (req == OpReq::kNull) return;
  bool add = req == OpReq::kAddTo;
  auto s = static_cast<cudaStream_t>(stream);
  if (dtype == DType::kFloat32)
    Backward(d, static_cast<const float*>(dy), static_cast<const float*>(x),
             static_cast<float*>(dx), add, s);
  else
    Backward(d, static_cast<const double*>(dy), static_cast<const double*>(x),
             static_cast<double*>(dx), add, s);
}

}  // namespace mx
