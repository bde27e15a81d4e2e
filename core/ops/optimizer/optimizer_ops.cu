// GPU kernels of the optimizer update operators (registrations in optimizer_ops.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/optimizer/optimizer-inl.h"

namespace mx {
namespace {

#define MX_GPU_UPDATE(name, K, fields, states, mp) \
  MX_REGISTER_OP(name).Compute(DeviceType::kGPU, UpdateCompute<GPU, K, states, mp>);
MX_UPDATE_OPS(MX_GPU_UPDATE)
#undef MX_GPU_UPDATE
MX_REGISTER_OP(lamb_update_phase2).Compute(DeviceType::kGPU, LambPhase2Compute<GPU>);

}  // namespace
}  // namespace mx
