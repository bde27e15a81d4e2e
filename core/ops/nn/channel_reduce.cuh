// Per-channel bias addition and per-channel sums on the GPU for layers whose statistics or
// gradients reduce over every axis but the channel axis (bias gradients, BatchNorm, PReLU's
// slope). Data is viewed as (outer, channels, inner). A sum runs in two kernels: each channel's
// elements are cut into `parts` ranges fixed by the shape, one thread block adds one range
// (grid parts x channels), then one block per channel adds the partial sums. Every addition is
// in double and in an order fixed by the shape (fixed ranges, thread split and trees), so the
// results are deterministic. Included only by .cu files.
#ifndef TESSERA_CORE_OPS_NN_CHANNEL_REDUCE_CUH_
#define TESSERA_CORE_OPS_NN_CHANNEL_REDUCE_CUH_

#include <algorithm>
#include <cstdint>

#include "core/base/convert.h"
#include "core/base/cuda_check.h"
#include "core/base/half.h"
#include "core/op/kernel_gpu.cuh"
#include "core/ops/elemwise/math_functors.h"
#include "core/op/workspace.h"

namespace mx {

constexpr int kChannelThreads = 256;

struct ChannelView {
  int64_t outer, channels, inner;
  MX_XINLINE int64_t count() const { return outer * inner; }
  // Flat index of the j-th element (0 <= j < count()) of channel c.
  MX_XINLINE int64_t at(int64_t c, int64_t j) const {
    return ((j / inner) * channels + c) * inner + j % inner;
  }
  // Channel of flat index k.
  MX_XINLINE int64_t channel(int64_t k) const { return (k / inner) % channels; }
};

// How a channel's elements are cut into ranges: at least 4096 elements a block, at most 512
// ranges a channel.
struct ChannelSplit {
  ChannelView v;
  int64_t parts, per_part;
};

inline ChannelSplit SplitChannels(const ChannelView& v) {
  int64_t n = v.count();
  int64_t parts = std::min<int64_t>(512, std::max<int64_t>(1, n / 4096));
  return ChannelSplit{v, parts, (n + parts - 1) / parts};
}

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

// partial[c * parts + p] = sum of term(c, k) over range p of channel c. Grid (parts, channels).
template <typename Term>
__global__ void PartialChannelSumKernel(ChannelSplit s, Term term, double* partial) {
  __shared__ double shared[kChannelThreads];
  int64_t p = blockIdx.x, c = blockIdx.y;
  int64_t j0 = p * s.per_part, j1 = min(s.v.count(), j0 + s.per_part);
  double acc = 0;
  for (int64_t j = j0 + threadIdx.x; j < j1; j += kChannelThreads) acc += term(c, s.v.at(c, j));
  double total = BlockSum(acc, shared);
  if (threadIdx.x == 0) partial[c * s.parts + p] = total;
}

// total[c] = sum of partial[c * parts + p] over p. Grid (channels).
template <int kThreads = kChannelThreads>
__global__ void CombineChannelPartsKernel(int64_t parts, const double* partial, double* total) {
  __shared__ double shared[kChannelThreads];
  int64_t c = blockIdx.x;
  double acc = 0;
  for (int64_t p = threadIdx.x; p < parts; p += kThreads) acc += partial[c * parts + p];
  double t = BlockSum(acc, shared);
  if (threadIdx.x == 0) total[c] = t;
}

// Device scratch for channel sums: `partial` (channels * parts doubles) and `totals` arrays of
// `channels` doubles each, valid until the next call on this thread.
struct ChannelScratch {
  double* partial;
  double* totals[3];
};

inline ChannelScratch GetChannelScratch(const ChannelSplit& s) {
  int64_t c = s.v.channels;
  auto* base = static_cast<double*>(
      Workspace<GPU>(sizeof(double) * (c * s.parts + 3 * c), WorkspaceSlot::kChannelSums));
  return ChannelScratch{base,
                        {base + c * s.parts, base + c * s.parts + c, base + c * s.parts + 2 * c}};
}

// total[c] = sum of term(c, k) over the elements k of channel c (device array of channels).
template <typename Term>
void ChannelTotals(const ChannelSplit& s, const Term& term, const ChannelScratch& scratch,
                   double* total, void* stream) {
  if (s.v.channels == 0) return;
  auto st = static_cast<cudaStream_t>(stream);
  dim3 grid(static_cast<unsigned>(s.parts), static_cast<unsigned>(s.v.channels));
  PartialChannelSumKernel<Term><<<grid, kChannelThreads, 0, st>>>(s, term, scratch.partial);
  MX_CUDA_CALL(cudaGetLastError());
  CombineChannelPartsKernel<><<<static_cast<unsigned>(s.v.channels), kChannelThreads, 0, st>>>(
      s.parts, scratch.partial, total);
  MX_CUDA_CALL(cudaGetLastError());
}

struct AssignTotalsMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t c, const double* total, T* out, int req) {
    mop::Assign(out + c, req, ConvertValue<T>(total[c]));
  }
};

// out[c] (assigned as req says) = sum of term(c, k) over channel c.
template <typename T, typename Term>
void ChannelSum(const ChannelView& v, const Term& term, T* out, int req, void* stream) {
  if (req == 0 || v.channels == 0) return;
  ChannelSplit s = SplitChannels(v);
  ChannelScratch scratch = GetChannelScratch(s);
  ChannelTotals(s, term, scratch, scratch.totals[0], stream);
  Kernel<GPU>::Launch<AssignTotalsMap>(stream, v.channels, scratch.totals[0], out, req);
}

// y[i] += b[channel of i] for y viewed as (outer, channels, inner): a Kernel<GPU> Map functor.
struct ChannelBiasAddMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, T* y, const T* b, int64_t channels, int64_t inner) {
    y[i] = mop::FromM<T>(mop::ToM(y[i]) + mop::ToM(b[(i / inner) % channels]));
  }
};

// term(c, k) = x[k] in double.
template <typename T>
struct LoadTerm {
  const T* x;
  __device__ double operator()(int64_t, int64_t k) const { return ConvertValue<double>(x[k]); }
};

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_CHANNEL_REDUCE_CUH_
