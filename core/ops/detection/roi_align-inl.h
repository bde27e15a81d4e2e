// _contrib_ROIAlign (MXNet's src/operator/contrib/roi_align, after Detectron): each region of
// interest rois[n] = (batch index, x1, y1, x2, y2), scaled by spatial_scale (minus 0.5 with
// aligned), is split into pooled_size bins; a bin averages bilinear samples of data (N, C, H, W)
// on a grid of sample_ratio^2 points (ceil(roi size / bins) per axis when sample_ratio <= 0).
// Samples outside [-1, H] x [-1, W] count as 0. With position_sensitive, bin (ph, pw) of output
// channel c reads input channel (c * PH + ph) * PW + pw. Rois with a negative batch index give
// 0. The data gradient spreads each output gradient over its samples' four neighbours; one
// thread per (image, input channel) plane gathers what reaches it (deterministic).
#ifndef TESSERA_CORE_OPS_DETECTION_ROI_ALIGN_INL_H_
#define TESSERA_CORE_OPS_DETECTION_ROI_ALIGN_INL_H_

#include <cmath>
#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct ROIAlignParam {
  Shape pooled_size;
  double spatial_scale;
  int sample_ratio;
  bool position_sensitive, aligned;
  void Declare(ParamDeclarer* d) {
    d->Declare("pooled_size", &pooled_size).Describe("Output bins (h, w).");
    d->Declare("spatial_scale", &spatial_scale)
        .Describe("Feature map size over image size (1 / the network's stride).");
    d->Declare("sample_ratio", &sample_ratio, -1)
        .Describe("Samples per bin and axis; <= 0: adaptive.");
    d->Declare("position_sensitive", &position_sensitive, false)
        .Describe("Each bin reads its own group of channels (R-FCN).");
    d->Declare("aligned", &aligned, false).Describe("Shift by half a pixel (Detectron2).");
  }
};

struct ROIAlignGeometry {
  int64_t channels, height, width, ph, pw, out_channels, rois, batch;
  double scale;
  int sample_ratio;
  bool position_sensitive, aligned;
};

// A roi's start, bin size and sample grid.
struct ROIBox {
  int64_t batch;
  double y0, x0, bin_h, bin_w;
  int64_t grid_h, grid_w;
};

template <typename T>
MX_XINLINE ROIBox MakeROIBox(const T* roi, const ROIAlignGeometry& g) {
  ROIBox b;
  b.batch = static_cast<int64_t>(ConvertValue<double>(roi[0]));
  double off = g.aligned ? 0.5 : 0.0;
  b.x0 = ConvertValue<double>(roi[1]) * g.scale - off;
  b.y0 = ConvertValue<double>(roi[2]) * g.scale - off;
  double w = ConvertValue<double>(roi[3]) * g.scale - off - b.x0;
  double h = ConvertValue<double>(roi[4]) * g.scale - off - b.y0;
  if (!g.aligned) {
    w = w > 1.0 ? w : 1.0;
    h = h > 1.0 ? h : 1.0;
  }
  b.bin_h = h / g.ph;
  b.bin_w = w / g.pw;
  b.grid_h = g.sample_ratio > 0 ? g.sample_ratio : static_cast<int64_t>(::ceil(h / g.ph));
  b.grid_w = g.sample_ratio > 0 ? g.sample_ratio : static_cast<int64_t>(::ceil(w / g.pw));
  return b;
}

// The four neighbours (pos) and weights of the sample at (y, x); all weights 0 outside.
MX_XINLINE void ROISample(double y, double x, int64_t height, int64_t width, int64_t pos[4],
                          double w[4]) {
  for (int i = 0; i < 4; ++i) {
    pos[i] = 0;
    w[i] = 0;
  }
  if (y < -1.0 || y > height || x < -1.0 || x > width) return;
  y = y <= 0 ? 0 : y;
  x = x <= 0 ? 0 : x;
  int64_t y_lo = static_cast<int64_t>(y), x_lo = static_cast<int64_t>(x), y_hi, x_hi;
  if (y_lo >= height - 1) {
    y_hi = y_lo = height - 1;
    y = static_cast<double>(y_lo);
  } else {
    y_hi = y_lo + 1;
  }
  if (x_lo >= width - 1) {
    x_hi = x_lo = width - 1;
    x = static_cast<double>(x_lo);
  } else {
    x_hi = x_lo + 1;
  }
  double ly = y - y_lo, lx = x - x_lo, hy = 1 - ly, hx = 1 - lx;
  pos[0] = y_lo * width + x_lo;
  pos[1] = y_lo * width + x_hi;
  pos[2] = y_hi * width + x_lo;
  pos[3] = y_hi * width + x_hi;
  w[0] = hy * hx;
  w[1] = hy * lx;
  w[2] = ly * hx;
  w[3] = ly * lx;
}

