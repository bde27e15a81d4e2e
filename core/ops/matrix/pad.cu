// GPU kernels of Pad, pick and batch_take (pad.cc, pick.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/matrix/pad-inl.h"
#include "core/ops/matrix/pick-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(Pad).Compute(DeviceType::kGPU, PadForward<GPU>);
MX_REGISTER_OP(_backward_Pad).Compute(DeviceType::kGPU, PadBackward<GPU>);
MX_REGISTER_OP(pick).Compute(DeviceType::kGPU, PickCompute<GPU>);
MX_REGISTER_OP(_backward_pick).Compute(DeviceType::kGPU, PickBackward<GPU>);
MX_REGISTER_OP(batch_take).Compute(DeviceType::kGPU, BatchTakeCompute<GPU>);

}  // namespace
}  // namespace mx
