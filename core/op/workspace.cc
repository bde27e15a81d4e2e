// Host buffers per slot and thread (workspace.h).
#include "core/op/workspace.h"

#include <vector>

namespace mx {

template <>
void* Workspace<CPU>(size_t bytes, WorkspaceSlot slot) {
  // max_align_t elements, so the buffer suits every element type.
  thread_local std::vector<std::max_align_t> buffers[static_cast<int>(WorkspaceSlot::kCount)];
  std::vector<std::max_align_t>& b = buffers[static_cast<int>(slot)];
  size_t n = (bytes + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
  if (b.size() < n) b.resize(n);
  return b.data();
}

}  // namespace mx
