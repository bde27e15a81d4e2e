// GPU kernels of FullyConnected (registrations in fully_connected.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/fully_connected-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(FullyConnected).Compute(DeviceType::kGPU, FullyConnectedForward<GPU>);
MX_REGISTER_OP(_backward_FullyConnected).Compute(DeviceType::kGPU, FullyConnectedBackward<GPU>);

}  // namespace
}  // namespace mx
