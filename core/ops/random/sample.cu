// The random samplers' GPU kernels (sample.cc): the host's variates are copied to workspace
// memory, then mapped to the distribution on the device.
#include "core/base/cuda_check.h"
#include "core/op/kernel_gpu.cuh"
#include "core/op/workspace.h"
#include "core/ops/random/sample-inl.h"

namespace mx {

template <>
const double* PlaceDraws<GPU>(const std::vector<double>& draws, void* stream) {
  size_t bytes = draws.size() * sizeof(double);
  void* dev = Workspace<GPU>(bytes, WorkspaceSlot::kHostDraws);
  // From pageable memory the call returns once `draws` has been staged, so it may go away.
  MX_CUDA_CALL(cudaMemcpyAsync(dev, draws.data(), bytes, cudaMemcpyHostToDevice,
                               static_cast<cudaStream_t>(stream)));
  return static_cast<const double*>(dev);
}

namespace {

MX_REGISTER_OP(_random_uniform).Compute(DeviceType::kGPU, SampleCompute<GPU>);
MX_REGISTER_OP(_random_normal).Compute(DeviceType::kGPU, SampleCompute<GPU>);
MX_REGISTER_OP(_sample_uniform).Compute(DeviceType::kGPU, SampleCompute<GPU>);
MX_REGISTER_OP(_sample_normal).Compute(DeviceType::kGPU, SampleCompute<GPU>);

}  // namespace
}  // namespace mx
