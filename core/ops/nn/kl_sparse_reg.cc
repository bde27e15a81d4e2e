// IdentityAttachKLSparseReg (kl_sparse_reg-inl.h): shapes, registration, CPU kernels.
#include "core/base/error.h"
#include "core/ops/elemwise/elemwise-inl.h"
#include "core/ops/nn/kl_sparse_reg-inl.h"

namespace mx {
namespace {

bool KLSparseRegShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<KLSparseRegParam>();
  MX_CHECK_AS(ValueError, p.sparseness_target >= 0 && p.sparseness_target <= 1 &&
                              p.momentum >= 0 && p.momentum <= 1)
      << "operator IdentityAttachKLSparseReg (" << attrs.name << "): sparseness_target and "
      << "momentum must lie in [0, 1]; found " << p.sparseness_target << " and " << p.momentum
      << ".";
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() == 2)
      << "operator IdentityAttachKLSparseReg (" << attrs.name << "): data must be 2-D (batch, "
      << "units), one moving average per unit as MXNet keeps it; found " << d << ".";
  AssignShape(&(*in)[1], Shape{d[1]}, attrs, "moving_avg");
  AssignShape(&(*out)[0], d, attrs, "the output");
  return true;
}

MX_REGISTER_OP(IdentityAttachKLSparseReg)
    .Describe("The identity, whose gradient adds a KL sparseness penalty on the moving average "
              "of the activations.")
    .Params<KLSparseRegParam>()
    .NumInputs(2)
    .InputNames({"data", "moving_avg"})
    .MutateInputs({1})
    .InputInit(1, "zeros")
    .InferShape(KLSparseRegShape)
    .InferType(SameTypeInferType)
    .InplaceOption({{0, 0}})
    .Compute(DeviceType::kCPU, UnaryCompute<CPU, mop::identity>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_IdentityAttachKLSparseReg",
                     {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1)}, attrs.dict);
    });

MX_REGISTER_OP(_backward_IdentityAttachKLSparseReg)
    .Describe("Gradient of IdentityAttachKLSparseReg: inputs (ograd, data, moving_avg); "
              "updates moving_avg.")
    .Params<KLSparseRegParam>()
    .NumInputs(3)
    .NumOutputs(2)
    .MutateInputs({2})
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, KLSparseRegBackward<CPU>);

}  // namespace
}  // namespace mx
