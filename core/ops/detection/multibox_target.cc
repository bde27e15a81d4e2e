// _contrib_MultiBoxTarget (multibox_target-inl.h): checks, shapes, registration, CPU kernel.
#include "core/base/error.h"
#include "core/ops/detection/multibox_target-inl.h"

namespace mx {

namespace {
constexpr const char* kName = "_contrib_MultiBoxTarget";
}  // namespace

void ReadVariances(const char* op, const FloatTuple& v, double out[4]) {
  MX_CHECK_AS(ValueError, v.size() == 4)
      << "operator " << op << ": variances must have 4 values; found " << DefaultText(v) << ".";
  for (int i = 0; i < 4; ++i) out[i] = v[i];
}

TargetGeometry MakeTargetGeometry(const MultiBoxTargetParam& p, const Shape& anchor,
                                  const Shape& label, const Shape& cls_pred) {
  MX_CHECK_AS(ValueError, p.negative_mining_ratio <= 0 || p.negative_mining_thresh > 0)
      << "operator " << kName << ": negative_mining_thresh must be positive when mining "
      << "negatives; found " << p.negative_mining_thresh << ".";
  TargetGeometry g;
  g.batches = label[0];
  g.anchors = anchor[1];
  g.labels = label[1];
  g.label_width = label[2];
  g.classes = cls_pred[1];
  g.overlap = p.overlap_threshold;
  g.ignore = p.ignore_label;
  g.ratio = p.negative_mining_ratio;
  g.mining_thresh = p.negative_mining_thresh;
  ReadVariances(kName, p.variances, g.var);
  return g;
}

namespace {

bool MultiBoxTargetShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &a = (*in)[0], &l = (*in)[1], &c = (*in)[2];
  if (a.ndim() == 0 || l.ndim() == 0 || c.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, a.ndim() == 3 && a[0] == 1 && a[1] > 0 && a[2] == 4)
      << "operator " << kName << ": anchor must be (1, num_anchors, 4), shared by the batch; "
      << "found " << a << ".";
  MX_CHECK_AS(ShapeError, l.ndim() == 3 && l[1] > 0 && l[2] >= 5)
      << "operator " << kName << ": label must be (batch, num_labels, >= 5) rows of (class, "
      << "xmin, ymin, xmax, ymax), padded with -1; found " << l << ".";
  MX_CHECK_AS(ShapeError, c.ndim() == 3 && c[0] == l[0] && c[2] == a[1])
      << "operator " << kName << ": cls_pred must be (batch, num_classes, num_anchors) = ("
      << l[0] << ", num_classes, " << a[1] << "); found " << c << ".";
  MakeTargetGeometry(attrs.get<MultiBoxTargetParam>(), a, l, c);
  AssignShape(&(*out)[0], Shape{l[0], a[1] * 4}, attrs, "loc_target");
  AssignShape(&(*out)[1], Shape{l[0], a[1] * 4}, attrs, "loc_mask");
  AssignShape(&(*out)[2], Shape{l[0], a[1]}, attrs, "cls_target");
  return true;
}

MX_REGISTER_OP(_contrib_MultiBoxTarget)
    .Describe("SSD's training targets: anchors matched to objects, with hard negatives.")
    .Params<MultiBoxTargetParam>()
    .NumInputs(3)
    .InputNames({"anchor", "label", "cls_pred"})
    .NumOutputs(3)
    .OutputNames({"loc_target", "loc_mask", "cls_target"})
    .InferShape(MultiBoxTargetShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, MultiBoxTargetForward<CPU>);

}  // namespace
}  // namespace mx
