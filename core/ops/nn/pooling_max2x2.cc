#include "core/ops/nn/pooling_max2x2.h"

#include <math.h>

#include <cstring>
#include <type_traits>

#include "core/base/cpu_clones.h"
#include "core/op/kernel.h"

namespace mx {
namespace {

// One output row: windows over input rows r0 and r1.
template <typename T, bool kAdd>
MX_CPU_CLONES void ForwardRow(const T* r0, const T* r1, T* out, int64_t ow) {
  for (int64_t ox = 0; ox < ow; ++ox) {
    T acc = T(-INFINITY);
    T a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], e = r1[2 * ox + 1];
    acc = a > acc ? a : acc;
    acc = b > acc ? b : acc;
    acc = c > acc ? c : acc;
    acc = e > acc ? e : acc;
    out[ox] = kAdd ? out[ox] + acc : acc;
  }
}

// One output row of the gradient: g0/g1 are input rows 2*oy and 2*oy+1 of dx.
template <typename T, bool kAdd>
MX_CPU_CLONES void BackwardRow(const T* r0, const T* r1, const T* dy, T* g0, T* g1, int64_t ow) {
  for (int64_t ox = 0; ox < ow; ++ox) {
    T a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], e = r1[2 * ox + 1];
    // First maximum in window order (a, b, c, e), as PoolWindowArgMax.
    int best = 0;
    T bv = a;
    if (b > bv) best = 1, bv = b;
    if (c > bv) best = 2, bv = c;
    if (e > bv) best = 3;
    T g = dy[ox];
    T z = T(0);
    if (kAdd) {  // in double, as the general kernel
      auto add = [](T* p, T v) { *p = static_cast<T>(static_cast<double>(*p) + v); };
      add(g0 + 2 * ox, best == 0 ? g : z);
      add(g0 + 2 * ox + 1, best == 1 ? g : z);
      add(g1 + 2 * ox, best == 2 ? g : z);
      add(g1 + 2 * ox + 1, best == 3 ? g : z);
    } else {
      g0[2 * ox] = best == 0 ? g : z;
      g0[2 * ox + 1] = best == 1 ? g : z;
      g1[2 * ox] = best == 2 ? g : z;
      g1[2 * ox + 1] = best == 3 ? g : z;
    }
  }
}

// BackwardRow<float, false> eight (then four) windows at a time in GCC's generic vectors (each
// clone compiles them to its own SIMD): the winner's position is random in real data, so the
// scalar loop's branches mispredict. The same comparisons in the same order, selects of dy or
// 0: the same bits as the scalar loop, which takes the last 0-3 windows.
template <int N>
struct Lanes {
  typedef float V __attribute__((vector_size(4 * N)));
  typedef int I __attribute__((vector_size(4 * N)));
};

template <int N>
__attribute__((always_inline)) inline int64_t BackwardWindows(const float* r0, const float* r1,
                                                              const float* dy, float* g0, float* g1,
                                                              int64_t ox, int64_t ow) {
  using V = typename Lanes<N>::V;
  using I = typename Lanes<N>::I;
  I even, odd, lo, hi;
  for (int k = 0; k < N; ++k) {
    even[k] = 2 * k;
    odd[k] = 2 * k + 1;
    lo[k] = k / 2 + (k % 2) * N;
    hi[k] = N / 2 + k / 2 + (k % 2) * N;
  }
  const V z = {};
  for (; ox + N <= ow; ox += N) {
    V p0, p1, q0, q1, g;
    std::memcpy(&p0, r0 + 2 * ox, sizeof(V));
    std::memcpy(&p1, r0 + 2 * ox + N, sizeof(V));
    std::memcpy(&q0, r1 + 2 * ox, sizeof(V));
    std::memcpy(&q1, r1 + 2 * ox + N, sizeof(V));
    std::memcpy(&g, dy + ox, sizeof(V));
    V a = __builtin_shuffle(p0, p1, even), b = __builtin_shuffle(p0, p1, odd);
    V c = __builtin_shuffle(q0, q1, even), e = __builtin_shuffle(q0, q1, odd);
    I gb = b > a;
    V m = gb ? b : a;
    I gc = c > m;
    m = gc ? c : m;
    I ge = e > m;
    V va = (ge | gc | gb) ? z : g, vb = (ge | gc) ? z : (gb ? g : z);
    V vc = ge ? z : (gc ? g : z), ve = ge ? g : z;
    V w0 = __builtin_shuffle(va, vb, lo), w1 = __builtin_shuffle(va, vb, hi);
    V w2 = __builtin_shuffle(vc, ve, lo), w3 = __builtin_shuffle(vc, ve, hi);
    std::memcpy(g0 + 2 * ox, &w0, sizeof(V));
    std::memcpy(g0 + 2 * ox + N, &w1, sizeof(V));
    std::memcpy(g1 + 2 * ox, &w2, sizeof(V));
    std::memcpy(g1 + 2 * ox + N, &w3, sizeof(V));
  }
  return ox;
}

