// Registrations of softmax, log_softmax and SoftmaxActivation (kernels in softmax-inl.h).
#include "core/ops/nn/softmax-inl.h"

namespace mx {
namespace {

FGradient GradVia(const char* backward) {
  return [backward](const OpAttrs& attrs, GradContext* ctx) {
    return ctx->Op(backward, {ctx->OutGrad(0), ctx->Output(0)}, attrs.dict);
  };
}

#define MX_REGISTER_SOFTMAX(name, P, text)                        \
  MX_REGISTER_OP(name)                                            \
      .Describe(text)                                             \
      .Params<P>()                                                \
      .NumInputs(1)                                               \
      .InputNames({"data"})                                       \
      .InferShape(SameShapeInferShape)                            \
      .InferType(SameTypeInferType)                               \
      .Compute(DeviceType::kCPU, SoftmaxCompute<CPU>)             \
      .Gradient(GradVia("_backward_" #name));                     \
  MX_REGISTER_OP(_backward_##name)                                \
      .Describe("Gradient of " #name ": inputs (ograd, output).") \
      .Params<P>()                                                \
      .NumInputs(2)                                               \
      .InputNames({"ograd", "output"})                            \
      .InferShape(SameShapeInferShape)                            \
      .InferType(SameTypeInferType)                               \
      .Compute(DeviceType::kCPU, SoftmaxGradCompute<CPU>);
MX_REGISTER_SOFTMAX(softmax, SoftmaxParam, "exp(x/T) normalized along an axis.")
MX_REGISTER_SOFTMAX(log_softmax, SoftmaxParam, "log of softmax along an axis.")
MX_REGISTER_SOFTMAX(SoftmaxActivation, SoftmaxActivationParam,
                    "softmax over all but the first axis (instance) or over axis 1 (channel).")
#undef MX_REGISTER_SOFTMAX

}  // namespace
}  // namespace mx
