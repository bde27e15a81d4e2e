// _contrib_BilinearResize2D (MXNet's contrib/bilinear_resize): resizes NCHW data to
// (height, width) by bilinear interpolation, with MXNet 1.9's output-size modes (size, with
// optional scales; odd_scale; like, the second input's spatial size; to_even/odd_down/up) and
// its sampling: with align_corners the corner pixels map onto each other (scale (in - 1) /
// (out - 1)), without it pixel areas scale (source index (dst + 0.5) * in / out - 0.5, clamped
// at 0); the weights are computed in float as MXNet does. The gradient
// (_backward_contrib_BilinearResize2D, inputs (ograd, data[, like])) spreads each output
// gradient onto its four source pixels, one thread per channel plane so sums keep their order
// on every device; `like` gets a zero gradient.
#ifndef TESSERA_CORE_OPS_RESIZE_BILINEAR_RESIZE_INL_H_
#define TESSERA_CORE_OPS_RESIZE_BILINEAR_RESIZE_INL_H_

#include <optional>
#include <string>
#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct BilinearResizeParam {
  int height, width;
  std::optional<double> scale_height, scale_width;
  std::string mode;
  bool align_corners;
  void Declare(ParamDeclarer* d) {
    d->Declare("height", &height, 1).Describe("Output height (mode size, without scales).");
    d->Declare("width", &width, 1).Describe("Output width (mode size, without scales).");
    d->Declare("scale_height", &scale_height, std::optional<double>())
        .Describe("Sampling scale of the height (modes size and odd_scale).");
    d->Declare("scale_width", &scale_width, std::optional<double>())
        .Describe("Sampling scale of the width (modes size and odd_scale).");
    d->Declare("mode", &mode, std::string("size"))
        .Enum({"size", "odd_scale", "like", "to_even_down", "to_even_up", "to_odd_down",
               "to_odd_up"})
        .Describe("How the output size is found.");
    d->Declare("align_corners", &align_corners, true)
        .Describe("Map the corner pixels onto each other instead of scaling pixel areas.");
  }
};

// One axis: output index o reads input i0 and i0 + step with weights w0 and w1.
struct ResizeAxis {
  int64_t in, out;
  float scale;
  bool align;
};

MX_XINLINE float ResizeScale(int64_t in, int64_t out, bool align) {
  if (out <= 1) return 0.0f;
  return align ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
               : static_cast<float>(in) / static_cast<float>(out);
}

// Source position of output index o: its first pixel, the step to the second (0 at the
// border) and the second's weight.
MX_XINLINE void ResizeSource(const ResizeAxis& a, int64_t o, int64_t* i0, int64_t* step,
                             float* w1) {
  float src = a.align ? a.scale * static_cast<float>(o)
                      : a.scale * (static_cast<float>(o) + 0.5f) - 0.5f;
  if (!a.align && src < 0) src = 0;
  *i0 = static_cast<int64_t>(src);
  *step = *i0 < a.in - 1 ? 1 : 0;
  *w1 = src - static_cast<float>(*i0);
}

struct ResizeGeometry {
  ResizeAxis h, w;
};

struct BilinearResizeMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, T* y, ResizeGeometry g, int req) {
    int64_t ow = i % g.w.out, oh = (i / g.w.out) % g.h.out, plane = i / (g.w.out * g.h.out);
    int64_t h0, hs, w0, ws;
    float hl, wl;
    ResizeSource(g.h, oh, &h0, &hs, &hl);
    ResizeSource(g.w, ow, &w0, &ws, &wl);
    const T* p = x + plane * g.h.in * g.w.in + h0 * g.w.in + w0;
    T h1 = ConvertValue<T>(hl), w1 = ConvertValue<T>(wl);
    T one = ConvertValue<T>(1.0);
    T h0l = one - h1, w0l = one - w1;
    T v = h0l * (w0l * p[0] + w1 * p[ws]) + h1 * (w0l * p[hs * g.w.in] + w1 * p[hs * g.w.in + ws]);
    mop::Assign(y + i, req, v);
  }
};

// Plane `plane` of dx (zeroed first unless adding) from its output gradients, in order.
struct BilinearResizeGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t plane, const T* og, T* dx, ResizeGeometry g, bool add) {
    T* d = dx + plane * g.h.in * g.w.in;
    if (!add)
      for (int64_t k = 0; k < g.h.in * g.w.in; ++k) d[k] = ConvertValue<T>(0.0);
    const T* o = og + plane * g.h.out * g.w.out;
    T one = ConvertValue<T>(1.0);
    for (int64_t oh = 0; oh < g.h.out; ++oh) {
      int64_t h0, hs;
      float hl;
      ResizeSource(g.h, oh, &h0, &hs, &hl);
      T h1 = ConvertValue<T>(hl), h0l = one - h1;
      for (int64_t ow = 0; ow < g.w.out; ++ow) {
        int64_t w0, ws;
        float wl;
        ResizeSource(g.w, ow, &w0, &ws, &wl);
        T w1 = ConvertValue<T>(wl), w0l = one - w1;
        T v = o[oh * g.w.out + ow];
        T* p = d + h0 * g.w.in + w0;
        p[0] = p[0] + h0l * w0l * v;  // (half has no +=)
        p[ws] = p[ws] + h0l * w1 * v;
        p[hs * g.w.in] = p[hs * g.w.in] + h1 * w0l * v;
        p[hs * g.w.in + ws] = p[hs * g.w.in + ws] + h1 * w1 * v;
      }
    }
  }
};

inline ResizeGeometry MakeResizeGeometry(const Shape& in, const Shape& out, bool align) {
  return ResizeGeometry{{in[2], out[2], ResizeScale(in[2], out[2], align), align},
                        {in[3], out[3], ResizeScale(in[3], out[3], align), align}};
}

template <typename xpu>
void BilinearResizeForward(const OpAttrs& attrs, const OpContext& ctx,
                           const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                           const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  ResizeGeometry g = MakeResizeGeometry(in[0].shape, out[0].shape,
                                        attrs.get<BilinearResizeParam>().align_corners);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_contrib_BilinearResize2D", {
    Kernel<xpu>::template Launch<BilinearResizeMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                    out[0].ptr<T>(), g, static_cast<int>(req[0]));
  });
}

// Inputs (ograd, data[, like]); outputs (dx[, dlike]).
template <typename xpu>
void BilinearResizeBackward(const OpAttrs& attrs, const OpContext& ctx,
                            const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                            const std::vector<TBlob>& out) {
  if (out.size() > 1 && (req[1] == OpReq::kWrite || req[1] == OpReq::kInplace))
    FillBlob(out[1], 0.0, ctx.run.stream);
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  ResizeGeometry g = MakeResizeGeometry(out[0].shape, in[0].shape,
                                        attrs.get<BilinearResizeParam>().align_corners);
  int64_t planes = out[0].shape[0] * out[0].shape[1];
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_backward_contrib_BilinearResize2D", {
    Kernel<xpu>::template Launch<BilinearResizeGradMap>(ctx.run.stream, planes, in[0].ptr<T>(),
                                                        out[0].ptr<T>(), g,
                                                        req[0] == OpReq::kAddTo);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_RESIZE_BILINEAR_RESIZE_INL_H_
