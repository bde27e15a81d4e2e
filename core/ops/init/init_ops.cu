// GPU kernels of the creation operators (registrations in init_ops.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/init/init-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_zeros).Compute(DeviceType::kGPU, InitCompute<GPU>);
MX_REGISTER_OP(_ones).Compute(DeviceType::kGPU, InitCompute<GPU>);
MX_REGISTER_OP(_full).Compute(DeviceType::kGPU, InitCompute<GPU>);
MX_REGISTER_OP(_arange).Compute(DeviceType::kGPU, InitCompute<GPU>);
MX_REGISTER_OP(_linspace).Compute(DeviceType::kGPU, InitCompute<GPU>);
MX_REGISTER_OP(_eye).Compute(DeviceType::kGPU, InitCompute<GPU>);

}  // namespace
}  // namespace mx
