// _contrib_MultiBoxDetection (MXNet's src/operator/contrib/multibox_detection): SSD's
// detections from class probabilities cls_prob (B, classes, A), box regressions loc_pred
// (B, A*4) and anchors (1, A, 4). Per image, as MXNet 1.9's CPU kernel does it: each anchor
// takes its most probable class other than 0 (the background; the first on ties) and becomes
// a row (class - 1, probability, xmin, ymin, xmax, ymax) with the box decoded from its anchor
// (centre + regression * variance * anchor size, size * exp(regression * variance)), clipped
// to [0, 1] with clip; rows whose probability is below threshold are dropped. The rows kept
// come first, in anchor order. With 0 < nms_threshold <= 1 they are sorted by probability
// (descending, stable), only the first nms_topk (> 0) keep their class, and each row still
// valid suppresses (class -1) the later rows of its class (of any class with force_suppress)
// whose IoU with it is at least nms_threshold. Every other row is -1. background_id is
// accepted but, as in MXNet 1.9's kernels, class 0 is the background. No gradient flows to
// the inputs (MXNet's backward writes zeros). One thread per image on a GPU.
#ifndef TESSERA_CORE_OPS_DETECTION_MULTIBOX_DETECTION_INL_H_
#define TESSERA_CORE_OPS_DETECTION_MULTIBOX_DETECTION_INL_H_

#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/param_tuple.h"
#include "core/op/workspace.h"
#include "core/ops/detection/multibox_target-inl.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/sort/index_sort.h"

namespace mx {

struct MultiBoxDetectionParam {
  bool clip, force_suppress;
  double threshold, nms_threshold;
  int background_id, nms_topk;
  FloatTuple variances;
  void Declare(ParamDeclarer* d) {
    d->Declare("clip", &clip, true).Describe("Clip the boxes to [0, 1].");
    d->Declare("threshold", &threshold, 0.01).Describe("Lowest probability of a detection.");
    d->Declare("background_id", &background_id, 0)
        .Describe("Background class; accepted, class 0 is the background (as MXNet 1.9).");
    d->Declare("nms_threshold", &nms_threshold, 0.5)
        .Describe("IoU from which a box suppresses another; outside (0, 1]: no suppression.");
    d->Declare("force_suppress", &force_suppress, false)
        .Describe("Suppress across classes too.");
    d->Declare("variances", &variances, FloatTuple{0.1, 0.1, 0.2, 0.2})
        .Describe("Variances the regressions are multiplied by.");
    d->Declare("nms_topk", &nms_topk, -1)
        .Describe("Detections per image that take part in suppression; -1: all.");
  }
};

struct DetectionGeometry {
  int64_t batches, anchors, classes;
  double threshold, nms;
  int topk;
  bool clip, force;
  double var[4];
};

struct MultiBoxDetectionMap {
  // Scratch words per image: the decoded rows (6 per anchor, as double) and two sort arrays.
  static int64_t Words(int64_t anchors) { return 8 * anchors; }

