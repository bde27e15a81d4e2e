// _contrib_Proposal and _contrib_MultiProposal (MXNet's contrib/proposal, Faster R-CNN's region
// proposal layer): for each image, anchors (ratios x scales around a feature_stride cell,
// MXNet's rounding) at every cell of the (A, H, W) score map, moved by bbox_pred's deltas
// (centre/size deltas, or corner deltas with iou_loss) and clipped to im_info's height and
// width; cells outside the image's real size and boxes under rpn_min_size * scale get score -1
// (the small ones also grow by min_size / 2 each side, as MXNet does); then a stable sort by
// score, the first rpn_pre_nms_top_n, greedy NMS (IoU with MXNet's +1 pixel sizes above
// threshold suppresses) up to rpn_post_nms_top_n, and rows (batch index, x1, y1, x2, y2), the
// kept ones repeated cyclically to fill rpn_post_nms_top_n. Scores are the second half of
// cls_prob's channels. Proposal takes one image (as MXNet); MultiProposal any number, rows
// image by image. Arithmetic in float, as MXNet's. Zero gradients. One thread per image.
#ifndef TESSERA_CORE_OPS_DETECTION_PROPOSAL_INL_H_
#define TESSERA_CORE_OPS_DETECTION_PROPOSAL_INL_H_

#include <cmath>
#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/param_tuple.h"
#include "core/op/workspace.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/sort/index_sort.h"

