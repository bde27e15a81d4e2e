// L2Normalization's GPU kernels (l2_normalization.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/l2_normalization-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(L2Normalization).Compute(DeviceType::kGPU, L2NormalizationForward<GPU>);
MX_REGISTER_OP(_backward_L2Normalization)
    .Compute(DeviceType::kGPU, L2NormalizationBackward<GPU>);

}  // namespace
}  // namespace mx
