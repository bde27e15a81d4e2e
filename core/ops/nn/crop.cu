// Crop's GPU kernels (crop.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/crop-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(Crop).Compute(DeviceType::kGPU, CropForward<GPU>);
MX_REGISTER_OP(_backward_Crop).Compute(DeviceType::kGPU, CropBackward<GPU>);

}  // namespace
}  // namespace mx
