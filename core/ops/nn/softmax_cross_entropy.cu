// softmax_cross_entropy's GPU kernels (softmax_cross_entropy.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/softmax_cross_entropy-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(softmax_cross_entropy).Compute(DeviceType::kGPU, SoftmaxCEForward<GPU>);
MX_REGISTER_OP(_backward_softmax_cross_entropy)
    .Compute(DeviceType::kGPU, SoftmaxCEBackward<GPU>);

}  // namespace
}  // namespace mx
