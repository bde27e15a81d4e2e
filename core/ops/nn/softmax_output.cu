// GPU kernels of SoftmaxOutput (registrations in softmax_output.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/softmax_output-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(SoftmaxOutput).Compute(DeviceType::kGPU, SoftmaxOutputForward<GPU>);
MX_REGISTER_OP(Softmax).Compute(DeviceType::kGPU, SoftmaxOutputForward<GPU>);
MX_REGISTER_OP(_backward_SoftmaxOutput).Compute(DeviceType::kGPU, SoftmaxOutputBackward<GPU>);

}  // namespace
}  // namespace mx
