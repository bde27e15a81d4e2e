// LRN (lrn-inl.h).
#include "core/ops/nn/data_gradient.h"
#include "core/ops/nn/lrn-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(LRN)
    .Describe("Local response normalization across nsize neighbouring channels.")
    .Params<LRNParam>()
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      const auto& p = attrs.get<LRNParam>();
      MX_CHECK_AS(ValueError, p.nsize > 0 && p.nsize % 2 == 1)
          << "operator LRN: nsize must be odd and positive; found " << p.nsize << ".";
      const Shape& d = (*in)[0];
      if (d.ndim() == 0) return false;
      MX_CHECK_AS(ShapeError, d.ndim() >= 2)
          << "operator LRN: data needs a channel axis (N, C, ...); found " << d << ".";
      AssignShape(&(*out)[0], d, attrs, "the output");
      return true;
    })
    .InferType(SameTypeInferType)
    .BatchInputs(AlwaysBatchInputs({0}))
    .Compute(DeviceType::kCPU, LRNForward<CPU>)
    .Gradient(OgradDataGradient("LRN"));

[[maybe_unused]] OpDef& backward_registration =
    RegisterOgradDataBackward<LRNParam>("LRN").Compute(DeviceType::kCPU, LRNBackward<CPU>);

}  // namespace
}  // namespace mx
