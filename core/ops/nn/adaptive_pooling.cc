// _contrib_AdaptiveAvgPooling2D (adaptive_pooling-inl.h).
#include "core/ops/nn/adaptive_pooling-inl.h"
#include "core/ops/nn/data_gradient.h"

namespace mx {
namespace {

constexpr const char* kName = "_contrib_AdaptiveAvgPooling2D";

bool AdaptiveShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() == 4)
      << "operator " << kName << ": data must be (N, C, H, W); found " << d << ".";
  const Shape& s = attrs.get<AdaptiveAvgPoolParam>().output_size;
  MX_CHECK_AS(ValueError, s.ndim() <= 2)
      << "operator " << kName << ": output_size must be (), (S,) or (OH, OW); found " << s << ".";
  int64_t oh = s.ndim() == 0 ? 1 : s[0], ow = s.ndim() == 2 ? s[1] : oh;
  MX_CHECK_AS(ValueError, oh > 0 && ow > 0)
      << "operator " << kName << ": output_size must be positive; found " << s << ".";
  AssignShape(&(*out)[0], Shape({d[0], d[1], oh, ow}), attrs, "the output");
  return true;
}

MX_REGISTER_OP(_contrib_AdaptiveAvgPooling2D)
    .Describe("Average pooling to a fixed output size (windows adapt to the input's size).")
    .Params<AdaptiveAvgPoolParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(AdaptiveShape)
    .InferType(SameTypeInferType)
    .BatchInputs(AlwaysBatchInputs({0}))
    .Compute(DeviceType::kCPU, AdaptiveAvgPoolForward<CPU>)
    .Gradient(OgradDataGradient(kName));

[[maybe_unused]] OpDef& backward_registration =
    RegisterOgradDataBackward<AdaptiveAvgPoolParam>(kName).Compute(
        DeviceType::kCPU, AdaptiveAvgPoolBackward<CPU>);

}  // namespace
}  // namespace mx
