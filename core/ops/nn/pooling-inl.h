// Pooling kernels (pooling.cc registers CPU, pooling.cu GPU). The forward pass maps each output
// to its window (both devices). The GPU backward gathers, for each input element, the gradients
// of the windows that contain it (max: only where it is the window's first maximum), so every
// element is written by one thread in a fixed order (deterministic); the CPU backward
// (pooling.cc) scatters per (n, c) plane instead, which is faster there.
#ifndef TESSERA_CORE_OPS_NN_POOLING_INL_H_
#define TESSERA_CORE_OPS_NN_POOLING_INL_H_

#include <math.h>

#include <optional>
#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/nn/conv_geometry.h"

namespace mx {

struct PoolingParam {
  Shape kernel;
  std::string pool_type;
  bool global_pool;
  bool cudnn_off;
  std::string pooling_convention;
  Shape stride, pad;
  std::optional<int> p_value;
  std::optional<bool> count_include_pad;
  std::optional<std::string> layout;
  void Declare(ParamDeclarer* d) {
    d->Declare("kernel", &kernel, Shape()).Describe("Window size (ignored with global_pool).");
    d->Declare("pool_type", &pool_type, std::string("max"))
        .Enum({"max", "avg", "sum"})
        .Describe("max, avg or sum.");
    d->Declare("global_pool", &global_pool, false).Describe("Pool over all spatial positions.");
    d->Declare("cudnn_off", &cudnn_off, false).Describe("Do not use cuDNN.");
    d->Declare("pooling_convention", &pooling_convention, std::string("valid"))
        .Enum({"valid", "full", "same"})
        .Describe("Output size rounding: valid (floor), full (ceil), same.");
    d->Declare("stride", &stride, Shape()).Describe("Stride; default 1 per axis.");
    d->Declare("pad", &pad, Shape()).Describe("Padding; default 0 per axis.");
    d->Declare("p_value", &p_value, std::optional<int>()).Describe("For lp pooling (unused).");
    d->Declare("count_include_pad", &count_include_pad, std::optional<bool>())
        .Describe("avg: count padded positions (default True).");
    d->Declare("layout", &layout, std::optional<std::string>()).Describe("NCW, NCHW or NCDHW.");
  }
};

struct PoolDims {
  int spatial;  // 1, 2 or 3
  int64_t n, c;
  Spatial in, out;
  Window g;
  bool is_max, is_avg, include_pad;
};

PoolDims MakePoolDims(const PoolingParam& p, const Shape& data);

// The window of output (z, y, x): [d0, d1) x [h0, h1) x [w0, w1) clipped to the data, and the
// divisor for avg (the window's part inside the padded input, or inside the data without
// count_include_pad).
struct PoolWin {
  int64_t d0, d1, h0, h1, w0, w1;
  double count;
};

MX_XINLINE PoolWin PoolWindowAt(const PoolDims& d, int64_t z, int64_t y, int64_t x) {
  PoolWin r;
  const Window& g = d.g;
  int64_t ds = z * g.sd - g.pd, hs = y * g.sh - g.ph, ws = x * g.sw - g.pw;
  int64_t de = ds + g.kd < d.in.d + g.pd ? ds + g.kd : d.in.d + g.pd;
  int64_t he = hs + g.kh < d.in.h + g.ph ? hs + g.kh : d.in.h + g.ph;
  int64_t we = ws + g.kw < d.in.w + g.pw ? ws + g.kw : d.in.w + g.pw;
  double padded = static_cast<double>((de - ds) * (he - hs) * (we - ws));
  r.d0 = ds > 0 ? ds : 0;
  r.h0 = hs > 0 ? hs : 0;
  r.w0 = ws > 0 ? ws : 0;
  r.d1 = de < d.in.d ? de : d.in.d;
  r.h1 = he < d.in.h ? he : d.in.h;
  r.w1 = we < d.in.w ? we : d.in.w;
  r.count =
      d.include_pad ? padded : static_cast<double>((r.d1 - r.d0) * (r.h1 - r.h0) * (r.w1 - r.w0));
  return r;
}

MX_XINLINE bool PoolWindowHas(const PoolWin& win, int64_t z, int64_t y, int64_t x) {
  return z >= win.d0 && z < win.d1 && y >= win.h0 && y < win.h1 && x >= win.w0 && x < win.w1;
}

// Flat index (in the volume xp) of the first maximum of window `win`, or -1 if it is empty.
template <typename T>
MX_XINLINE int64_t PoolWindowArgMax(const T* xp, const PoolDims& d, const PoolWin& win) {
  int64_t best = -1;
  double bv = -INFINITY;
  for (int64_t z = win.d0; z < win.d1; ++z)
    for (int64_t a = win.h0; a < win.h1; ++a)
      for (int64_t b = win.w0; b < win.w1; ++b) {
        int64_t i = (z * d.in.h + a) * d.in.w + b;
        double v = ConvertValue<double>(xp[i]);
        if (best < 0 || v > bv) {
          bv = v;
          best = i;
        }
      }
  return best;
}

struct PoolFwdMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t o, const T* x, T* y, int req, PoolDims d) {
    int64_t ox = o % d.out.w, oy = (o / d.out.w) % d.out.h,
            oz = (o / (d.out.w * d.out.h)) % d.out.d;
    int64_t nc = o / d.out.size();
    const T* xp = x + nc * d.in.size();
    PoolWin win = PoolWindowAt(d, oz, oy, ox);
    double acc = d.is_max ? -INFINITY : 0.0;
    for (int64_t iz = win.d0; iz < win.d1; ++iz)
      for (int64_t iy = win.h0; iy < win.h1; ++iy)
        for (int64_t ix = win.w0; ix < win.w1; ++ix) {
          double v = ConvertValue<double>(xp[(iz * d.in.h + iy) * d.in.w + ix]);
          acc = d.is_max ? (v > acc ? v : acc) : acc + v;
        }
    if (d.is_avg) acc /= win.count;
    mop::Assign(y + o, req, ConvertValue<T>(acc));
  }
};

