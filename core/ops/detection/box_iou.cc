// _contrib_box_iou (box_iou-inl.h): shapes, registration, CPU kernel.
#include <vector>

#include "core/base/error.h"
#include "core/ops/detection/box_iou-inl.h"

namespace mx {
namespace {

bool BoxIoUShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& l = (*in)[0];
  const Shape& r = (*in)[1];
  if (l.ndim() == 0 || r.ndim() == 0) return false;
  for (const Shape* s : {&l, &r})
    MX_CHECK_AS(ShapeError, s->ndim() >= 2 && (*s)[s->ndim() - 1] == 4)
        << "operator _contrib_box_iou (" << attrs.name << "): lhs and rhs must be (..., 4) "
        << "boxes of rank >= 2; found lhs " << l << ", rhs " << r << ".";
  std::vector<int64_t> dims(l.dims().begin(), l.dims().end() - 1);
  dims.insert(dims.end(), r.dims().begin(), r.dims().end() - 1);
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

MX_REGISTER_OP(_contrib_box_iou)
    .Describe("Bounding box overlap (intersection over union) of two arrays of boxes.")
    .Params<BoxIoUParam>()
    .NumInputs(2)
    .InputNames({"lhs", "rhs"})
    .InferShape(BoxIoUShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, BoxIoUCompute<CPU>)
    .Gradient([](const OpAttrs&, GradContext*) {  // MXNet's zero gradients
      return std::vector<GradEntry>(2);
    });

}  // namespace
}  // namespace mx
