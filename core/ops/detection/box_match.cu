// The GPU kernels of _contrib_box_iou and _contrib_bipartite_matching (box_iou.cc,
// bipartite_matching.cc): one thread per output (IoU), one per batch (matching).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/detection/bipartite_matching-inl.h"
#include "core/ops/detection/box_iou-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_box_iou).Compute(DeviceType::kGPU, BoxIoUCompute<GPU>);
MX_REGISTER_OP(_contrib_bipartite_matching)
    .Compute(DeviceType::kGPU, BipartiteMatchingCompute<GPU>);

}  // namespace
}  // namespace mx
