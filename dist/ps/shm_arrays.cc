#include "dist/ps/shm_arrays.h"

#include <iterator>

namespace mx {
namespace ps {

ShmArrays* ShmArrays::Get() {
  static ShmArrays* arrays = new ShmArrays();  // never destroyed: see the header
  return arrays;
}

void ShmArrays::Attach(ShmPool* pool) {
  std::lock_guard<std::mutex> lock(mu_);
  pool_ = pool;
}

void ShmArrays::Detach(const ShmPool* pool) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pool_ == pool) pool_ = nullptr;
}

void* ShmArrays::Alloc(size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!pool_ || size < kShmMinBytes) return nullptr;
  Payload block = pool_->Allocate(size);
  if (!block) return nullptr;
  blocks_[block->data()] = block;
  return block->data();
}

bool ShmArrays::Free(void* p) {
  std::lock_guard<std::mutex> lock(mu_);
  return blocks_.erase(static_cast<const char*>(p)) > 0;
}

Payload ShmArrays::Find(const ShmPool& pool, const void* p, size_t n, uint64_t* skip) const {
  const char* c = static_cast<const char*>(p);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = blocks_.upper_bound(c);
  if (it == blocks_.begin()) return nullptr;
  const Payload& block = std::prev(it)->second;
  uint64_t off = static_cast<uint64_t>(c - block->data());
  if (off > block->size() || n > block->size() - off || !pool.Owns(block)) return nullptr;
  *skip = off;
  return block;
}

size_t ShmArrays::blocks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return blocks_.size();
}

}  // namespace ps
}  // namespace mx
