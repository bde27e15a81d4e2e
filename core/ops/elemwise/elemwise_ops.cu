// GPU kernels of the element-wise families (op_lists.h).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/elemwise/elemwise-inl.h"
#include "core/ops/elemwise/op_lists.h"

namespace mx {
namespace {

using mop::reverse;

#define MX_GPU_KERNEL(name, functor, text, Fn) \
  MX_REGISTER_OP(name).Compute(DeviceType::kGPU, Fn<GPU, mop::functor>);
#define MX_GPU_BROADCAST(name, functor, text) MX_GPU_KERNEL(name, functor, text, BroadcastCompute)
#define MX_GPU_ELEMWISE(name, functor, text) MX_GPU_KERNEL(name, functor, text, BinaryCompute)
#define MX_GPU_SCALAR(name, functor, text) MX_GPU_KERNEL(name, functor, text, ScalarCompute)
#define MX_GPU_UNARY(name, functor, text) MX_GPU_KERNEL(name, functor, text, UnaryCompute)
MX_BROADCAST_BINARY_OPS(MX_GPU_BROADCAST)
MX_ELEMWISE_BINARY_OPS(MX_GPU_ELEMWISE)
MX_SCALAR_OPS(MX_GPU_SCALAR)
MX_UNARY_OPS(MX_GPU_UNARY)

}  // namespace
}  // namespace mx
