// LRN (lrn-inl.h).
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
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_LRN", {ctx->OutGrad(0), ctx->Input(0)}, attrs.dict);
    });

MX_REGISTER_OP(_backward_LRN)
    .Describe("Gradient of LRN: inputs (ograd, data); output the data gradient.")
    .Params<LRNParam>()
    .NumInputs(2)
    .InputNames({"ograd", "data"})
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
      return (*in)[1].ndim() > 0;
    })
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, LRNBackward<CPU>);

}  // namespace
}  // namespace mx
