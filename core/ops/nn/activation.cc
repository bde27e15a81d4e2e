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
    .BatchInputs(AlwaysBatchInputs({0}))
    .Compute(DeviceType::kCPU, ActivationForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      // Only softsign's derivative needs the input; the others read the output alone, so the
      // forward may overwrite its input (as MXNet's does). The kernel ignores "data" then.
      bool needs_input = attrs.get<ActivationParam>().act_type == "softsign";
      GradEntry y = ctx->Output(0);
      return ctx->Op("_backward_Activation",
                     {ctx->OutGrad(0), needs_input ? ctx->Input(0) : y, y}, attrs.dict);
    });

MX_REGISTER_OP(_backward_Activation)
    .Describe("Gradient of Activation: inputs (ograd, data, output).")
    .Params<ActivationParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "output"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .InplaceOption({{0, 0}})
    .Compute(DeviceType::kCPU, ActivationBackward<CPU>);

}  // namespace
}  // namespace mx
