// LRN's GPU kernels (lrn.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/lrn-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(LRN).Compute(DeviceType::kGPU, LRNForward<GPU>);
MX_REGISTER_OP(_backward_LRN).Compute(DeviceType::kGPU, LRNBackward<GPU>);

}  // namespace
}  // namespace mx
