// GPU kernels of the loss heads (registrations in loss_ops.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/loss_ops-inl.h"

namespace mx {
namespace {

#define MX_GPU_REGRESSION(name)                                           \
  MX_REGISTER_OP(name).Compute(DeviceType::kGPU, RegressionForward<GPU>); \
  MX_REGISTER_OP(_backward_##name).Compute(DeviceType::kGPU, RegressionBackward<GPU>);
MX_GPU_REGRESSION(LinearRegressionOutput)
MX_GPU_REGRESSION(LogisticRegressionOutput)
MX_GPU_REGRESSION(MAERegressionOutput)
#undef MX_GPU_REGRESSION
MX_REGISTER_OP(MakeLoss).Compute(DeviceType::kGPU, UnaryCompute<GPU, mop::identity>);
MX_REGISTER_OP(_backward_MakeLoss).Compute(DeviceType::kGPU, MakeLossBackward<GPU>);
MX_REGISTER_OP(BlockGrad).Compute(DeviceType::kGPU, UnaryCompute<GPU, mop::identity>);

}  // namespace
}  // namespace mx
