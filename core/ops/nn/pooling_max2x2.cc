#include "core/ops/nn/pooling_max2x2.h"

#include <math.h>

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

template <typename T>
void Forward(const PoolDims& d, const T* x, T* y, bool add) {
  int64_t planes = d.n * d.c;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (planes * d.oh * d.ow > 32768)
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oy = 0; oy < d.oh; ++oy) {
      const T* r0 = x + (p * d.h + 2 * oy) * d.w;
      T* out = y + (p * d.oh + oy) * d.ow;
      if (add)
        ForwardRow<T, true>(r0, r0 + d.w, out, d.ow);
      else
        ForwardRow<T, false>(r0, r0 + d.w, out, d.ow);
    }
}

template <typename T>
void Backward(const PoolDims& d, const T* dy, const T* x, T* dx, bool add) {
  int64_t planes = d.n * d.c;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (planes * d.oh * d.ow > 32768)
  for (int64_t p = 0; p < planes; ++p) {
    T* gp = dx + p * d.h * d.w;
    for (int64_t oy = 0; oy < d.oh; ++oy) {
      const T* r0 = x + (p * d.h + 2 * oy) * d.w;
      T* g0 = gp + 2 * oy * d.w;
      const T* dyr = dy + (p * d.oh + oy) * d.ow;
      if (add) {
        BackwardRow<T, true>(r0, r0 + d.w, dyr, g0, g0 + d.w, d.ow);
      } else {
        BackwardRow<T, false>(r0, r0 + d.w, dyr, g0, g0 + d.w, d.ow);
        for (int64_t ix = 2 * d.ow; ix < d.w; ++ix) g0[ix] = g0[d.w + ix] = T(0);
      }
    }
    if (!add)  // rows below the last window
      for (int64_t i = 2 * d.oh * d.w; i < d.h * d.w; ++i) gp[i] = T(0);
  }
}

}  // namespace

bool Max2x2Applies(const PoolDims& d, DType dtype) {
  return (dtype == DType::kFloat32 || dtype == DType::kFloat64) && d.spatial == 2 && d.is_max &&
         d.g.kh == 2 && d.g.kw == 2 && d.g.sh == 2 && d.g.sw == 2 && d.g.ph == 0 && d.g.pw == 0 &&
         2 * d.oh <= d.h && 2 * d.ow <= d.w;
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
