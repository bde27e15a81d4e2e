// _contrib_BilinearResize2D's GPU kernels (bilinear_resize.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/resize/bilinear_resize-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_BilinearResize2D).Compute(DeviceType::kGPU, BilinearResizeForward<GPU>);
MX_REGISTER_OP(_backward_contrib_BilinearResize2D)
    .Compute(DeviceType::kGPU, BilinearResizeBackward<GPU>);

}  // namespace
}  // namespace mx
