// Geometry shared by Convolution, Deconvolution and Pooling: MXNet's kernel/stride/dilate/pad
// parameters resolved for 1-D (NCW), 2-D (NCHW) and 3-D (NCDHW) data, all treated as 3-D: a
// 2-D layer has depth 1, a 1-D layer depth and height 1.
// Output size per axis: (x + 2p - (d(k-1)+1)) / s + 1 (floor), as convolution.cc in MXNet.
#ifndef TESSERA_CORE_OPS_NN_CONV_GEOMETRY_H_
#define TESSERA_CORE_OPS_NN_CONV_GEOMETRY_H_

#include <cstdint>
#include <vector>

#include "core/base/error.h"
#include "core/base/shape.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"

namespace mx {

// Kernel (k), stride (s), dilation (d) and padding (p) per axis: depth (d), height (h), width
// (w). The 2-D fields come first, so Window{kh, kw, sh, sw, dh, dw, ph, pw} is a 2-D window.
struct Window {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, ph = 0, pw = 0;
  int64_t kd = 1, sd = 1, dd = 1, pd = 0;
};

// Data sizes per axis (depth, height, width), 1 for the axes a lower-rank layer lacks.
struct Spatial {
  int64_t d = 1, h = 1, w = 1;
  int64_t size() const { return d * h * w; }
};

// The spatial sizes of NC + `spatial` axes data.
Spatial SpatialOf(const Shape& data, int spatial);
// (n, c, then the last `spatial` axes of s).
Shape SpatialShape(int64_t n, int64_t c, int spatial, const Spatial& s);
// "NCW", "NCHW" or "NCDHW".
const char* SpatialLayout(int spatial);

// Fills a Window from MXNet tuples; `spatial` is 1, 2 or 3. Empty stride/dilate/pad default to
// 1/1/0. Throws ValueError naming `op` for wrong lengths or non-positive values.
Window MakeWindow(const char* op, int spatial, const Shape& kernel, const Shape& stride,
                  const Shape& dilate, const Shape& pad);

// Thread-local scratch memory reused across calls (no page faults after the first call); one
// buffer per slot (0 to kScratchSlots - 1) for the buffers one call uses at once.
constexpr int kScratchSlots = 6;
template <typename T>
T* Scratch(size_t n, int slot = 0) {
  MX_INTERNAL_CHECK(slot >= 0 && slot < kScratchSlots)
      << "scratch slot " << slot << " of " << kScratchSlots;
  static thread_local std::vector<char> buffers[kScratchSlots];
  std::vector<char>& b = buffers[slot];
  if (b.size() < n * sizeof(T)) b.resize(n * sizeof(T));
  return reinterpret_cast<T*>(b.data());
}

// col (C*kd*kh*kw, OD*OH*OW) from x (C, D, H, W); zeros where the window reaches into padding.
// Rows of col are `ld` elements apart (ld >= OD*OH*OW lets several images share one matrix).
template <typename T>
void Im2Col(const T* x, int64_t c, const Spatial& in, const Window& g, const Spatial& out, T* col,
            int64_t ld = -1) {
  const int64_t od = out.d, oh = out.h, ow = out.w, h = in.h, w = in.w;
  if (ld < 0) ld = out.size();
#pragma omp parallel for num_threads(CpuKernelThreads()) if (c * out.size() * g.kd * g.kh * g.kw > \
                                                             65536)
  for (int64_t ci = 0; ci < c; ++ci) {
    for (int64_t kz = 0; kz < g.kd; ++kz) {
      for (int64_t ki = 0; ki < g.kh; ++ki) {
        for (int64_t kj = 0; kj < g.kw; ++kj) {
          T* row = col + (((ci * g.kd + kz) * g.kh + ki) * g.kw + kj) * ld;
          for (int64_t z = 0; z < od; ++z) {
            int64_t iz = z * g.sd - g.pd + kz * g.dd;
            for (int64_t y = 0; y < oh; ++y) {
              int64_t iy = y * g.sh - g.ph + ki * g.dh;
              T* r = row + (z * oh + y) * ow;
              if (iz < 0 || iz >= in.d || iy < 0 || iy >= h) {
                for (int64_t xo = 0; xo < ow; ++xo) r[xo] = T(0);
                continue;
              }
              const T* src = x + ((ci * in.d + iz) * h + iy) * w;
              for (int64_t xo = 0; xo < ow; ++xo) {
                int64_t ix = xo * g.sw - g.pw + kj * g.dw;
                r[xo] = (ix >= 0 && ix < w) ? src[ix] : T(0);
              }
            }
          }
        }
      }
    }
  }
}

