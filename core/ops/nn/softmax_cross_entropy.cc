// softmax_cross_entropy (softmax_cross_entropy-inl.h): shapes, registration, CPU kernels.
#include "core/base/error.h"
#include "core/ops/nn/softmax_cross_entropy-inl.h"

namespace mx {
namespace {

bool SoftmaxCEShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &d = (*in)[0], &l = (*in)[1];
  if (d.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() == 2 && d[1] > 0)
      << "operator softmax_cross_entropy: data must be (batch, classes); found " << d << ".";
  if (l.ndim() == 0) (*in)[1] = Shape{d[0]};
  MX_CHECK_AS(ShapeError, (*in)[1] == Shape{d[0]})
      << "operator softmax_cross_entropy: label must be (batch,) = (" << d[0] << ",) for data "
      << d << "; found " << (*in)[1] << ".";
  AssignShape(&(*out)[0], Shape{1}, attrs, "the output");
  return true;
}

MX_REGISTER_OP(softmax_cross_entropy)
    .Describe("Sum over the batch of the cross entropy of softmax(data) and integer labels.")
    .NumInputs(2)
    .InputNames({"data", "label"})
    .InferShape(SoftmaxCEShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, SoftmaxCEForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> g = ctx->Op("_backward_softmax_cross_entropy",
                                         {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1)},
                                         attrs.dict);
      return std::vector<GradEntry>{g[0], GradEntry()};
    });

MX_REGISTER_OP(_backward_softmax_cross_entropy)
    .Describe("Gradient of softmax_cross_entropy for data: inputs (ograd, data, label).")
    .NumInputs(3)
    .InputNames({"ograd", "data", "label"})
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[1].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
      return true;
    })
    .InferType([](const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
      if ((*in)[1] < 0) return false;
      (*out)[0] = (*in)[1];
      return true;
    })
    .Compute(DeviceType::kCPU, SoftmaxCEBackward<CPU>);

}  // namespace
}  // namespace mx
