// Pad's GPU kernels (pad.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/matrix/pad-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(Pad).Compute(DeviceType::kGPU, PadForward<GPU>);
MX_REGISTER_OP(_backward_Pad).Compute(DeviceType::kGPU, PadBackward<GPU>);

}  // namespace
}  // namespace mx
