// Temporary device memory for GPU kernels that need a buffer only during one call (cuDNN's
// workspace, Dropout's draws). One grow-only buffer per slot, device and thread: the op's thread
// issues all work on its stream in order, and cudaFree synchronizes the device, so a buffer is
// never released while a kernel still uses it. Used by .cu files only.
#ifndef TESSERA_CORE_OPS_NN_GPU_WORKSPACE_H_
#define TESSERA_CORE_OPS_NN_GPU_WORKSPACE_H_

#include <cstddef>

namespace mx {

enum class GpuWorkspaceSlot {
  kCudnn = 0,
  kDropout = 1,
  kChannelSums = 2,
  kBoxNMS = 3,    // _contrib_box_nms's index sort
  kOrdering = 4,  // topk, sort, argsort
};

// At least `bytes` of device memory on the current device, valid until the next call for the
// same slot on this thread.
void* GpuWorkspace(size_t bytes, GpuWorkspaceSlot slot);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_GPU_WORKSPACE_H_
