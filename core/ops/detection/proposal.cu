// _contrib_Proposal and _contrib_MultiProposal's GPU kernel (proposal.cc): one thread per image.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/detection/proposal-inl.h"

namespace mx {
namespace {

MX_REGISTER_OP(_contrib_Proposal).Compute(DeviceType::kGPU, ProposalForward<GPU>);
MX_REGISTER_OP(_contrib_MultiProposal).Compute(DeviceType::kGPU, ProposalForward<GPU>);

}  // namespace
}  // namespace mx
