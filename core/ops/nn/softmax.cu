// GPU kernels of softmax, log_softmax and SoftmaxActivation (registrations in softmax.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/softmax-inl.h"

namespace mx {
namespace {

#define MX_GPU_SOFTMAX(name)                                           \
  MX_REGISTER_OP(name).Compute(DeviceType::kGPU, SoftmaxCompute<GPU>); \
  MX_REGISTER_OP(_backward_##name).Compute(DeviceType::kGPU, SoftmaxGradCompute<GPU>);
MX_GPU_SOFTMAX(softmax)
MX_GPU_SOFTMAX(log_softmax)
MX_GPU_SOFTMAX(SoftmaxActivation)
#undef MX_GPU_SOFTMAX

}  // namespace
}  // namespace mx
