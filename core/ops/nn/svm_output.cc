// SVMOutput (svm_output-inl.h): shapes, registration, CPU kernels.
#include "core/base/error.h"
#include "core/ops/nn/svm_output-inl.h"

namespace mx {
namespace {

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

bool LabelFollowsData(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  if ((*in)[1] < 0) (*in)[1] = (*in)[0];
  (*out)[0] = (*in)[0];
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
