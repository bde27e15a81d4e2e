// _contrib_Proposal and _contrib_MultiProposal (proposal-inl.h): anchors, shapes, registration,
// CPU kernel.
#include <cmath>
#include <string>

#include "core/base/error.h"
#include "core/ops/detection/proposal-inl.h"

namespace mx {

ProposalGeometry MakeProposalGeometry(const ProposalParam& p, const Shape& cls_prob) {
  ProposalGeometry g;
  g.anchors = cls_prob[1] / 2;
  g.height = cls_prob[2];
  g.width = cls_prob[3];
  g.count = g.anchors * g.height * g.width;
  g.pre = p.rpn_pre_nms_top_n > 0 ? std::min<int64_t>(p.rpn_pre_nms_top_n, g.count) : g.count;
  g.post = std::min<int64_t>(p.rpn_post_nms_top_n, g.pre);
  g.stride = static_cast<float>(p.feature_stride);
  g.threshold = static_cast<float>(p.threshold);
  g.min_size = static_cast<float>(p.rpn_min_size);
  g.iou_loss = p.iou_loss;
  // MXNet's anchors: a (stride x stride) base box resized per ratio, then scaled, ratio-major.
  float w = g.stride, h = g.stride;
  float cx = 0.5f * (w - 1.0f), cy = 0.5f * (h - 1.0f);
  int64_t a = 0;
  for (double ratio : p.ratios.items)
    for (double scale : p.scales.items) {
      float size_ratios = std::floor(w * h / static_cast<float>(ratio));
      float nw = std::floor(std::sqrt(size_ratios) + 0.5f) * static_cast<float>(scale);
      float nh = std::floor(nw / static_cast<float>(scale) * static_cast<float>(ratio) + 0.5f) *
                 static_cast<float>(scale);
      float box[4] = {cx - 0.5f * (nw - 1.0f), cy - 0.5f * (nh - 1.0f), cx + 0.5f * (nw - 1.0f),
                      cy + 0.5f * (nh - 1.0f)};
      for (int k = 0; k < 4; ++k) g.base[a][k] = box[k];
      ++a;
    }
  g.work_floats = g.count * 5 + g.pre * 6;
  g.work_indices = g.count * 2 + g.pre;
  return g;
}

namespace {

bool IsMulti(const OpAttrs& attrs) { return attrs.op->name() == "_contrib_MultiProposal"; }

bool ProposalShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<ProposalParam>();
  std::string where = "operator " + attrs.op->name() + " (" + attrs.name + "): ";
  int64_t n_anchors = static_cast<int64_t>(p.ratios.size() * p.scales.size());
  MX_CHECK_AS(ValueError, n_anchors >= 1 && n_anchors <= kMaxAnchors &&
                              p.rpn_post_nms_top_n >= 1 && p.feature_stride >= 1)
      << where << "needs 1 to " << kMaxAnchors << " anchors (ratios x scales; found "
      << n_anchors << "), rpn_post_nms_top_n >= 1 and feature_stride >= 1.";
  const Shape& c = (*in)[0];
  if (c.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, c.ndim() == 4 && c[1] == 2 * n_anchors)
      << where << "cls_prob must be (batch, 2 x " << n_anchors << " anchors, height, width); "
      << "found " << c << ".";
  MX_CHECK_AS(ValueError, IsMulti(attrs) || c[0] == 1)
      << where << "takes one image, as MXNet's; found a batch of " << c[0]
      << ". Use _contrib_MultiProposal for several.";
  AssignShape(&(*in)[1], Shape{c[0], 4 * n_anchors, c[2], c[3]}, attrs, "bbox_pred");
  AssignShape(&(*in)[2], Shape{c[0], 3}, attrs, "im_info");
  int64_t rows = c[0] * p.rpn_post_nms_top_n;
  int64_t count = n_anchors * c[2] * c[3];
  MX_CHECK_AS(ShapeError, count >= 1 && std::min<int64_t>(p.rpn_post_nms_top_n, count) ==
                                            p.rpn_post_nms_top_n)
      << where << "the " << count << " anchors cannot give rpn_post_nms_top_n = "
      << p.rpn_post_nms_top_n << " proposals.";
  AssignShape(&(*out)[0], Shape{rows, 5}, attrs, "the proposals");
  AssignShape(&(*out)[1], Shape{rows, 1}, attrs, "the scores");
  return true;
}

OpDef& RegisterProposal(const char* name, const char* what) {
  return OpRegistry::Get()
      ->Register(name)
      .Describe(what)
      .Params<ProposalParam>()
      .NumInputs(3)
      .InputNames({"cls_prob", "bbox_pred", "im_info"})
      .NumOutputs(2)
      .OutputNames({"output", "score"})
      .NumVisibleOutputs([](const OpAttrs& a) { return a.get<ProposalParam>().output_score ? 2 : 1; })
      .InferShape(ProposalShape)
      .InferType(SameTypeInferType)
      .Compute(DeviceType::kCPU, ProposalForward<CPU>)
      .Gradient([](const OpAttrs&, GradContext*) {  // MXNet's zero gradients
        return std::vector<GradEntry>(3);
      });
}

[[maybe_unused]] OpDef& kProposal =
    RegisterProposal("_contrib_Proposal", "Generate region proposals via RPN (one image).");
[[maybe_unused]] OpDef& kMultiProposal = RegisterProposal(
    "_contrib_MultiProposal", "Generate region proposals via RPN for a batch of images.");

}  // namespace
}  // namespace mx
