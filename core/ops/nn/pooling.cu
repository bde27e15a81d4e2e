// GPU kernels of Pooling (registrations in pooling.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/pooling-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(Pooling).Compute(DeviceType::kGPU, PoolingForward<GPU>);
MX_REGISTER_OP(_backward_Pooling).Compute(DeviceType::kGPU, PoolingBackward<GPU>);

}  // namespace
}  // namespace mx
