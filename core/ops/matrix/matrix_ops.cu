// GPU kernels of the layout operators (registrations in matrix_ops.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/matrix/matrix-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(Reshape).Compute(DeviceType::kGPU, CopyCompute<GPU>);
MX_REGISTER_OP(Flatten).Compute(DeviceType::kGPU, CopyCompute<GPU>);
MX_REGISTER_OP(expand_dims).Compute(DeviceType::kGPU, CopyCompute<GPU>);
MX_REGISTER_OP(squeeze).Compute(DeviceType::kGPU, CopyCompute<GPU>);
MX_REGISTER_OP(reshape_like).Compute(DeviceType::kGPU, CopyCompute<GPU>);
MX_REGISTER_OP(transpose).Compute(DeviceType::kGPU, TransposeCompute<GPU>);
MX_REGISTER_OP(Concat).Compute(DeviceType::kGPU, ConcatCompute<GPU>);
MX_REGISTER_OP(stack).Compute(DeviceType::kGPU, StackCompute<GPU>);
MX_REGISTER_OP(SliceChannel).Compute(DeviceType::kGPU, SliceChannelCompute<GPU>);
MX_REGISTER_OP(slice_axis).Compute(DeviceType::kGPU, SliceAxisCompute<GPU>);
MX_REGISTER_OP(clip).Compute(DeviceType::kGPU, ClipCompute<GPU>);
MX_REGISTER_OP(one_hot).Compute(DeviceType::kGPU, OneHotCompute<GPU>);
MX_REGISTER_OP(take).Compute(DeviceType::kGPU, TakeCompute<GPU>);
MX_REGISTER_OP(where).Compute(DeviceType::kGPU, WhereCompute<GPU>);
MX_REGISTER_OP(_backward_Concat).Compute(DeviceType::kGPU, BackwardConcatCompute<GPU>);
MX_REGISTER_OP(_backward_stack).Compute(DeviceType::kGPU, BackwardConcatCompute<GPU>);
MX_REGISTER_OP(_backward_slice_axis).Compute(DeviceType::kGPU, BackwardSliceAxisCompute<GPU>);
MX_REGISTER_OP(_backward_take).Compute(DeviceType::kGPU, BackwardTakeCompute<GPU>);

}  // namespace
}  // namespace mx
