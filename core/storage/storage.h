// Storage: the process-wide allocator for array memory, one PooledAllocator per context.
// CPU memory is 64-byte aligned; GPU memory comes from cudaMalloc on the context's device;
// cpu_pinned uses cudaHostAlloc when a GPU is present (plain aligned memory otherwise);
// cpu_shared comes from the HostBacking set (shared memory of a dist worker), else as cpu.
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

// Memory for cpu_shared arrays from elsewhere: a dist worker's shared memory
// (dist/ps/shm_arrays.h), where a parameter server of the same machine reads a pushed gradient
// without a copy.
class HostBacking {
 public:
  virtual ~HostBacking() = default;
  // `size` bytes, 64-byte aligned, or null: the array gets plain host memory instead.
  virtual void* Alloc(size_t size) = 0;
  // Frees `p` when it is one of its blocks; false when it is not.
  virtual bool Free(void* p) = 0;
};

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
  // cpu_shared arrays allocated from now on take their memory from `backing` while it has
  // room (null: plain host memory, as without one). A backing must outlive every block it
  // served: blocks are freed through it whatever backing is current then.
  static void SetSharedBacking(HostBacking* backing);

 private:
  Storage() = default;
  PooledAllocator* AllocatorFor(Context ctx);

  std::mutex mu_;
  std::map<Context, std::unique_ptr<PooledAllocator>> allocators_;  // guarded by mu_
};

}  // namespace mx

#endif  // TESSERA_CORE_STORAGE_STORAGE_H_