// Calls visit(pos[4], w[4]) for each bilinear sample of bin (ph, pw) of roi b.
template <typename Visit>
MX_XINLINE void ForEachROISample(const ROIBox& b, int64_t ph, int64_t pw, int64_t height,
                                 int64_t width, const Visit& visit) {
  for (int64_t iy = 0; iy < b.grid_h; ++iy) {
    double y = b.y0 + ph * b.bin_h + (iy + 0.5) * b.bin_h / b.grid_h;
    for (int64_t ix = 0; ix < b.grid_w; ++ix) {
      double x = b.x0 + pw * b.bin_w + (ix + 0.5) * b.bin_w / b.grid_w;
      int64_t pos[4];
      double w[4];
      ROISample(y, x, height, width, pos, w);
      visit(pos, w);
    }
  }
}

// The input channel that output channel c's bin (ph, pw) reads.
MX_XINLINE int64_t ROIInputChannel(int64_t c, int64_t ph, int64_t pw, const ROIAlignGeometry& g) {
  return g.position_sensitive ? (c * g.ph + ph) * g.pw + pw : c;
}

struct ROIAlignForwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* data, const T* rois, T* out, int req,
                             ROIAlignGeometry g) {
    int64_t pw = i % g.pw, ph = (i / g.pw) % g.ph, c = (i / (g.pw * g.ph)) % g.out_channels;
    int64_t n = i / (g.pw * g.ph * g.out_channels);
    ROIBox b = MakeROIBox(rois + n * 5, g);
    double acc = 0;
    if (b.batch >= 0 && b.batch < g.batch) {
      const T* plane =
          data + (b.batch * g.channels + ROIInputChannel(c, ph, pw, g)) * g.height * g.width;
      ForEachROISample(b, ph, pw, g.height, g.width, [&](const int64_t* pos, const double* w) {
        for (int k = 0; k < 4; ++k) acc += w[k] * ConvertValue<double>(plane[pos[k]]);
      });
      int64_t count = b.grid_h * b.grid_w;
      acc = count > 0 ? acc / count : 0.0;
    }
    mop::Assign(out + i, req, ConvertValue<T>(acc));
  }
};

// Plane p = (image, input channel) of dx: the gradient from every roi bin that sampled it.
struct ROIAlignBackwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t p, const T* og, const T* rois, T* dx, ROIAlignGeometry g) {
    int64_t image = p / g.channels, ci = p % g.channels;
    T* plane = dx + p * g.height * g.width;
    // The (output channel, bin) pairs that read channel ci.
    int64_t c_lo = ci, c_hi = ci + 1, only_ph = -1, only_pw = -1;
    if (g.position_sensitive) {
      c_lo = ci / (g.ph * g.pw);
      c_hi = c_lo + 1;
      only_ph = (ci / g.pw) % g.ph;
      only_pw = ci % g.pw;
    }
    for (int64_t n = 0; n < g.rois; ++n) {
      ROIBox b = MakeROIBox(rois + n * 5, g);
      if (b.batch != image) continue;
      int64_t count = b.grid_h * b.grid_w;
      if (count == 0) continue;
      for (int64_t c = c_lo; c < c_hi; ++c)
        for (int64_t ph = 0; ph < g.ph; ++ph)
          for (int64_t pw = 0; pw < g.pw; ++pw) {
            if (only_ph >= 0 && (ph != only_ph || pw != only_pw)) continue;
            double d = ConvertValue<double>(
                           og[((n * g.out_channels + c) * g.ph + ph) * g.pw + pw]) / count;
            ForEachROISample(b, ph, pw, g.height, g.width,
                             [&](const int64_t* pos, const double* w) {
                               for (int k = 0; k < 4; ++k)
                                 plane[pos[k]] = ConvertValue<T>(
                                     ConvertValue<double>(plane[pos[k]]) + w[k] * d);
                             });
          }
    }
  }
};

ROIAlignGeometry MakeROIAlignGeometry(const ROIAlignParam& p, const Shape& data,
                                      const Shape& rois);

template <typename xpu>
void ROIAlignForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  ROIAlignGeometry g = MakeROIAlignGeometry(attrs.get<ROIAlignParam>(), in[0].shape, in[1].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_contrib_ROIAlign", {
    Kernel<xpu>::template Launch<ROIAlignForwardMap>(ctx.run.stream, out[0].size(),
                                                     in[0].ptr<T>(), in[1].ptr<T>(),
                                                     out[0].ptr<T>(), static_cast<int>(req[0]),
                                                     g);
  });
}

// Inputs (ograd, data, rois); output the data gradient.
template <typename xpu>
void ROIAlignBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  if (req[0] != OpReq::kAddTo) FillBlob(out[0], 0.0, ctx.run.stream);
  ROIAlignGeometry g = MakeROIAlignGeometry(attrs.get<ROIAlignParam>(), in[1].shape, in[2].shape);
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "_contrib_ROIAlign backward", {
    Kernel<xpu>::template Launch<ROIAlignBackwardMap>(ctx.run.stream, g.batch * g.channels,
                                                      in[0].ptr<T>(), in[2].ptr<T>(),
                                                      out[0].ptr<T>(), g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_DETECTION_ROI_ALIGN_INL_H_
