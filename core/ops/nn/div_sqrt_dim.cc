// _contrib_div_sqrt_dim (div_sqrt_dim-inl.h).
#include "core/ops/nn/div_sqrt_dim-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_div_sqrt_dim)
    .Describe("data divided by the square root of its last axis's size.")
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      const Shape& d = (*in)[0];
      if (d.ndim() == 0) return false;
      MX_CHECK_AS(ShapeError, d[d.ndim() - 1] > 0)
          << "operator _contrib_div_sqrt_dim: the last axis of " << d << " is empty.";
      AssignShape(&(*out)[0], d, attrs, "the output");
      return true;
    })
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, DivSqrtDimCompute<CPU>)
    .Gradient([](const OpAttrs&, GradContext* ctx) {
      return ctx->Op("_contrib_div_sqrt_dim", {ctx->OutGrad(0)}, {});
    });

}  // namespace
}  // namespace mx
