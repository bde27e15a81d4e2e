// diag's GPU kernels (diag.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/matrix/diag-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(diag).Compute(DeviceType::kGPU, DiagCompute<GPU>);
MX_REGISTER_OP(_backward_diag).Compute(DeviceType::kGPU, DiagBackward<GPU>);

}  // namespace
}  // namespace mx
