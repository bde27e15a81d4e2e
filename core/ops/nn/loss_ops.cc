// Loss heads and gradient plumbing (MXNet semantics):
//   LinearRegressionOutput: y = x;           dx = (y - label) * grad_scale / m
//   LogisticRegressionOutput: y = sigmoid(x); dx = (y - label) * grad_scale / m
//   MAERegressionOutput: y = x;               dx = sign(y - label) * grad_scale / m
//     with m = label.size / label.shape[0] (outputs per sample); the head gradient is ignored.
//   MakeLoss: y = x; dx = grad_scale (divided by the batch size for normalization=batch, or by
//     the count of elements > valid_thresh for valid); the head gradient is ignored.
//   BlockGrad (stop_gradient): y = x; no gradient flows to x.
//   SVMOutput: y = x; dx the L1 or L2 hinge loss's gradient (svm_output-inl.h).
#include "core/base/error.h"
#include "core/ops/nn/loss_ops-inl.h"
#include "core/ops/nn/svm_output-inl.h"

namespace mx {
namespace {

bool RegressionShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  Shape& label = (*in)[1];
  bool ok = label.ndim() != 0 && label.Size() == d.Size() && label[0] == d[0];
  if (!ok) AssignShape(&label, d, attrs, "label");
  AssignShape(&(*out)[0], d, attrs, "the output");
  return true;
}

bool LabelFollowsData(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  if ((*in)[1] < 0) (*in)[1] = (*in)[0];
  (*out)[0] = (*in)[0];
  return true;
}

#define MX_REGISTER_REGRESSION(name, text)                                                    \
  MX_REGISTER_OP(name)                                                                        \
      .Describe(text)                                                                         \
      .Params<RegressionParam>()                                                              \
      .NumInputs(2)                                                                           \
      .InputNames({"data", "label"})                                                          \
      .InferShape(RegressionShape)                                                            \
      .InferType(LabelFollowsData)                                                            \
      .Compute(DeviceType::kCPU, RegressionForward<CPU>)                                      \
      .Gradient([](const OpAttrs& attrs, GradContext* ctx) {                                  \
        std::vector<GradEntry> g =                                                            \
            ctx->Op("_backward_" #name, {ctx->Output(0), ctx->Input(1)}, attrs.dict);         \
        return std::vector<GradEntry>{g[0], GradEntry()};                                     \
      });                                                                                     \
  MX_REGISTER_OP(_backward_##name)                                                            \
      .Describe("Gradient of " #name ": inputs (output, label).")                             \
      .Params<RegressionParam>()                                                              \
      .NumInputs(2)                                                                           \
      .InputNames({"output", "label"})                                                        \
      .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) { \
        if ((*in)[0].ndim() == 0) return false;                                               \
        AssignShape(&(*out)[0], (*in)[0], attrs, "data gradient");                            \
        return true;                                                                          \
      })                                                                                      \
      .InferType(LabelFollowsData)                                                            \
      .Compute(DeviceType::kCPU, RegressionBackward<CPU>);
MX_REGISTER_REGRESSION(LinearRegressionOutput, "Identity; gradient (y - label) * scale / m.")
MX_REGISTER_REGRESSION(LogisticRegressionOutput, "Sigmoid; gradient (y - label) * scale / m.")
MX_REGISTER_REGRESSION(MAERegressionOutput, "Identity; gradient sign(y - label) * scale / m.")
#undef MX_REGISTER_REGRESSION

MX_REGISTER_OP(MakeLoss)
    .Describe("Marks data as a loss: forward identity, backward grad_scale (normalized).")
    .Params<MakeLossParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, UnaryCompute<CPU, mop::identity>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_MakeLoss", {ctx->Input(0)}, attrs.dict);
    });

MX_REGISTER_OP(_backward_MakeLoss)
    .Describe("Gradient of MakeLoss: input data.")
    .Params<MakeLossParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, MakeLossBackward<CPU>);

MX_REGISTER_OP(BlockGrad)
    .Describe("Identity that stops gradients (alias stop_gradient).")
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, UnaryCompute<CPU, mop::identity>)
    .Gradient([](const OpAttrs&, GradContext*) { return std::vector<GradEntry>{GradEntry()}; });

bool SVMOutputShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() >= 2)
      << "operator SVMOutput: data must be (..., classes) of rank >= 2; found " << d << ".";
  std::vector<int64_t> dims = d.dims();
  dims.pop_back();
  AssignShape(&(*in)[1], Shape(dims), attrs, "label");
  AssignShape(&(*out)[0], d, attrs, "the output");
  return true;
}

MX_REGISTER_OP(SVMOutput)
    .Describe("Identity; gradient of the (L1 or L2) hinge loss for integer labels.")
    .Params<SVMOutputParam>()
    .NumInputs(2)
    .InputNames({"data", "label"})
    .InferShape(SVMOutputShape)
    .InferType(LabelFollowsData)
    .Compute(DeviceType::kCPU, UnaryCompute<CPU, mop::identity>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> g =
          ctx->Op("_backward_SVMOutput", {ctx->Output(0), ctx->Input(1)}, attrs.dict);
      return std::vector<GradEntry>{g[0], GradEntry()};
    });

MX_REGISTER_OP(_backward_SVMOutput)
    .Describe("Gradient of SVMOutput: inputs (output, label).")
    .Params<SVMOutputParam>()
    .NumInputs(2)
    .InputNames({"output", "label"})
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[0].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[0], attrs, "data gradient");
      return true;
    })
    .InferType(LabelFollowsData)
    .Compute(DeviceType::kCPU, SVMOutputBackward<CPU>);

}  // namespace
}  // namespace mx
