// _contrib_MultiBoxPrior (multibox_prior-inl.h): parameter checks, shapes, registration, CPU
// kernel.
#include <cmath>

#include "core/base/error.h"
#include "core/ops/detection/multibox_prior-inl.h"

namespace mx {

namespace {
constexpr const char* kName = "_contrib_MultiBoxPrior";
}  // namespace

PriorGeometry MakePriorGeometry(const MultiBoxPriorParam& p, const Shape& data) {
  MX_CHECK_AS(ValueError, p.sizes.size() > 0 && p.ratios.size() > 0 &&
                              p.sizes.size() + p.ratios.size() <= kMultiBoxPriorMaxShapes)
      << "operator " << kName << ": sizes and ratios must each have at least one value and "
      << kMultiBoxPriorMaxShapes << " at most together; found " << DefaultText(p.sizes)
      << " and " << DefaultText(p.ratios) << ".";
  MX_CHECK_AS(ValueError, p.steps.size() == 2 && p.offsets.size() == 2)
      << "operator " << kName << ": steps and offsets must be (y, x) pairs; found steps "
      << DefaultText(p.steps) << ", offsets " << DefaultText(p.offsets) << ".";
  MX_CHECK_AS(ValueError, p.steps[0] * p.steps[1] >= 0)
      << "operator " << kName << ": give both steps (y, x) or neither (-1, -1); found "
      << DefaultText(p.steps) << ".";
  for (int i = 0; i < 2; ++i) {
    MX_CHECK_AS(ValueError, p.offsets[i] >= 0 && p.offsets[i] <= 1)
        << "operator " << kName << ": offsets must lie in [0, 1]; found "
        << DefaultText(p.offsets) << ".";
  }
  for (const FloatTuple* t : {&p.sizes, &p.ratios}) {
    for (double v : t->items) {
      MX_CHECK_AS(ValueError, v > 0)
          << "operator " << kName << ": sizes and ratios must be positive; found sizes "
          << DefaultText(p.sizes) << ", ratios " << DefaultText(p.ratios) << ".";
    }
  }
  PriorGeometry g;
  g.h = data[2];
  g.w = data[3];
  g.num_sizes = p.sizes.size();
  g.num_ratios = p.ratios.size();
  for (int i = 0; i < g.num_sizes; ++i) g.sizes[i] = static_cast<float>(p.sizes[i]);
  for (int i = 0; i < g.num_ratios; ++i) g.ratios[i] = std::sqrt(static_cast<float>(p.ratios[i]));
  bool automatic = p.steps[0] <= 0 || p.steps[1] <= 0;
  g.step_y = automatic ? 1.f / static_cast<float>(g.h) : static_cast<float>(p.steps[0]);
  g.step_x = automatic ? 1.f / static_cast<float>(g.w) : static_cast<float>(p.steps[1]);
  g.offset_y = static_cast<float>(p.offsets[0]);
  g.offset_x = static_cast<float>(p.offsets[1]);
  g.clip = p.clip;
  return g;
}

namespace {

bool MultiBoxPriorShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() >= 4 && d[2] > 0 && d[3] > 0)
      << "operator " << kName << ": data must be (batch, channels, height, width) with a "
      << "positive height and width; found " << d << ".";
  PriorGeometry g = MakePriorGeometry(attrs.get<MultiBoxPriorParam>(), d);
  AssignShape(&(*out)[0], Shape{1, g.h * g.w * g.anchors(), 4}, attrs, "the output");
  return true;
}

MX_REGISTER_OP(_contrib_MultiBoxPrior)
    .Describe("SSD's anchor boxes for a feature map, from sizes and aspect ratios.")
    .Params<MultiBoxPriorParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(MultiBoxPriorShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, MultiBoxPriorForward<CPU>);

}  // namespace
}  // namespace mx
