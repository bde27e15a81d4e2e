// IdentityAttachKLSparseReg's GPU kernels (kl_sparse_reg.cc): one thread per element forward,
// one per column backward.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/elemwise/elemwise-inl.h"
#include "core/ops/nn/kl_sparse_reg-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(IdentityAttachKLSparseReg)
    .Compute(DeviceType::kGPU, UnaryCompute<GPU, mop::identity>);
MX_REGISTER_OP(_backward_IdentityAttachKLSparseReg)
    .Compute(DeviceType::kGPU, KLSparseRegBackward<GPU>);

}  // namespace
}  // namespace mx
