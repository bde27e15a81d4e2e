// SVMOutput's GPU kernels (registered in loss_ops.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/svm_output-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(SVMOutput).Compute(DeviceType::kGPU, UnaryCompute<GPU, mop::identity>);
MX_REGISTER_OP(_backward_SVMOutput).Compute(DeviceType::kGPU, SVMOutputBackward<GPU>);

}  // namespace
}  // namespace mx
