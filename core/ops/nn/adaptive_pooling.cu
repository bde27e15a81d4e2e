// _contrib_AdaptiveAvgPooling2D's GPU kernels (adaptive_pooling.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/adaptive_pooling-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_AdaptiveAvgPooling2D)
    .Compute(DeviceType::kGPU, AdaptiveAvgPoolForward<GPU>);
MX_REGISTER_OP(_backward__contrib_AdaptiveAvgPooling2D)
    .Compute(DeviceType::kGPU, AdaptiveAvgPoolBackward<GPU>);

}  // namespace
}  // namespace mx
