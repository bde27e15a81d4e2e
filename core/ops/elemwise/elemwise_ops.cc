// Registrations of the element-wise families (op_lists.h) with their CPU kernels.
#include "core/ops/elemwise/elemwise-inl.h"
#include "core/ops/elemwise/op_lists.h"

namespace mx {
namespace {

using mop::reverse;

#define MX_REGISTER_BROADCAST(name, functor, text)                    \
  MX_REGISTER_OP(name)                                                \
      .Describe(text " (numpy broadcasting)")                         \
      .NumInputs(2)                                                   \
      .InputNames({"lhs", "rhs"})                                     \
      .InferShape(BroadcastBinaryShape)                               \
      .InferType(SameTypeInferType)                                   \
      .Compute(DeviceType::kCPU, BroadcastCompute<CPU, mop::functor>) \
      .Gradient(ElemwiseGradient(#name));
MX_BROADCAST_BINARY_OPS(MX_REGISTER_BROADCAST)
#undef MX_REGISTER_BROADCAST

#define MX_REGISTER_ELEMWISE(name, functor, text)                  \
  MX_REGISTER_OP(name)                                             \
      .Describe(text " (inputs of equal shape)")                   \
      .NumInputs(2)                                                \
      .InputNames({"lhs", "rhs"})                                  \
      .InferShape(SameShapeInferShape)                             \
      .InferType(SameTypeInferType)                                \
      .InplaceOption({{0, 0}, {1, 0}})                             \
      .BatchInputs(AlwaysBatchInputs({0, 1}))                      \
      .Compute(DeviceType::kCPU, BinaryCompute<CPU, mop::functor>) \
      .Gradient(ElemwiseGradient(#name));
MX_ELEMWISE_BINARY_OPS(MX_REGISTER_ELEMWISE)
#undef MX_REGISTER_ELEMWISE

#define MX_REGISTER_SCALAR(name, functor, text)                    \
  MX_REGISTER_OP(name)                                             \
      .Describe(text)                                              \
      .NumInputs(1)                                                \
      .InputNames({"data"})                                        \
      .Params<ScalarParam>()                                       \
      .InferShape(SameShapeInferShape)                             \
      .InferType(SameTypeInferType)                                \
      .InplaceOption({{0, 0}})                                     \
      .BatchInputs(AlwaysBatchInputs({0}))                         \
      .Compute(DeviceType::kCPU, ScalarCompute<CPU, mop::functor>) \
      .Gradient(ElemwiseGradient(#name));
MX_SCALAR_OPS(MX_REGISTER_SCALAR)
#undef MX_REGISTER_SCALAR

#define MX_REGISTER_UNARY(name, functor, text)                    \
  MX_REGISTER_OP(name)                                            \
      .Describe(text)                                             \
      .NumInputs(1)                                               \
      .InputNames({"data"})                                       \
      .InferShape(SameShapeInferShape)                            \
      .InferType(SameTypeInferType)                               \
      .InplaceOption({{0, 0}})                                    \
      .BatchInputs(AlwaysBatchInputs({0}))                        \
      .Compute(DeviceType::kCPU, UnaryCompute<CPU, mop::functor>) \
      .Gradient(ElemwiseGradient(#name));
MX_UNARY_OPS(MX_REGISTER_UNARY)
#undef MX_REGISTER_UNARY

}  // namespace
}  // namespace mx
