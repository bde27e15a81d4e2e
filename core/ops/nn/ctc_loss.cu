// CTCLoss's GPU kernels (ctc_loss.cc): one thread per sequence.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/ctc_loss-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(CTCLoss).Compute(DeviceType::kGPU, CTCLossForward<GPU>);
MX_REGISTER_OP(_backward_ctc_loss).Compute(DeviceType::kGPU, CTCLossBackward<GPU>);

}  // namespace
}  // namespace mx
