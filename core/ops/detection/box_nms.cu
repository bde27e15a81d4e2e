// _contrib_box_nms's GPU kernels (box_nms.cc): one thread per batch.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/detection/box_nms-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_box_nms).Compute(DeviceType::kGPU, BoxNMSForward<GPU>);
MX_REGISTER_OP(_backward__contrib_box_nms).Compute(DeviceType::kGPU, BoxNMSBackward<GPU>);

}  // namespace
}  // namespace mx
