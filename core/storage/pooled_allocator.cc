#include "core/storage/pooled_allocator.h"

#include <algorithm>

namespace mx {

PooledAllocator::PooledAllocator(RawAlloc alloc, RawFree free, bool pooled)
    : alloc_(std::move(alloc)), free_(std::move(free)), pooled_(pooled) {}

PooledAllocator::~PooledAllocator() { ReleaseAll(); }

size_t PooledAllocator::RoundSize(size_t size) {
  constexpr size_t kPage = 4096;
  if (size <= 64) return 64;
  if (size < kPage) {
    size_t r = 64;
    while (r < size) r <<= 1;
    return r;
  }
  return (size + kPage - 1) / kPage * kPage;
}

void* PooledAllocator::Alloc(size_t size) {
  size_t rounded = RoundSize(size);
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.num_allocs;
  void* ptr = nullptr;
  auto it = free_lists_.find(rounded);
  if (it != free_lists_.end() && !it->second.empty()) {
    ptr = it->second.back();
    it->second.pop_back();
    stats_.bytes_pooled -= rounded;
    ++stats_.num_pool_hits;
  } else {
    ptr = alloc_(rounded);
    if (!ptr) {
      ReleaseAllLocked();
      ptr = alloc_(rounded);
    }
    if (!ptr) return nullptr;
    ++stats_.num_system_allocs;
  }
  stats_.bytes_in_use += rounded;
  stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, stats_.bytes_in_use);
  return ptr;
}

void PooledAllocator::Free(void* ptr, size_t size) {
  if (!ptr) return;
  size_t rounded = RoundSize(size);
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.num_frees;
  stats_.bytes_in_use -= rounded;
  if (pooled_) {
    free_lists_[rounded].push_back(ptr);
    stats_.bytes_pooled += rounded;
  } else {
    free_(ptr);
  }
}

void PooledAllocator::ReleaseAll() {
  std::lock_guard<std::mutex> lock(mu_);
  ReleaseAllLocked();
}

void PooledAllocator::ReleaseAllLocked() {
  for (auto& kv : free_lists_)
    for (void* p : kv.second) free_(p);
  free_lists_.clear();
  stats_.bytes_pooled = 0;
}

StorageStats PooledAllocator::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace mx
