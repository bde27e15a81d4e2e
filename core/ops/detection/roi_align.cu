// _contrib_ROIAlign's GPU kernels (roi_align.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/detection/roi_align-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_ROIAlign).Compute(DeviceType::kGPU, ROIAlignForward<GPU>);
MX_REGISTER_OP(_backward__contrib_ROIAlign).Compute(DeviceType::kGPU, ROIAlignBackward<GPU>);

}  // namespace
}  // namespace mx
