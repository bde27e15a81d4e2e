// GPU kernels of the axis-map operators, shape_array/size_array and gather_nd/scatter_nd
// (registrations in slice_ops.cc, replicate_ops.cc, shape_array.cc, gather_nd.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/matrix/axis_map-inl.h"
#include "core/ops/matrix/gather_nd-inl.h"
#include "core/ops/matrix/shape_array-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(slice).Compute(DeviceType::kGPU, SliceFamilyCompute<GPU>);
MX_REGISTER_OP(slice_like).Compute(DeviceType::kGPU, SliceFamilyCompute<GPU>);
MX_REGISTER_OP(reverse).Compute(DeviceType::kGPU, SliceFamilyCompute<GPU>);
MX_REGISTER_OP(SwapAxis).Compute(DeviceType::kGPU, SliceFamilyCompute<GPU>);
MX_REGISTER_OP(depth_to_space).Compute(DeviceType::kGPU, SliceFamilyCompute<GPU>);
MX_REGISTER_OP(space_to_depth).Compute(DeviceType::kGPU, SliceFamilyCompute<GPU>);
MX_REGISTER_OP(_backward_slice).Compute(DeviceType::kGPU, SliceFamilyBackward<GPU>);
MX_REGISTER_OP(_backward_slice_like).Compute(DeviceType::kGPU, SliceFamilyBackward<GPU>);
MX_REGISTER_OP(tile).Compute(DeviceType::kGPU, ReplicateCompute<GPU>);
MX_REGISTER_OP(repeat).Compute(DeviceType::kGPU, ReplicateCompute<GPU>);
MX_REGISTER_OP(broadcast_axis).Compute(DeviceType::kGPU, ReplicateCompute<GPU>);
MX_REGISTER_OP(broadcast_to).Compute(DeviceType::kGPU, ReplicateCompute<GPU>);
MX_REGISTER_OP(broadcast_like).Compute(DeviceType::kGPU, ReplicateCompute<GPU>);
MX_REGISTER_OP(_backward_tile).Compute(DeviceType::kGPU, ReplicateBackward<GPU>);
MX_REGISTER_OP(_backward_repeat).Compute(DeviceType::kGPU, ReplicateBackward<GPU>);
MX_REGISTER_OP(shape_array).Compute(DeviceType::kGPU, ShapeArrayCompute<GPU>);
MX_REGISTER_OP(size_array).Compute(DeviceType::kGPU, ShapeArrayCompute<GPU>);
MX_REGISTER_OP(gather_nd).Compute(DeviceType::kGPU, GatherNDCompute<GPU>);
MX_REGISTER_OP(scatter_nd).Compute(DeviceType::kGPU, ScatterNDCompute<GPU>);
MX_REGISTER_OP(_backward_gather_nd).Compute(DeviceType::kGPU, ScatterNDCompute<GPU>);

}  // namespace
}  // namespace mx
