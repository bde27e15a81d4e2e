// Host scratch memory for the index sorts (index_sort.h).
#include <vector>

#include "core/ops/sort/index_sort.h"

namespace mx {

template <>
int64_t* IndexWorkspace<CPU>(int64_t count, IndexWorkspaceSlot slot) {
  thread_local std::vector<int64_t> buffers[2];
  std::vector<int64_t>& b = buffers[static_cast<int>(slot)];
  if (static_cast<int64_t>(b.size()) < count) b.resize(count);
  return b.data();
}

}  // namespace mx
