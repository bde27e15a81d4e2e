// GPU kernels of topk, sort and argsort (ordering.cc): one thread per row.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/sort/ordering-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(topk).Compute(DeviceType::kGPU, OrderingCompute<GPU>);
MX_REGISTER_OP(sort).Compute(DeviceType::kGPU, OrderingCompute<GPU>);
MX_REGISTER_OP(argsort).Compute(DeviceType::kGPU, OrderingCompute<GPU>);
MX_REGISTER_OP(_backward_topk).Compute(DeviceType::kGPU, OrderingBackward<GPU>);
MX_REGISTER_OP(_backward_sort).Compute(DeviceType::kGPU, OrderingBackward<GPU>);

}  // namespace
}  // namespace mx