// The outputs [first, last] along one axis whose windows (kernel k, stride s, pad p) may hold
// input position i, clipped to [0, n - 1].
MX_XINLINE void PoolOutputsOf(int64_t i, int64_t k, int64_t s, int64_t p, int64_t n, int64_t* first,
                              int64_t* last) {
  int64_t lo = i + p - k + 1;
  *first = lo <= 0 ? 0 : (lo + s - 1) / s;
  *last = (i + p) / s;
  if (*last > n - 1) *last = n - 1;
}

struct PoolBwdMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, const T* x, T* dx, int req, PoolDims d) {
    int64_t ix = i % d.in.w, iy = (i / d.in.w) % d.in.h, iz = (i / (d.in.w * d.in.h)) % d.in.d;
    int64_t nc = i / d.in.size();
    const T* xp = x + nc * d.in.size();
    const T* gp = dy + nc * d.out.size();
    const Window& g = d.g;
    int64_t z0, z1, y0, y1, x0, x1;
    PoolOutputsOf(iz, g.kd, g.sd, g.pd, d.out.d, &z0, &z1);
    PoolOutputsOf(iy, g.kh, g.sh, g.ph, d.out.h, &y0, &y1);
    PoolOutputsOf(ix, g.kw, g.sw, g.pw, d.out.w, &x0, &x1);
    int64_t self = (iz * d.in.h + iy) * d.in.w + ix;
    double acc = 0;
    for (int64_t oz = z0; oz <= z1; ++oz)
      for (int64_t oy = y0; oy <= y1; ++oy)
        for (int64_t ox = x0; ox <= x1; ++ox) {
          PoolWin win = PoolWindowAt(d, oz, oy, ox);
          if (!PoolWindowHas(win, iz, iy, ix)) continue;
          double gv = ConvertValue<double>(gp[(oz * d.out.h + oy) * d.out.w + ox]);
          if (d.is_max) {
            if (PoolWindowArgMax(xp, d, win) == self) acc += gv;
          } else {
            acc += d.is_avg ? gv / win.count : gv;
          }
        }
    mop::Assign(dx + i, req, ConvertValue<T>(acc));
  }
};

template <typename xpu>
void PoolingForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                    const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  PoolDims d = MakePoolDims(attrs.get<PoolingParam>(), in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Pooling", {
    Kernel<xpu>::template Launch<PoolFwdMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                             out[0].ptr<T>(), static_cast<int>(req[0]), d);
  });
}

// GPU backward; inputs (ograd, data).
template <typename xpu>
void PoolingBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  PoolDims d = MakePoolDims(attrs.get<PoolingParam>(), in[1].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Pooling backward", {
    Kernel<xpu>::template Launch<PoolBwdMap>(ctx.run.stream, in[1].size(), in[0].ptr<T>(),
                                             in[1].ptr<T>(), out[0].ptr<T>(),
                                             static_cast<int>(req[0]), d);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_POOLING_INL_H_
