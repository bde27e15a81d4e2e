// Activation: relu, sigmoid, tanh, softrelu (log(1 + e^x)) and softsign (x / (1 + |x|)).
// Kernels in activation-inl.h (GPU: activation.cu). Backward (_backward_Activation, inputs
// ograd, data, output) as documented there.
#include "core/ops/nn/activation-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(Activation)
    .Describe("Element-wise nonlinearity: relu, sigmoid, tanh, softrelu or softsign.")
    .Params<ActivationParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .InplaceOption({{0, 0}})
    .Compute(DeviceType::kCPU, ActivationForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_Activation", {ctx->OutGrad(0), ctx->Input(0), ctx->Output(0)},
                     attrs.dict);
    });

MX_REGISTER_OP(_backward_Activation)
    .Describe("Gradient of Activation: inputs (ograd, data, output).")
    .Params<ActivationParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "output"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ActivationBackward<CPU>);

}  // namespace
}  // namespace mx
