// _contrib_MultiBoxPrior (MXNet's src/operator/contrib/multibox_prior): SSD's anchor boxes for
// a feature map (N, C, H, W). For each location (r, c), centre ((c + offset_x) * step_x,
// (r + offset_y) * step_y), in row-major order: one box per size with the first ratio, then
// one per further ratio with the first size; a box of size s and ratio q has half width
// s * H / W * sqrt(q) / 2 and half height s / sqrt(q) / 2. Steps <= 0 mean 1/H and 1/W.
// Output (1, H * W * (sizes + ratios - 1), 4) as (xmin, ymin, xmax, ymax), clipped to [0, 1]
// with clip. Computed in float, as MXNet does; it depends on the data's shape only, so no
// gradient flows to the data (MXNet's backward writes zeros).
#ifndef TESSERA_CORE_OPS_DETECTION_MULTIBOX_PRIOR_INL_H_
#define TESSERA_CORE_OPS_DETECTION_MULTIBOX_PRIOR_INL_H_

#include <cmath>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/param_tuple.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct MultiBoxPriorParam {
  FloatTuple sizes, ratios, steps, offsets;
  bool clip;
  void Declare(ParamDeclarer* d) {
    d->Declare("sizes", &sizes, FloatTuple{1.0}).Describe("Box sizes, fractions of the image.");
    d->Declare("ratios", &ratios, FloatTuple{1.0}).Describe("Aspect ratios (width / height).");
    d->Declare("clip", &clip, false).Describe("Clip the boxes to [0, 1].");
    d->Declare("steps", &steps, FloatTuple{-1.0, -1.0})
        .Describe("Step between centres (y, x); -1: one cell of the feature map.");
    d->Declare("offsets", &offsets, FloatTuple{0.5, 0.5})
        .Describe("Centre offsets within a cell (y, x), in [0, 1].");
  }
};

// At most this many sizes plus ratios (the kernel keeps them in fixed arrays).
constexpr int kMultiBoxPriorMaxShapes = 64;

struct PriorGeometry {
  int64_t h, w;
  int num_sizes, num_ratios;
  float sizes[kMultiBoxPriorMaxShapes], ratios[kMultiBoxPriorMaxShapes];  // ratios: square roots
  float step_y, step_x, offset_y, offset_x;
  bool clip;
  int anchors() const { return num_sizes + num_ratios - 1; }
};

// Location i = r * w + c writes its anchors() boxes.
struct MultiBoxPriorMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, T* out, int req, PriorGeometry g) {
    int64_t r = i / g.w, c = i % g.w;
    float cy = (static_cast<float>(r) + g.offset_y) * g.step_y;
    float cx = (static_cast<float>(c) + g.offset_x) * g.step_x;
    float hw = static_cast<float>(g.h) / static_cast<float>(g.w);
    T* o = out + i * g.anchors() * 4;
    for (int k = 0; k < g.anchors(); ++k) {
      float size = k < g.num_sizes ? g.sizes[k] : g.sizes[0];
      float ratio = k < g.num_sizes ? g.ratios[0] : g.ratios[k - g.num_sizes + 1];
      float half_w = size * hw * ratio / 2, half_h = size / ratio / 2;
      float box[4] = {cx - half_w, cy - half_h, cx + half_w, cy + half_h};
      for (int e = 0; e < 4; ++e) {
        float v = box[e];
        if (g.clip) v = v < 0.f ? 0.f : (v > 1.f ? 1.f : v);
        mop::Assign(o + k * 4 + e, req, ConvertValue<T>(v));
      }
    }
  }
};

// Checks the parameters (ValueError naming the operator) and resolves the steps.
PriorGeometry MakePriorGeometry(const MultiBoxPriorParam& p, const Shape& data);

template <typename xpu>
void MultiBoxPriorForward(const OpAttrs& attrs, const OpContext& ctx,
                          const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                          const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  PriorGeometry g = MakePriorGeometry(attrs.get<MultiBoxPriorParam>(), in[0].shape);
  int r = static_cast<int>(req[0] == OpReq::kAddTo ? OpReq::kAddTo : OpReq::kWrite);
  MX_TYPE_SWITCH_FLOAT(out[0].dtype, T, "_contrib_MultiBoxPrior", {
    Kernel<xpu>::template Launch<MultiBoxPriorMap>(ctx.run.stream, g.h * g.w, out[0].ptr<T>(), r,
                                                   g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_DETECTION_MULTIBOX_PRIOR_INL_H_
