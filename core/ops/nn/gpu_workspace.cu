// Grow-only device buffers per slot, device and thread (see gpu_workspace.h).
#include <map>
#include <utility>

#include "core/base/cuda_check.h"
#include "core/ops/nn/gpu_workspace.h"

namespace mx {

void* GpuWorkspace(size_t bytes, GpuWorkspaceSlot slot) {
  thread_local std::map<std::pair<int, int>, std::pair<void*, size_t>> buffers;
  int dev = 0;
  MX_CUDA_CALL(cudaGetDevice(&dev));
  auto& b = buffers[{dev, static_cast<int>(slot)}];
  if (b.second < bytes) {
    if (b.first) MX_CUDA_CALL(cudaFree(b.first));
    b.first = nullptr;
    b.second = 0;
    MX_CUDA_CALL(cudaMalloc(&b.first, bytes));
    b.second = bytes;
  }
  return b.first;
}

}  // namespace mx
