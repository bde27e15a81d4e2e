// L2Normalization (l2_normalization-inl.h).
#include "core/ops/nn/data_gradient.h"
#include "core/ops/nn/l2_normalization-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(L2Normalization)
    .Describe("Normalizes to unit L2 norm per sample (instance), per position across "
              "channels (channel) or per channel across positions (spatial).")
    .Params<L2NormalizationParam>()
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      const Shape& d = (*in)[0];
      if (d.ndim() == 0) return false;
      const std::string& mode = attrs.get<L2NormalizationParam>().mode;
      MX_CHECK_AS(ShapeError, d.ndim() >= (mode == "instance" ? 1 : mode == "channel" ? 2 : 3))
          << "operator L2Normalization: mode '" << mode << "' needs data with "
          << (mode == "channel" ? "a channel axis" : "spatial axes") << "; found " << d << ".";
      AssignShape(&(*out)[0], d, attrs, "the output");
      return true;
    })
    .InferType(SameTypeInferType)
    .BatchInputs(AlwaysBatchInputs({0}))
    .Compute(DeviceType::kCPU, L2NormalizationForward<CPU>)
    .Gradient(OgradDataGradient("L2Normalization"));

[[maybe_unused]] OpDef& backward_registration =
    RegisterOgradDataBackward<L2NormalizationParam>("L2Normalization").Compute(DeviceType::kCPU, L2NormalizationBackward<CPU>);

}  // namespace
}  // namespace mx
