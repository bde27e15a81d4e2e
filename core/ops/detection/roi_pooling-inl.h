// ROIPooling (MXNet's src/operator/roi_pooling, Fast R-CNN): max pooling of each region of
// interest rois[r] = (batch index, x1, y1, x2, y2) of data (N, C, H, W) into pooled_size bins,
// out (R, C, ph, pw). As MXNet 1.9: corners are scaled by spatial_scale and rounded, a region
// is at least 1x1, bin (i, j) covers rows [floor(i * h / ph), ceil((i + 1) * h / ph)) of the
// region clipped to the map; an empty bin or a region with an invalid batch index gives 0. A
// hidden second output keeps each bin's argmax (flat data index, -1 for none, int64) for the
// gradient, which adds each bin's output gradient to that element (one thread per channel, in
// order, so sums are the same on every device); rois get zero gradients.
#ifndef TESSERA_CORE_OPS_DETECTION_ROI_POOLING_INL_H_
#define TESSERA_CORE_OPS_DETECTION_ROI_POOLING_INL_H_

#include <cmath>
#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct ROIPoolingParam {
  Shape pooled_size;
  double spatial_scale;
  void Declare(ParamDeclarer* d) {
    d->Declare("pooled_size", &pooled_size).Describe("ROI pooling output shape (h, w).");
    d->Declare("spatial_scale", &spatial_scale)
        .Describe("Ratio of the feature map's size to the raw image's (1 / total stride).");
  }
};

struct ROIPoolingGeometry {
  int64_t batch, channels, height, width, ph, pw, rois;
  float scale;
};

// Output element i = ((r * C + c) * ph + y) * pw + x.
struct ROIPoolingMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* data, const T* rois, T* out, int64_t* argmax,
                             ROIPoolingGeometry g) {
    int64_t x = i % g.pw, y = (i / g.pw) % g.ph, c = (i / (g.pw * g.ph)) % g.channels,
            r = i / (g.pw * g.ph * g.channels);
    const T* roi = rois + r * 5;
    int64_t b = static_cast<int64_t>(ConvertValue<double>(roi[0]));
    int64_t x0 = static_cast<int64_t>(roundf(ConvertValue<float>(roi[1]) * g.scale));
    int64_t y0 = static_cast<int64_t>(roundf(ConvertValue<float>(roi[2]) * g.scale));
    int64_t x1 = static_cast<int64_t>(roundf(ConvertValue<float>(roi[3]) * g.scale));
    int64_t y1 = static_cast<int64_t>(roundf(ConvertValue<float>(roi[4]) * g.scale));
    int64_t rh = y1 - y0 + 1 > 1 ? y1 - y0 + 1 : 1, rw = x1 - x0 + 1 > 1 ? x1 - x0 + 1 : 1;
    // Bin edges in the data's precision, as MXNet computes them.
    T bin_h = ConvertValue<T>(static_cast<double>(rh)) / ConvertValue<T>(static_cast<double>(g.ph));
    T bin_w = ConvertValue<T>(static_cast<double>(rw)) / ConvertValue<T>(static_cast<double>(g.pw));
    auto edge = [](int64_t k, T bin) { return ConvertValue<double>(ConvertValue<T>(double(k)) * bin); };
    auto clip = [](int64_t v, int64_t hi) { return v < 0 ? 0 : (v > hi ? hi : v); };
    int64_t hs = clip(static_cast<int64_t>(floor(edge(y, bin_h))) + y0, g.height);
    int64_t he = clip(static_cast<int64_t>(ceil(edge(y + 1, bin_h))) + y0, g.height);
    int64_t ws = clip(static_cast<int64_t>(floor(edge(x, bin_w))) + x0, g.width);
    int64_t we = clip(static_cast<int64_t>(ceil(edge(x + 1, bin_w))) + x0, g.width);
    if (b < 0 || b >= g.batch || he <= hs || we <= ws) {
      out[i] = ConvertValue<T>(0.0);
      argmax[i] = -1;
      return;
    }
    int64_t plane = (b * g.channels + c) * g.height * g.width;
    T best = ConvertValue<T>(-3.402823466e+38);
    int64_t at = -1;
    for (int64_t h = hs; h < he; ++h)
      for (int64_t w = ws; w < we; ++w) {
        int64_t k = plane + h * g.width + w;
        if (data[k] > best) {
          best = data[k];
          at = k;
        }
      }
    out[i] = best;
    argmax[i] = at;
  }
};

// Channel c of every data plane: dx[argmax] += ograd over the bins of every roi, in order.
struct ROIPoolingGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t c, const T* og, const int64_t* argmax, T* dx,
                             ROIPoolingGeometry g) {
    int64_t bins = g.ph * g.pw;
    for (int64_t r = 0; r < g.rois; ++r) {
      int64_t base = (r * g.channels + c) * bins;
      for (int64_t k = 0; k < bins; ++k) {
        int64_t at = argmax[base + k];
        if (at >= 0) dx[at] = dx[at] + og[base + k];
      }
    }
  }
};

ROIPoolingGeometry MakeROIPoolingGeometry(const ROIPoolingParam& p, const Shape& data,
                                          const Shape& rois);

template <typename xpu>
void ROIPoolingForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (out[0].size() == 0) return;
  ROIPoolingGeometry g =
      MakeROIPoolingGeometry(attrs.get<ROIPoolingParam>(), in[0].shape, in[1].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "ROIPooling", {
    Kernel<xpu>::template Launch<ROIPoolingMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                in[1].ptr<T>(), out[0].ptr<T>(),
                                                out[1].ptr<int64_t>(), g);
  });
}

// Inputs (ograd, data, rois, argmax); outputs (ddata, drois).
template <typename xpu>
void ROIPoolingBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[1] == OpReq::kWrite || req[1] == OpReq::kInplace) FillBlob(out[1], 0.0, ctx.run.stream);
  if (req[0] == OpReq::kNull) return;
  if (req[0] != OpReq::kAddTo) FillBlob(out[0], 0.0, ctx.run.stream);
  ROIPoolingGeometry g =
      MakeROIPoolingGeometry(attrs.get<ROIPoolingParam>(), in[1].shape, in[2].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "ROIPooling backward", {
    Kernel<xpu>::template Launch<ROIPoolingGradMap>(ctx.run.stream, g.channels, in[0].ptr<T>(),
                                                    in[3].ptr<int64_t>(), out[0].ptr<T>(), g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_DETECTION_ROI_POOLING_INL_H_
