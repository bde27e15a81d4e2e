// _contrib_MultiBoxTarget (MXNet's src/operator/contrib/multibox_target): SSD's training
// targets. Inputs anchor (1, A, 4) corner boxes, label (B, L, >= 5) rows (class, xmin, ymin,
// xmax, ymax, ...) padded with class -1 (the first such row ends an image's objects), cls_pred
// (B, classes, A). Per image, as MXNet 1.9's CPU kernel does it:
// 1. greedy bipartite matching: repeatedly the (anchor, object) pair of largest IoU (> 1e-6;
//    ties: the first anchor, then the first object) among unmatched anchors and objects;
// 2. with overlap_threshold > 0, every other anchor is matched to its best object, a positive
//    where that IoU exceeds the threshold;
// 3. negatives: with negative_mining_ratio > 0, the unmatched anchors whose best IoU is below
//    negative_mining_thresh, ordered by their background probability (softmax of cls_pred),
//    lowest first and stable, of which int(positives * ratio) are taken; otherwise every
//    anchor that is not positive.
// Outputs: loc_target (B, A*4) the box encodings of positives ((gx - ax) / aw / v0,
// (gy - ay) / ah / v1, log(gw / aw) / v2, log(gh / ah) / v3), 0 elsewhere; loc_mask (B, A*4)
// 1 for positives; cls_target (B, A) class + 1 for positives, 0 for negatives, ignore_label for
// the rest. No gradient flows to the inputs (MXNet's backward writes zeros). One thread per
// image on a GPU.
#ifndef TESSERA_CORE_OPS_DETECTION_MULTIBOX_TARGET_INL_H_
#define TESSERA_CORE_OPS_DETECTION_MULTIBOX_TARGET_INL_H_

#include <cmath>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/param_tuple.h"
#include "core/op/workspace.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/sort/index_sort.h"

