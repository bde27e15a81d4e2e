// Storage: the process-wide allocator for array memory, one PooledAllocator per context.
// CPU memory is 64-byte aligned; GPU memory comes from cudaMalloc on the context's device;
// cpu_pinned uses cudaHostAlloc when a GPU is present (plain aligned memory otherwise).
// Alloc throws OutOfMemoryError (naming the context and size) or ContextError (a GPU that does
// not exist). Thread-safe. The singleton is never destroyed, so engine threads may free memory
// during process exit.
#ifndef TESSERA_CORE_STORAGE_STORAGE_H_
#define TESSERA_CORE_STORAGE_STORAGE_H_

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

#include "core/base/context.h"
#include "core/storage/pooled_allocator.h"

namespace mx {

struct StorageHandle {
  void* dptr = nullptr;
  size_t size = 0;
  Context ctx;
};

class Storage {
 public:
  static Storage* Get();

  StorageHandle Alloc(size_t size, Context ctx);
  void Free(const StorageHandle& handle);
  // Returns the pooled (free) memory of `ctx` to the system.
  void ReleaseAll(Context ctx);
  StorageStats Stats(Context ctx);

 private:
  Storage() = default;
  PooledAllocator* AllocatorFor(Context ctx);

  std::mutex mu_;
  std::map<Context, std::unique_ptr<PooledAllocator>> allocators_;  // guarded by mu_
};

}  // namespace mx

#endif  // TESSERA_CORE_STORAGE_STORAGE_H_