  template <typename T>
  MX_XINLINE static void Map(int64_t b, const T* cls_prob, const T* loc_pred, const T* anchor,
                             T* out, int64_t* work, DetectionGeometry g) {
    const int64_t A = g.anchors;
    const T* prob = cls_prob + b * g.classes * A;
    const T* loc = loc_pred + b * A * 4;
    T* o = out + b * A * 6;
    int64_t* base = work + b * Words(A);
    double* rows = reinterpret_cast<double*>(base);
    int64_t* idx = base + 6 * A;
    int64_t* tmp = base + 7 * A;
    for (int64_t i = 0; i < A * 6; ++i) o[i] = ConvertValue<T>(-1.0);
    int64_t valid = 0;
    for (int64_t i = 0; i < A; ++i) {
      double score = -1;
      int64_t id = 0;
      for (int64_t c = 1; c < g.classes; ++c) {
        double v = ConvertValue<double>(prob[c * A + i]);
        if (v > score) {
          score = v;
          id = c;
        }
      }
      if (id == 0 || score < g.threshold) continue;
      const T* a = anchor + i * 4;
      const T* p = loc + i * 4;
      double al = ConvertValue<double>(a[0]), at = ConvertValue<double>(a[1]);
      double aw = ConvertValue<double>(a[2]) - al, ah = ConvertValue<double>(a[3]) - at;
      double ox = ConvertValue<double>(p[0]) * g.var[0] * aw + (al + aw / 2);
      double oy = ConvertValue<double>(p[1]) * g.var[1] * ah + (at + ah / 2);
      double hw = mop::math::exp(ConvertValue<double>(p[2]) * g.var[2]) * aw / 2;
      double hh = mop::math::exp(ConvertValue<double>(p[3]) * g.var[3]) * ah / 2;
      double r[6] = {static_cast<double>(id - 1), score, ox - hw, oy - hh, ox + hw, oy + hh};
      for (int e = 2; e < 6 && g.clip; ++e) r[e] = r[e] < 0 ? 0.0 : (r[e] > 1 ? 1.0 : r[e]);
      for (int e = 0; e < 6; ++e) rows[valid * 6 + e] = r[e];
      ++valid;
    }
    if (valid == 0) return;
    for (int64_t i = 0; i < valid; ++i) idx[i] = i;
    bool suppress = g.nms > 0 && g.nms <= 1;
    if (suppress) {
      StableSortIndices(idx, tmp, valid, [rows](int64_t x, int64_t y) {
        return rows[x * 6 + 1] > rows[y * 6 + 1];
      });
    }
    int64_t keep = suppress && g.topk > 0 && g.topk < valid ? g.topk : valid;
    // Rows past nms_topk stay where the unsorted rows were, with class -1 (as MXNet leaves them).
    for (int64_t i = keep; i < valid; ++i)
      for (int e = 1; e < 6; ++e) o[i * 6 + e] = ConvertValue<T>(rows[i * 6 + e]);
    for (int64_t i = 0; i < keep; ++i)
      for (int e = 0; e < 6; ++e) o[i * 6 + e] = ConvertValue<T>(rows[idx[i] * 6 + e]);
    if (!suppress) return;
    for (int64_t i = 0; i < keep; ++i) {
      if (ConvertValue<double>(o[i * 6]) < 0) continue;
      for (int64_t j = i + 1; j < keep; ++j) {
        if (ConvertValue<double>(o[j * 6]) < 0) continue;
        if (!g.force && ConvertValue<double>(o[i * 6]) != ConvertValue<double>(o[j * 6]))
          continue;
        if (CornerIoU(o + i * 6 + 2, o + j * 6 + 2) >= g.nms) o[j * 6] = ConvertValue<T>(-1.0);
      }
    }
  }
};

DetectionGeometry MakeDetectionGeometry(const MultiBoxDetectionParam& p, const Shape& cls_prob);

template <typename xpu>
void MultiBoxDetectionForward(const OpAttrs& attrs, const OpContext& ctx,
                              const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                              const std::vector<TBlob>& out) {
  MX_CHECK_AS(NotImplementedError, req[0] != OpReq::kAddTo)
      << "operator _contrib_MultiBoxDetection does not support accumulation (kAddTo).";
  if (req[0] == OpReq::kNull) return;
  DetectionGeometry g = MakeDetectionGeometry(attrs.get<MultiBoxDetectionParam>(), in[0].shape);
  if (g.batches == 0) return;
  int64_t* work = TypedWorkspace<int64_t, xpu>(g.batches * MultiBoxDetectionMap::Words(g.anchors),
                                               WorkspaceSlot::kMultiBox);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_contrib_MultiBoxDetection", {
    Kernel<xpu>::template Launch<MultiBoxDetectionMap>(ctx.run.stream, g.batches,
                                                       in[0].ptr<T>(), in[1].ptr<T>(),
                                                       in[2].ptr<T>(), out[0].ptr<T>(), work, g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_DETECTION_MULTIBOX_DETECTION_INL_H_
