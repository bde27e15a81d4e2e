// _contrib_MultiBoxDetection (multibox_detection-inl.h): checks, shapes, registration, CPU
// kernel.
#include "core/base/error.h"
#include "core/ops/detection/multibox_detection-inl.h"

namespace mx {

namespace {
constexpr const char* kName = "_contrib_MultiBoxDetection";
}  // namespace

DetectionGeometry MakeDetectionGeometry(const MultiBoxDetectionParam& p, const Shape& cls_prob) {
  DetectionGeometry g;
  g.batches = cls_prob[0];
  g.classes = cls_prob[1];
  g.anchors = cls_prob[2];
  g.threshold = p.threshold;
  g.nms = p.nms_threshold;
  g.topk = p.nms_topk;
  g.clip = p.clip;
  g.force = p.force_suppress;
  ReadVariances(kName, p.variances, g.var);
  return g;
}

namespace {

bool MultiBoxDetectionShape(const OpAttrs& attrs, std::vector<Shape>* in,
                            std::vector<Shape>* out) {
  const Shape &c = (*in)[0], &l = (*in)[1], &a = (*in)[2];
  if (c.ndim() == 0 || l.ndim() == 0 || a.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, a.ndim() == 3 && a[1] > 0 && a[2] == 4)
      << "operator " << kName << ": anchor must be (1, num_anchors, 4); found " << a << ".";
  MX_CHECK_AS(ShapeError, c.ndim() == 3 && c[2] == a[1])
      << "operator " << kName << ": cls_prob must be (batch, num_classes, num_anchors) with the "
      << a[1] << " anchors; found " << c << ".";
  MX_CHECK_AS(ShapeError, l.ndim() == 2 && l[0] == c[0] && l[1] == 4 * a[1])
      << "operator " << kName << ": loc_pred must be (batch, num_anchors * 4) = (" << c[0]
      << ", " << 4 * a[1] << "); found " << l << ".";
  MakeDetectionGeometry(attrs.get<MultiBoxDetectionParam>(), c);
  AssignShape(&(*out)[0], Shape{c[0], a[1], 6}, attrs, "the output");
  return true;
}

MX_REGISTER_OP(_contrib_MultiBoxDetection)
    .Describe("SSD's detections (class, probability, box) from predictions and anchors, "
              "with non-maximum suppression.")
    .Params<MultiBoxDetectionParam>()
    .NumInputs(3)
    .InputNames({"cls_prob", "loc_pred", "anchor"})
    .InferShape(MultiBoxDetectionShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, MultiBoxDetectionForward<CPU>);

}  // namespace
}  // namespace mx
