// The MultiBox operators' GPU kernels (multibox_prior.cc, multibox_target.cc,
// multibox_detection.cc): a thread per location for the priors, per image for the others.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/detection/multibox_detection-inl.h"
#include "core/ops/detection/multibox_prior-inl.h"
#include "core/ops/detection/multibox_target-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_MultiBoxPrior).Compute(DeviceType::kGPU, MultiBoxPriorForward<GPU>);
MX_REGISTER_OP(_contrib_MultiBoxTarget).Compute(DeviceType::kGPU, MultiBoxTargetForward<GPU>);
MX_REGISTER_OP(_contrib_MultiBoxDetection)
    .Compute(DeviceType::kGPU, MultiBoxDetectionForward<GPU>);

}  // namespace
}  // namespace mx