namespace mx {

struct MultiBoxTargetParam {
  double overlap_threshold, ignore_label, negative_mining_ratio, negative_mining_thresh;
  int minimum_negative_samples;
  FloatTuple variances;
  void Declare(ParamDeclarer* d) {
    d->Declare("overlap_threshold", &overlap_threshold, 0.5)
        .Describe("IoU above which an anchor is a positive.");
    d->Declare("ignore_label", &ignore_label, -1.0).Describe("cls_target of ignored anchors.");
    d->Declare("negative_mining_ratio", &negative_mining_ratio, -1.0)
        .Describe("Negatives per positive; -1: every other anchor is a negative.");
    d->Declare("negative_mining_thresh", &negative_mining_thresh, 0.5)
        .Describe("Best IoU below which an anchor may be a mined negative.");
    d->Declare("minimum_negative_samples", &minimum_negative_samples, 0)
        .Describe("Accepted; unused, as in MXNet 1.9.");
    d->Declare("variances", &variances, FloatTuple{0.1, 0.1, 0.2, 0.2})
        .Describe("Variances the box encodings are divided by.");
  }
};

struct TargetGeometry {
  int64_t batches, anchors, labels, label_width, classes;
  double overlap, ignore, ratio, mining_thresh;
  double var[4];
};

// IoU of two corner boxes, MXNet's way (0 where the union is not positive).
template <typename T>
MX_XINLINE double CornerIoU(const T* a, const T* b) {
  double al = ConvertValue<double>(a[0]), at = ConvertValue<double>(a[1]);
  double ar = ConvertValue<double>(a[2]), ab = ConvertValue<double>(a[3]);
  double bl = ConvertValue<double>(b[0]), bt = ConvertValue<double>(b[1]);
  double br = ConvertValue<double>(b[2]), bb = ConvertValue<double>(b[3]);
  double w = (ar < br ? ar : br) - (al > bl ? al : bl);
  double h = (ab < bb ? ab : bb) - (at > bt ? at : bt);
  double inter = (w > 0 ? w : 0) * (h > 0 ? h : 0);
  double uni = (ar - al) * (ab - at) + (br - bl) * (bb - bt) - inter;
  return uni <= 0 ? 0.0 : inter / uni;
}

// Scratch for one image: best IoU and object per anchor, mining keys, anchor flags (-1 don't
// care, 0 negative, 1 positive), object flags and the sort's two index arrays.
struct TargetScratch {
  double *best_iou, *key;
  int64_t *best_gt, *flag, *gt_used, *idx, *tmp;
  static int64_t Words(int64_t anchors, int64_t labels) { return 7 * anchors + labels; }
  MX_XINLINE TargetScratch(int64_t* base, int64_t anchors, int64_t labels) {
    best_iou = reinterpret_cast<double*>(base);
    key = reinterpret_cast<double*>(base + anchors);
    best_gt = base + 2 * anchors;
    flag = base + 3 * anchors;
    idx = base + 4 * anchors;
    tmp = base + 5 * anchors;
    gt_used = base + 6 * anchors;
  }
};

struct MultiBoxTargetMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t b, const T* anchor, const T* label, const T* cls_pred,
                             T* loc_target, T* loc_mask, T* cls_target, int64_t* work,
                             TargetGeometry g) {
    const int64_t A = g.anchors;
    const T* lab = label + b * g.labels * g.label_width;
    T* loc = loc_target + b * A * 4;
    T* mask = loc_mask + b * A * 4;
    T* cls = cls_target + b * A;
    for (int64_t i = 0; i < A * 4; ++i) loc[i] = mask[i] = ConvertValue<T>(0.0);
    for (int64_t i = 0; i < A; ++i) cls[i] = ConvertValue<T>(g.ignore);
    int64_t gts = 0;
    while (gts < g.labels && ConvertValue<double>(lab[gts * g.label_width]) != -1.0) ++gts;
    if (gts == 0) return;
    TargetScratch s(work + b * TargetScratch::Words(A, g.labels), A, g.labels);
    for (int64_t j = 0; j < A; ++j) {
      s.best_iou[j] = -1.0;
      s.best_gt[j] = -1;
      s.flag[j] = -1;
    }
    for (int64_t k = 0; k < gts; ++k) s.gt_used[k] = 0;
    int64_t positives = 0;
    for (int64_t round = 0; round < gts; ++round) {  // 1. greedy bipartite matching
      int64_t best_a = -1, best_k = -1;
      double best = 1e-6;
      for (int64_t j = 0; j < A; ++j) {
        if (s.flag[j] == 1) continue;
        for (int64_t k = 0; k < gts; ++k) {
          if (s.gt_used[k]) continue;
          double iou = CornerIoU(anchor + j * 4, lab + k * g.label_width + 1);
          if (iou > best) {
            best = iou;
            best_a = j;
            best_k = k;
          }
        }
      }
      if (best_a < 0) break;
      s.best_iou[best_a] = best;
      s.best_gt[best_a] = best_k;
      s.gt_used[best_k] = 1;
      s.flag[best_a] = 1;
      ++positives;
    }
    for (int64_t j = 0; j < A; ++j) {  // 2. (and 3.'s best IoU) the best object of the rest
      if (s.flag[j] == 1 || (g.overlap <= 0 && g.ratio <= 0)) continue;
      double best = -1.0;
      int64_t best_k = -1;
      for (int64_t k = 0; k < gts; ++k) {
        double iou = CornerIoU(anchor + j * 4, lab + k * g.label_width + 1);
        if (iou > best) {
          best = iou;
          best_k = k;
        }
      }
      s.best_iou[j] = best;
      s.best_gt[j] = best_k;
      if (g.overlap > 0 && best > g.overlap) {
        s.flag[j] = 1;
        ++positives;
      }
    }
    if (g.ratio > 0) {  // 3. hard negative mining
      int64_t want = static_cast<int64_t>(static_cast<float>(positives) *
                                          static_cast<float>(g.ratio));
      if (want > A - positives) want = A - positives;
      const T* pred = cls_pred + b * g.classes * A;
      int64_t m = 0;
      for (int64_t j = 0; want > 0 && j < A; ++j) {
        if (s.flag[j] != -1 || !(s.best_iou[j] < g.mining_thresh)) continue;
        double top = ConvertValue<double>(pred[j]);
        for (int64_t c = 1; c < g.classes; ++c) {
          double v = ConvertValue<double>(pred[c * A + j]);
          if (v > top) top = v;
        }
        double sum = 0;
        for (int64_t c = 0; c < g.classes; ++c)
          sum += mop::math::exp(ConvertValue<double>(pred[c * A + j]) - top);
        s.key[j] = mop::math::exp(ConvertValue<double>(pred[j]) - top) / sum;
        s.idx[m++] = j;
      }
      const double* key = s.key;
      StableSortIndices(s.idx, s.tmp, m, [key](int64_t x, int64_t y) { return key[x] < key[y]; });
      for (int64_t i = 0; i < m && i < want; ++i) s.flag[s.idx[i]] = 0;
    } else {
      for (int64_t j = 0; j < A; ++j)
        if (s.flag[j] != 1) s.flag[j] = 0;
    }
    for (int64_t j = 0; j < A; ++j) {  // the targets
      if (s.flag[j] == 0) cls[j] = ConvertValue<T>(0.0);
      if (s.flag[j] != 1) continue;
      const T* gt = lab + s.best_gt[j] * g.label_width;
      cls[j] = ConvertValue<T>(ConvertValue<double>(gt[0]) + 1);
      const T* a = anchor + j * 4;
      double al = ConvertValue<double>(a[0]), at = ConvertValue<double>(a[1]);
      double aw = ConvertValue<double>(a[2]) - al, ah = ConvertValue<double>(a[3]) - at;
      double gl = ConvertValue<double>(gt[1]), gt_ = ConvertValue<double>(gt[2]);
      double gw = ConvertValue<double>(gt[3]) - gl, gh = ConvertValue<double>(gt[4]) - gt_;
      double enc[4] = {(gl + gw / 2 - (al + aw / 2)) / aw / g.var[0],
                       (gt_ + gh / 2 - (at + ah / 2)) / ah / g.var[1],
                       mop::math::log(gw / aw) / g.var[2], mop::math::log(gh / ah) / g.var[3]};
      for (int e = 0; e < 4; ++e) {
        loc[j * 4 + e] = ConvertValue<T>(enc[e]);
        mask[j * 4 + e] = ConvertValue<T>(1.0);
      }
    }
  }
};

