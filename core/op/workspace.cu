// Device buffers per slot, device and thread (workspace.h).
#include <map>
#include <utility>

#include "core/base/cuda_check.h"
#include "core/op/workspace.h"

namespace mx {

template <>
void* Workspace<GPU>(size_t bytes, WorkspaceSlot slot) {
  thread_local std::map<std::pair<int, int>, std::pair<void*, size_t>> buffers;
  int dev = 0;
  MX_CUDA_CALL(cudaGetDevice(&dev));
  auto& b = buffers[{dev, static_cast<int>(slot)}];
  if (b.second < bytes) {
    if (b.first) MX_CUDA_CALL(cudaFree(b.first));
    b.first = nullptr;
    b.second = 0;
    MX_CUDA_CALL(cudaMalloc(&b.first, bytes > 0 ? bytes : 1));
    b.second = bytes;
  }
  return b.first;
}

}  // namespace mx
