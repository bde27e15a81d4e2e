// GPU kernels of Activation (registrations in activation.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/activation-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(Activation).Compute(DeviceType::kGPU, ActivationForward<GPU>);
MX_REGISTER_OP(_backward_Activation).Compute(DeviceType::kGPU, ActivationBackward<GPU>);

}  // namespace
}  // namespace mx
