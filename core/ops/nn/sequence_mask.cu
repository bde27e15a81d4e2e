// SequenceMask's GPU kernel (sequence_mask.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/sequence_mask-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(SequenceMask).Compute(DeviceType::kGPU, SequenceMaskCompute<GPU>);

}  // namespace
}  // namespace mx
