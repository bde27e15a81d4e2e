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
    d->Declare("layout", &layout, std::optional<std::string>()).Describe("NCW or NCHW.");
  }
};

struct PoolDims {
  int spatial;
  int64_t n, c, h, w, oh, ow;
  Window2D g;
  bool is_max, is_avg, include_pad;
};

PoolDims MakePoolDims(const PoolingParam& p, const Shape& data);

// The window of output (y, x): [h0, h1) x [w0, w1) clipped to the data, and the divisor for avg
// (the window's part inside the padded input, or inside the data without count_include_pad).
struct PoolWin {
  int64_t h0, h1, w0, w1;
  double count;
};

MX_XINLINE PoolWin PoolWindowAt(const PoolDims& d, int64_t y, int64_t x) {
  PoolWin r;
  int64_t hs = y * d.g.sh - d.g.ph, ws = x * d.g.sw - d.g.pw;
  int64_t he = hs + d.g.kh < d.h + d.g.ph ? hs + d.g.kh : d.h + d.g.ph;
  int64_t we = ws + d.g.kw < d.w + d.g.pw ? ws + d.g.kw : d.w + d.g.pw;
  double padded = static_cast<double>((he - hs) * (we - ws));
  r.h0 = hs > 0 ? hs : 0;
  r.w0 = ws > 0 ? ws : 0;
  r.h1 = he < d.h ? he : d.h;
  r.w1 = we < d.w ? we : d.w;
  r.count = d.include_pad ? padded : static_cast<double>((r.h1 - r.h0) * (r.w1 - r.w0));
  return r;
}

// Flat index (in the plane xp) of the first maximum of window `win`, or -1 if it is empty.
template <typename T>
MX_XINLINE int64_t PoolWindowArgMax(const T* xp, const PoolDims& d, const PoolWin& win) {
  int64_t best = -1;
  double bv = -INFINITY;
  for (int64_t a = win.h0; a < win.h1; ++a)
    for (int64_t b = win.w0; b < win.w1; ++b) {
      double v = ConvertValue<double>(xp[a * d.w + b]);
      if (best < 0 || v > bv) {
        bv = v;
        best = a * d.w + b;
      }
    }
  return best;
}

struct PoolFwdMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t o, const T* x, T* y, int req, PoolDims d) {
    int64_t ox = o % d.ow, oy = (o / d.ow) % d.oh, nc = o / (d.ow * d.oh);
    const T* xp = x + nc * d.h * d.w;
    PoolWin win = PoolWindowAt(d, oy, ox);
    double acc = d.is_max ? -INFINITY : 0.0;
    for (int64_t iy = win.h0; iy < win.h1; ++iy)
      for (int64_t ix = win.w0; ix < win.w1; ++ix) {
        double v = ConvertValue<double>(xp[iy * d.w + ix]);
        acc = d.is_max ? (v > acc ? v : acc) : acc + v;
      }
    if (d.is_avg) acc /= win.count;
    mop::Assign(y + o, req, ConvertValue<T>(acc));
  }
};

struct PoolBwdMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, const T* x, T* dx, int req, PoolDims d) {
    int64_t ix = i % d.w, iy = (i / d.w) % d.h, nc = i / (d.w * d.h);
    const T* xp = x + nc * d.h * d.w;
    const T* gp = dy + nc * d.oh * d.ow;
    int64_t lo_y = iy + d.g.ph - d.g.kh + 1, lo_x = ix + d.g.pw - d.g.kw + 1;
    int64_t y0 = lo_y <= 0 ? 0 : (lo_y + d.g.sh - 1) / d.g.sh;
    int64_t x0 = lo_x <= 0 ? 0 : (lo_x + d.g.sw - 1) / d.g.sw;
    int64_t y1 = (iy + d.g.ph) / d.g.sh, x1 = (ix + d.g.pw) / d.g.sw;
    if (y1 > d.oh - 1) y1 = d.oh - 1;
    if (x1 > d.ow - 1) x1 = d.ow - 1;
    double acc = 0;
    for (int64_t oy = y0; oy <= y1; ++oy)
      for (int64_t ox = x0; ox <= x1; ++ox) {
        PoolWin win = PoolWindowAt(d, oy, ox);
        if (iy < win.h0 || iy >= win.h1 || ix < win.w0 || ix >= win.w1) continue;
        double g = ConvertValue<double>(gp[oy * d.ow + ox]);
        if (d.is_max) {
          if (PoolWindowArgMax(xp, d, win) == iy * d.w + ix) acc += g;
        } else {
          acc += d.is_avg ? g / win.count : g;
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