MX_CPU_CLONES void BackwardRowWriteVec(const float* r0, const float* r1, const float* dy, float* g0,
                                       float* g1, int64_t ow) {
  int64_t ox = BackwardWindows<8>(r0, r1, dy, g0, g1, 0, ow);
  ox = BackwardWindows<4>(r0, r1, dy, g0, g1, ox, ow);
  BackwardRow<float, false>(r0 + 2 * ox, r1 + 2 * ox, dy + ox, g0 + 2 * ox, g1 + 2 * ox, ow - ox);
}

template <typename T>
void Forward(const PoolDims& d, const T* x, T* y, bool add) {
  int64_t planes = d.n * d.c;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (planes * d.out.h * d.out.w > 32768)
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oy = 0; oy < d.out.h; ++oy) {
      const T* r0 = x + (p * d.in.h + 2 * oy) * d.in.w;
      T* out = y + (p * d.out.h + oy) * d.out.w;
      if (add)
        ForwardRow<T, true>(r0, r0 + d.in.w, out, d.out.w);
      else
        ForwardRow<T, false>(r0, r0 + d.in.w, out, d.out.w);
    }
}

template <typename T>
void Backward(const PoolDims& d, const T* dy, const T* x, T* dx, bool add) {
  int64_t planes = d.n * d.c;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (planes * d.out.h * d.out.w > 32768)
  for (int64_t p = 0; p < planes; ++p) {
    T* gp = dx + p * d.in.h * d.in.w;
    for (int64_t oy = 0; oy < d.out.h; ++oy) {
      const T* r0 = x + (p * d.in.h + 2 * oy) * d.in.w;
      T* g0 = gp + 2 * oy * d.in.w;
      const T* dyr = dy + (p * d.out.h + oy) * d.out.w;
      if (add) {
        BackwardRow<T, true>(r0, r0 + d.in.w, dyr, g0, g0 + d.in.w, d.out.w);
      } else {
        if constexpr (std::is_same_v<T, float>)
          BackwardRowWriteVec(r0, r0 + d.in.w, dyr, g0, g0 + d.in.w, d.out.w);
        else
          BackwardRow<T, false>(r0, r0 + d.in.w, dyr, g0, g0 + d.in.w, d.out.w);
        for (int64_t ix = 2 * d.out.w; ix < d.in.w; ++ix) g0[ix] = g0[d.in.w + ix] = T(0);
      }
    }
    if (!add)  // rows below the last window
      for (int64_t i = 2 * d.out.h * d.in.w; i < d.in.h * d.in.w; ++i) gp[i] = T(0);
  }
}

}  // namespace

bool Max2x2Applies(const PoolDims& d, DType dtype) {
  return (dtype == DType::kFloat32 || dtype == DType::kFloat64) && d.spatial == 2 && d.is_max &&
         d.g.kh == 2 && d.g.kw == 2 && d.g.sh == 2 && d.g.sw == 2 && d.g.ph == 0 && d.g.pw == 0 &&
         2 * d.out.h <= d.in.h && 2 * d.out.w <= d.in.w;
}

void Max2x2Forward(const PoolDims& d, DType dtype, const void* x, void* y, OpReq req) {
  if (req == OpReq::kNull) return;
  bool add = req == OpReq::kAddTo;
  if (dtype == DType::kFloat32)
    Forward(d, static_cast<const float*>(x), static_cast<float*>(y), add);
  else
    Forward(d, static_cast<const double*>(x), static_cast<double*>(y), add);
}

void Max2x2Backward(const PoolDims& d, DType dtype, const void* dy, const void* x, void* dx,
                    OpReq req) {
  if (req == OpReq::kNull) return;
  bool add = req == OpReq::kAddTo;
  if (dtype == DType::kFloat32)
    Backward(d, static_cast<const float*>(dy), static_cast<const float*>(x),
             static_cast<float*>(dx), add);
  else
    Backward(d, static_cast<const double*>(dy), static_cast<const double*>(x),
             static_cast<double*>(dx), add);
}

}  // namespace mx
