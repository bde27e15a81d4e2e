// add_n (alias ElementWiseSum): out = sum of its num_args inputs, all of one shape and dtype.
// Every input's gradient is the output gradient.
#include "core/ops/elemwise/add_n-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(add_n)
    .Describe("Adds all input arguments element-wise (inputs of equal shape).")
    .Params<AddNParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<AddNParam>().num_args; })
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .BatchInputs([](const OpAttrs& a, bool) {
      std::vector<int> all(a.get<AddNParam>().num_args);
      for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
      return all;
    })
    .Compute(DeviceType::kCPU, AddNCompute<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return std::vector<GradEntry>(attrs.get<AddNParam>().num_args, ctx->OutGrad(0));
    });

}  // namespace
}  // namespace mx