// The 4 variances of a box encoding (ValueError naming `op` for another count).
void ReadVariances(const char* op, const FloatTuple& v, double out[4]);

TargetGeometry MakeTargetGeometry(const MultiBoxTargetParam& p, const Shape& anchor,
                                  const Shape& label, const Shape& cls_pred);

template <typename xpu>
void MultiBoxTargetForward(const OpAttrs& attrs, const OpContext& ctx,
                           const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                           const std::vector<TBlob>& out) {
  for (OpReq r : req) {
    MX_CHECK_AS(NotImplementedError, r != OpReq::kAddTo)
        << "operator _contrib_MultiBoxTarget does not support accumulation (kAddTo).";
  }
  TargetGeometry g =
      MakeTargetGeometry(attrs.get<MultiBoxTargetParam>(), in[0].shape, in[1].shape, in[2].shape);
  if (g.batches == 0) return;
  int64_t* work = TypedWorkspace<int64_t, xpu>(
      g.batches * TargetScratch::Words(g.anchors, g.labels), WorkspaceSlot::kMultiBox);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_contrib_MultiBoxTarget", {
    Kernel<xpu>::template Launch<MultiBoxTargetMap>(
        ctx.run.stream, g.batches, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(),
        out[0].ptr<T>(), out[1].ptr<T>(), out[2].ptr<T>(), work, g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_DETECTION_MULTIBOX_TARGET_INL_H_
