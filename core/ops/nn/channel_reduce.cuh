// Per-channel bias addition and per-channel sums on the GPU for layers whose statistics or
// gradients reduce over every axis but the channel axis (bias gradients, BatchNorm, PReLU's slope):
// data is viewed as (outer, channels, inner), one thread block per channel adds term(k) over the
// channel's elements k in double, in a fixed order (a fixed thread split and a fixed tree), so
// results are deterministic. Included only by .cu files.
#ifndef TESSERA_CORE_OPS_NN_CHANNEL_REDUCE_CUH_
#define TESSERA_CORE_OPS_NN_CHANNEL_REDUCE_CUH_

#include <cstdint>

#include "core/base/convert.h"
#include "core/base/cuda_check.h"
#include "core/base/half.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

constexpr int kChannelThreads = 256;

struct ChannelView {
  int64_t outer, channels, inner;
  MX_XINLINE int64_t count() const { return outer * inner; }
  // Flat index of the j-th element (0 <= j < count()) of channel c.
  MX_XINLINE int64_t at(int64_t c, int64_t j) const {
    return ((j / inner) * channels + c) * inner + j % inner;
  }
};

// Sum over the block of each thread's `v`; every thread gets the total. `shared` holds
// kChannelThreads doubles. All threads of the block must call it.
__device__ inline double BlockSum(double v, double* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = kChannelThreads / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) shared[threadIdx.x] += shared[threadIdx.x + s];
    __syncthreads();
  }
  double total = shared[0];
  __syncthreads();
  return total;
}

// This thread's share of term(k) over channel c.
template <typename Term>
__device__ inline double ThreadChannelSum(const ChannelView& v, int64_t c, const Term& term) {
  double acc = 0;
  for (int64_t j = threadIdx.x; j < v.count(); j += kChannelThreads) acc += term(v.at(c, j));
  return acc;
}

template <typename T, typename Term>
__global__ void ChannelSumKernel(ChannelView v, Term term, T* out, int req) {
  __shared__ double shared[kChannelThreads];
  int64_t c = blockIdx.x;
  double total = BlockSum(ThreadChannelSum(v, c, term), shared);
  if (threadIdx.x == 0) mop::Assign(out + c, req, ConvertValue<T>(total));
}

// out[c] (assigned as req says) = sum of term(k) over channel c.
template <typename T, typename Term>
void ChannelSum(const ChannelView& v, const Term& term, T* out, int req, void* stream) {
  if (req == 0 || v.channels == 0) return;
  ChannelSumKernel<T, Term><<<static_cast<unsigned>(v.channels), kChannelThreads, 0,
                              static_cast<cudaStream_t>(stream)>>>(v, term, out, req);
  MX_CUDA_CALL(cudaGetLastError());
}

// y[i] += b[channel of i] for y viewed as (outer, channels, inner): a Kernel<GPU> Map functor.
struct ChannelBiasAddMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, T* y, const T* b, int64_t channels, int64_t inner) {
    y[i] = mop::FromM<T>(mop::ToM(y[i]) + mop::ToM(b[(i / inner) % channels]));
  }
};

// term(k) = x[k] in double.
template <typename T>
struct LoadTerm {
  const T* x;
  __device__ double operator()(int64_t k) const { return ConvertValue<double>(x[k]); }
};

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_CHANNEL_REDUCE_CUH_
