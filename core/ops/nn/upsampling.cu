// UpSampling's GPU kernels (upsampling.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/upsampling-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(UpSampling).Compute(DeviceType::kGPU, UpSamplingForward<GPU>);
MX_REGISTER_OP(_backward_UpSampling).Compute(DeviceType::kGPU, UpSamplingBackward<GPU>);

}  // namespace
}  // namespace mx
