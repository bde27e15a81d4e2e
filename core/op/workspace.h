// Temporary memory for kernels that need a buffer only during one call (cuDNN's workspace,
// Dropout's draws, the index sorts of topk and box_nms, MultiBox matching). One grow-only
// buffer per slot, device and thread: an operator's thread issues all its work on its stream in
// order (and cudaFree synchronizes the device), so a buffer is never released or reused while a
// kernel of an earlier call still reads it. Host memory on the CPU (workspace.cc), device memory
// on a GPU (workspace.cu).
#ifndef TESSERA_CORE_OP_WORKSPACE_H_
#define TESSERA_CORE_OP_WORKSPACE_H_

#include <cstddef>
#include <cstdint>

#include "core/op/kernel.h"

namespace mx {

enum class WorkspaceSlot {
  kCudnn = 0,
  kHostDraws,  // values drawn on the host (Dropout's mask, the random samplers' variates)
  kChannelSums,
  kBoxNMS,    // _contrib_box_nms's index sort
  kOrdering,  // topk, sort, argsort
  kMultiBox,  // _contrib_MultiBoxTarget and _contrib_MultiBoxDetection
  kLoss,      // per-row losses before their sum (softmax_cross_entropy)
  kCount
};

// At least `bytes` of memory on xpu (the current device for GPU), valid until the next call
// for the same slot on this thread. Aligned for any element type.
template <typename xpu>
void* Workspace(size_t bytes, WorkspaceSlot slot);

// `count` elements of type T (Workspace in elements).
template <typename T, typename xpu>
T* TypedWorkspace(int64_t count, WorkspaceSlot slot) {
  return static_cast<T*>(Workspace<xpu>(static_cast<size_t>(count) * sizeof(T), slot));
}

}  // namespace mx

#endif  // TESSERA_CORE_OP_WORKSPACE_H_