// x (C, D, H, W) += the columns of col scattered back (the adjoint of Im2Col; same `ld`).
template <typename T>
void Col2ImAdd(const T* col, int64_t c, const Spatial& in, const Window& g, const Spatial& out,
               T* x, int64_t ld = -1) {
  const int64_t od = out.d, oh = out.h, ow = out.w, h = in.h, w = in.w;
  if (ld < 0) ld = out.size();
#pragma omp parallel for num_threads(CpuKernelThreads()) if (c * out.size() * g.kd * g.kh * g.kw > \
                                                             65536)
  for (int64_t ci = 0; ci < c; ++ci) {
    for (int64_t kz = 0; kz < g.kd; ++kz) {
      for (int64_t ki = 0; ki < g.kh; ++ki) {
        for (int64_t kj = 0; kj < g.kw; ++kj) {
          const T* row = col + (((ci * g.kd + kz) * g.kh + ki) * g.kw + kj) * ld;
          for (int64_t z = 0; z < od; ++z) {
            int64_t iz = z * g.sd - g.pd + kz * g.dd;
            if (iz < 0 || iz >= in.d) continue;
            for (int64_t y = 0; y < oh; ++y) {
              int64_t iy = y * g.sh - g.ph + ki * g.dh;
              if (iy < 0 || iy >= h) continue;
              T* dst = x + ((ci * in.d + iz) * h + iy) * w;
              const T* r = row + (z * oh + y) * ow;
              for (int64_t xo = 0; xo < ow; ++xo) {
                int64_t ix = xo * g.sw - g.pw + kj * g.dw;
                if (ix >= 0 && ix < w) dst[ix] += r[xo];
              }
            }
          }
        }
      }
    }
  }
}

// db[f] (+)= sum of dy over images and positions; dy is (n, f, positions).
template <typename T>
void ConvBiasGrad(const T* dy, T* db, int64_t n, int64_t f, int64_t positions, bool add) {
  for (int64_t c = 0; c < f; ++c) {
    T acc = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t p = 0; p < positions; ++p) acc += dy[(i * f + c) * positions + p];
    db[c] = add ? db[c] + acc : acc;
  }
}

// Registration pieces shared by layers with inputs (data, weight[, bias]) whose params P have
// `no_bias` and `num_filter`, and a backward operator taking (ograd, data, weight).
template <typename P>
std::vector<std::string> DataWeightBiasInputs(const OpAttrs& a) {
  if (a.get<P>().no_bias) return {"data", "weight"};
  return {"data", "weight", "bias"};
}

template <typename P>
bool DataWeightBiasGradShape(const OpAttrs& attrs, std::vector<Shape>* in,
                             std::vector<Shape>* out) {
  if ((*in)[1].ndim() == 0 || (*in)[2].ndim() == 0) return false;
  AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
  AssignShape(&(*out)[1], (*in)[2], attrs, "weight gradient");
  if (out->size() > 2)
    AssignShape(&(*out)[2], Shape{attrs.get<P>().num_filter}, attrs, "bias gradient");
  return true;
}

// The gradient through `backward`(ograd, data, weight).
inline FGradient GradientViaDataWeight(const char* backward) {
  return [backward](const OpAttrs& attrs, GradContext* ctx) {
    return ctx->Op(backward, {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1)}, attrs.dict);
  };
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_CONV_GEOMETRY_H_
