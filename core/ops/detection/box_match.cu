// The GPU kernels of _contrib_box_iou, _contrib_bipartite_matching and ROIPooling (box_iou.cc,
// bipartite_matching.cc, roi_pooling.cc): one thread per output (IoU, ROIPooling), one per batch
// (matching), one per channel (ROIPooling's gradient).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/detection/bipartite_matching-inl.h"
#include "core/ops/detection/box_iou-inl.h"
#include "core/ops/detection/roi_pooling-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_box_iou).Compute(DeviceType::kGPU, BoxIoUCompute<GPU>);
MX_REGISTER_OP(_contrib_bipartite_matching)
    .Compute(DeviceType::kGPU, BipartiteMatchingCompute<GPU>);
MX_REGISTER_OP(ROIPooling).Compute(DeviceType::kGPU, ROIPoolingForward<GPU>);
MX_REGISTER_OP(_backward_ROIPooling).Compute(DeviceType::kGPU, ROIPoolingBackward<GPU>);

}  // namespace
}  // namespace mx
