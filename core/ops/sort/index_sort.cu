// Device scratch memory for the index sorts (index_sort.h), from the GPU workspace slots.
#include "core/ops/nn/gpu_workspace.h"
#include "core/ops/sort/index_sort.h"

namespace mx {

template <>
int64_t* IndexWorkspace<GPU>(int64_t count, IndexWorkspaceSlot slot) {
  GpuWorkspaceSlot s = slot == IndexWorkspaceSlot::kOrdering ? GpuWorkspaceSlot::kOrdering
                                                             : GpuWorkspaceSlot::kBoxNMS;
  return static_cast<int64_t*>(GpuWorkspace(static_cast<size_t>(count) * sizeof(int64_t), s));
}

}  // namespace mx
