// PooledAllocator: keeps freed buffers in free lists keyed by rounded size and hands them out
// again, so a training loop that allocates the same shapes every step touches fresh memory only
// in its first step. Sizes round up to a power of two below 4 KiB and to a 4 KiB multiple above.
// When the system allocator fails, the pool is released and the allocation retried once.
// Thread-safe (one mutex).
#ifndef TESSERA_CORE_STORAGE_POOLED_ALLOCATOR_H_
#define TESSERA_CORE_STORAGE_POOLED_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace mx {

struct StorageStats {
  size_t bytes_in_use = 0;       // handed out and not yet freed (rounded sizes)
  size_t bytes_pooled = 0;       // freed and kept for reuse
  size_t peak_bytes_in_use = 0;  // high-water mark of bytes_in_use
  uint64_t num_allocs = 0;       // Alloc calls
  uint64_t num_pool_hits = 0;    // Alloc calls served from the pool
  uint64_t num_system_allocs = 0;
  uint64_t num_frees = 0;
};

class PooledAllocator {
 public:
  using RawAlloc = std::function<void*(size_t)>;  // returns nullptr on failure
  using RawFree = std::function<void(void*)>;

  // `pooled` false frees straight back to the system (MXNET_*_MEM_POOL_TYPE=Unpooled).
  PooledAllocator(RawAlloc alloc, RawFree free, bool pooled);
  ~PooledAllocator();

  // Returns a buffer of at least `size` bytes, or nullptr if the system is out of memory even
  // after the pool was released.
  void* Alloc(size_t size);
  // `size` must be the size passed to Alloc for `ptr`.
  void Free(void* ptr, size_t size);
  // Returns every pooled buffer to the system.
  void ReleaseAll();
  StorageStats Stats() const;

  static size_t RoundSize(size_t size);

 private:
  void ReleaseAllLocked();

  RawAlloc alloc_;
  RawFree free_;
  bool pooled_;
  mutable std::mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> free_lists_;  // guarded by mu_
  StorageStats stats_;                                         // guarded by mu_
};

}  // namespace mx

#endif  // TESSERA_CORE_STORAGE_POOLED_ALLOCATOR_H_