namespace mx {

struct ProposalParam {
  int rpn_pre_nms_top_n, rpn_post_nms_top_n, rpn_min_size, feature_stride;
  double threshold;
  FloatTuple scales, ratios;
  bool output_score, iou_loss;
  void Declare(ParamDeclarer* d) {
    d->Declare("rpn_pre_nms_top_n", &rpn_pre_nms_top_n, 6000)
        .Describe("Number of top scoring boxes to keep before applying NMS to RPN proposals.");
    d->Declare("rpn_post_nms_top_n", &rpn_post_nms_top_n, 300)
        .Describe("Number of top scoring boxes to keep after applying NMS to RPN proposals.");
    d->Declare("threshold", &threshold, 0.7).Describe("NMS value, below which to suppress.");
    d->Declare("rpn_min_size", &rpn_min_size, 16).Describe("Minimum height or width in proposal.");
    d->Declare("scales", &scales, FloatTuple{4, 8, 16, 32})
        .Describe("Used to generate anchor windows by enumerating scales.");
    d->Declare("ratios", &ratios, FloatTuple{0.5, 1, 2})
        .Describe("Used to generate anchor windows by enumerating ratios.");
    d->Declare("feature_stride", &feature_stride, 16)
        .Describe("The product of all strides before the rpn layer.");
    d->Declare("output_score", &output_score, false).Describe("Add score to outputs.");
    d->Declare("iou_loss", &iou_loss, false).Describe("Usage of IoU Loss.");
  }
};

constexpr int kMaxAnchors = 64;

struct ProposalGeometry {
  int64_t anchors, height, width, count, pre, post;
  float stride, threshold, min_size;
  bool iou_loss;
  float base[kMaxAnchors][4];  // anchors at cell (0, 0)
  int64_t work_floats, work_indices;  // a image
};

// Image n: proposals written to out rows [n * post, (n + 1) * post) and scores.
struct ProposalMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t n, const T* cls_prob, const T* bbox, const T* im_info,
                             T* out, T* out_score, float* fwork, int64_t* iwork,
                             ProposalGeometry g) {
    const int64_t A = g.anchors, H = g.height, W = g.width, count = g.count;
    float* box = fwork + n * g.work_floats;   // count x 5
    float* ordered = box + count * 5;         // pre x 5
    float* area = ordered + g.pre * 5;        // pre
    int64_t* order = iwork + n * g.work_indices;  // count
    int64_t* tmp = order + count;                 // count
    int64_t* keep = tmp + count;                  // pre
    const T* info = im_info + n * 3;
    float im_h = ConvertValue<float>(info[0]), im_w = ConvertValue<float>(info[1]);
    int64_t real_h = static_cast<int64_t>(im_h / g.stride);
    int64_t real_w = static_cast<int64_t>(im_w / g.stride);
    const T* scores = cls_prob + (n * 2 * A + A) * H * W;  // foreground: channels A..2A-1
    const T* deltas = bbox + n * 4 * A * H * W;
    for (int64_t a = 0; a < A; ++a)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t w = 0; w < W; ++w) {
          int64_t i = h * (W * A) + w * A + a;
          float* b = box + i * 5;
          float x1 = g.base[a][0] + w * g.stride, y1 = g.base[a][1] + h * g.stride;
          float x2 = g.base[a][2] + w * g.stride, y2 = g.base[a][3] + h * g.stride;
          auto delta = [&](int k) {
            return ConvertValue<float>(deltas[((a * 4 + k) * H + h) * W + w]);
          };
          float px1, py1, px2, py2;
          if (g.iou_loss) {
            px1 = x1 + delta(0);
            py1 = y1 + delta(1);
            px2 = x2 + delta(2);
            py2 = y2 + delta(3);
          } else {
            float bw = x2 - x1 + 1.0f, bh = y2 - y1 + 1.0f;
            float cx = x1 + 0.5f * (bw - 1.0f), cy = y1 + 0.5f * (bh - 1.0f);
            float pcx = delta(0) * bw + cx, pcy = delta(1) * bh + cy;
            float pw = mop::math::exp(delta(2)) * bw, ph = mop::math::exp(delta(3)) * bh;
            px1 = pcx - 0.5f * (pw - 1.0f);
            py1 = pcy - 0.5f * (ph - 1.0f);
            px2 = pcx + 0.5f * (pw - 1.0f);
            py2 = pcy + 0.5f * (ph - 1.0f);
          }
          auto clip = [](float v, float hi) { return v < hi ? (v > 0.0f ? v : 0.0f) : (hi > 0.0f ? hi : 0.0f); };
          b[0] = clip(px1, im_w - 1.0f);
          b[1] = clip(py1, im_h - 1.0f);
          b[2] = clip(px2, im_w - 1.0f);
          b[3] = clip(py2, im_h - 1.0f);
          b[4] = (h >= real_h || w >= real_w) ? -1.0f
                                              : ConvertValue<float>(scores[(a * H + h) * W + w]);
        }
    float min_size = g.min_size * ConvertValue<float>(info[2]);
    for (int64_t i = 0; i < count; ++i) {
      float* b = box + i * 5;
      if (b[2] - b[0] + 1.0f < min_size || b[3] - b[1] + 1.0f < min_size) {
        b[0] -= min_size / 2;
        b[1] -= min_size / 2;
        b[2] += min_size / 2;
        b[3] += min_size / 2;
        b[4] = -1.0f;
      }
    }
    for (int64_t i = 0; i < count; ++i) order[i] = i;
    StableSortIndices(order, tmp, count,
                      [box](int64_t x, int64_t y) { return box[x * 5 + 4] > box[y * 5 + 4]; });
    for (int64_t i = 0; i < g.pre; ++i) {
      for (int k = 0; k < 5; ++k) ordered[i * 5 + k] = box[order[i] * 5 + k];
      area[i] = (ordered[i * 5 + 2] - ordered[i * 5] + 1) * (ordered[i * 5 + 3] - ordered[i * 5 + 1] + 1);
    }
    // Greedy NMS; `tmp` marks suppressed rows.
    for (int64_t i = 0; i < g.pre; ++i) tmp[i] = 0;
    int64_t kept = 0;
    for (int64_t i = 0; i < g.pre && kept < g.post; ++i) {
      if (tmp[i]) continue;
      keep[kept++] = i;
      const float* a = ordered + i * 5;
      for (int64_t j = i + 1; j < g.pre; ++j) {
        if (tmp[j]) continue;
        const float* c = ordered + j * 5;
        float xx1 = a[0] > c[0] ? a[0] : c[0], yy1 = a[1] > c[1] ? a[1] : c[1];
        float xx2 = a[2] < c[2] ? a[2] : c[2], yy2 = a[3] < c[3] ? a[3] : c[3];
        float iw = xx2 - xx1 + 1.0f, ih = yy2 - yy1 + 1.0f;
        float inter = (iw > 0.0f ? iw : 0.0f) * (ih > 0.0f ? ih : 0.0f);
        if (inter / (area[i] + area[j] - inter) > g.threshold) tmp[j] = 1;
      }
    }
    for (int64_t i = 0; i < g.post; ++i) {
      const float* b = ordered + keep[i % kept] * 5;
      T* o = out + (n * g.post + i) * 5;
      o[0] = ConvertValue<T>(static_cast<double>(n));
      for (int k = 0; k < 4; ++k) o[k + 1] = ConvertValue<T>(b[k]);
      out_score[n * g.post + i] = ConvertValue<T>(b[4]);
    }
  }
};

ProposalGeometry MakeProposalGeometry(const ProposalParam& p, const Shape& cls_prob);

template <typename xpu>
void ProposalForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  ProposalGeometry g = MakeProposalGeometry(attrs.get<ProposalParam>(), in[0].shape);
  int64_t images = in[0].shape[0];
  if (images == 0 || g.post == 0) return;
  size_t fbytes = static_cast<size_t>(images * g.work_floats) * sizeof(float);
  fbytes = (fbytes + 15) / 16 * 16;
  char* work = static_cast<char*>(Workspace<xpu>(
      fbytes + static_cast<size_t>(images * g.work_indices) * sizeof(int64_t),
      WorkspaceSlot::kBoxNMS));
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, attrs.op->name().c_str(), {
    Kernel<xpu>::template Launch<ProposalMap>(
        ctx.run.stream, images, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(), out[0].ptr<T>(),
        out[1].ptr<T>(), reinterpret_cast<float*>(work),
        reinterpret_cast<int64_t*>(work + fbytes), g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_DETECTION_PROPOSAL_INL_H_
