// GPU kernels of LayerNorm, InstanceNorm and GroupNorm (layer_norm.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/layer_norm-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(LayerNorm).Compute(DeviceType::kGPU, LayerNormForward<GPU>);
MX_REGISTER_OP(_backward_LayerNorm).Compute(DeviceType::kGPU, LayerNormBackward<GPU>);
MX_REGISTER_OP(InstanceNorm).Compute(DeviceType::kGPU, LayerNormForward<GPU>);
MX_REGISTER_OP(_backward_InstanceNorm).Compute(DeviceType::kGPU, LayerNormBackward<GPU>);
MX_REGISTER_OP(GroupNorm).Compute(DeviceType::kGPU, LayerNormForward<GPU>);
MX_REGISTER_OP(_backward_GroupNorm).Compute(DeviceType::kGPU, LayerNormBackward<GPU>);

}  // namespace
}  // namespace mx
