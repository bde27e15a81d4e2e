// _contrib_AdaptiveAvgPooling2D (MXNet's src/operator/contrib/adaptive_avg_pooling): data
// (N, C, H, W) averaged over windows that split H and W into output_size (OH, OW) parts; output
// row oh covers input rows [floor(oh H / OH), ceil((oh + 1) H / OH)). The gradient spreads each
// output gradient evenly over its window.
#ifndef TESSERA_CORE_OPS_NN_ADAPTIVE_POOLING_INL_H_
#define TESSERA_CORE_OPS_NN_ADAPTIVE_POOLING_INL_H_

#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct AdaptiveAvgPoolParam {
  Shape output_size;
  void Declare(ParamDeclarer* d) {
    d->Declare("output_size", &output_size, Shape())
        .Describe("(OH, OW), or (S,) for S x S; () is 1 x 1.");
  }
};

struct AdaptiveGeometry {
  int64_t in_h, in_w, out_h, out_w;
};

// First and one-past-last input index of output index o when `in` is split into `out` parts.
MX_XINLINE int64_t AdaptiveStart(int64_t o, int64_t out, int64_t in) { return o * in / out; }
MX_XINLINE int64_t AdaptiveEnd(int64_t o, int64_t out, int64_t in) {
  return ((o + 1) * in + out - 1) / out;
}

struct AdaptiveAvgForwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, T* y, int req, AdaptiveGeometry g) {
    int64_t ow = i % g.out_w, oh = (i / g.out_w) % g.out_h, plane = i / (g.out_w * g.out_h);
    int64_t h0 = AdaptiveStart(oh, g.out_h, g.in_h), h1 = AdaptiveEnd(oh, g.out_h, g.in_h);
    int64_t w0 = AdaptiveStart(ow, g.out_w, g.in_w), w1 = AdaptiveEnd(ow, g.out_w, g.in_w);
    const T* base = x + plane * g.in_h * g.in_w;
    double sum = 0;
    for (int64_t h = h0; h < h1; ++h)
      for (int64_t w = w0; w < w1; ++w) sum += ConvertValue<double>(base[h * g.in_w + w]);
    mop::Assign(y + i, req, ConvertValue<T>(sum / ((h1 - h0) * (w1 - w0))));
  }
};

// dx at input (h, w): the sum over the windows containing it of dy / window size.
struct AdaptiveAvgBackwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, T* dx, int req, AdaptiveGeometry g) {
    int64_t w = i % g.in_w, h = (i / g.in_w) % g.in_h, plane = i / (g.in_w * g.in_h);
    const T* base = dy + plane * g.out_h * g.out_w;
    double acc = 0;
    for (int64_t oh = 0; oh < g.out_h; ++oh) {
      int64_t h0 = AdaptiveStart(oh, g.out_h, g.in_h), h1 = AdaptiveEnd(oh, g.out_h, g.in_h);
      if (h < h0 || h >= h1) continue;
      for (int64_t ow = 0; ow < g.out_w; ++ow) {
        int64_t w0 = AdaptiveStart(ow, g.out_w, g.in_w), w1 = AdaptiveEnd(ow, g.out_w, g.in_w);
        if (w < w0 || w >= w1) continue;
        acc += ConvertValue<double>(base[oh * g.out_w + ow]) / ((h1 - h0) * (w1 - w0));
      }
    }
    mop::Assign(dx + i, req, ConvertValue<T>(acc));
  }
};

inline AdaptiveGeometry MakeAdaptiveGeometry(const Shape& data, const Shape& out) {
  return {data[2], data[3], out[2], out[3]};
}

template <typename xpu>
void AdaptiveAvgPoolForward(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                            const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  AdaptiveGeometry g = MakeAdaptiveGeometry(in[0].shape, out[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "AdaptiveAvgPooling2D", {
    Kernel<xpu>::template Launch<AdaptiveAvgForwardMap>(ctx.run.stream, out[0].size(),
                                                        in[0].ptr<T>(), out[0].ptr<T>(),
                                                        static_cast<int>(req[0]), g);
  });
}

// Inputs (ograd, data); output the data gradient.
template <typename xpu>
void AdaptiveAvgPoolBackward(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                             const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  AdaptiveGeometry g = MakeAdaptiveGeometry(in[1].shape, in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "AdaptiveAvgPooling2D backward", {
    Kernel<xpu>::template Launch<AdaptiveAvgBackwardMap>(ctx.run.stream, out[0].size(),
                                                         in[0].ptr<T>(), out[0].ptr<T>(),
                                                         static_cast<int>(req[0]), g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_ADAPTIVE_POOLING_INL_H_
