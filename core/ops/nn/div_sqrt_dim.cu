// _contrib_div_sqrt_dim's GPU kernel (div_sqrt_dim.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/div_sqrt_dim-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_div_sqrt_dim).Compute(DeviceType::kGPU, DivSqrtDimCompute<GPU>);

}  // namespace
}  // namespace mx
