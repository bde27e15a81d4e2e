// add_n's GPU kernel (add_n.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/elemwise/add_n-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(add_n).Compute(DeviceType::kGPU, AddNCompute<GPU>);

}  // namespace
}  // namespace mx
