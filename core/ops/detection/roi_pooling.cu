// ROIPooling's GPU kernels (roi_pooling.cc): one thread per output, one per channel for the
// gradient.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/detection/roi_pooling-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(ROIPooling).Compute(DeviceType::kGPU, ROIPoolingForward<GPU>);
MX_REGISTER_OP(_backward_ROIPooling).Compute(DeviceType::kGPU, ROIPoolingBackward<GPU>);

}  // namespace
}  // namespace mx
