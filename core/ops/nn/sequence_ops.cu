// GPU kernels of the sequence operators (sequence_ops.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/sequence-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(SequenceMask).Compute(DeviceType::kGPU, SequenceMaskCompute<GPU>);
MX_REGISTER_OP(SequenceLast).Compute(DeviceType::kGPU, SequenceStepCompute<GPU, SequenceLastMap>);
MX_REGISTER_OP(_backward_SequenceLast)
    .Compute(DeviceType::kGPU, SequenceStepCompute<GPU, SequenceLastGradMap>);
MX_REGISTER_OP(SequenceReverse)
    .Compute(DeviceType::kGPU, SequenceStepCompute<GPU, SequenceReverseMap>);

}  // namespace
}  // namespace mx
