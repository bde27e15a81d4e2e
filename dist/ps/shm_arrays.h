// cpu_shared arrays of a dist worker in its shared memory (shm.h), where a parameter server of
// the same machine reads a pushed gradient without a copy (MPI's single-copy path does the
// same for a buffer it reduces). The worker's transport attaches its pool while it runs
// (Transport::ServeSharedArrays); Storage (core/storage/storage.h) then takes the memory of
// cpu_shared arrays of kShmMinBytes and more from it, while the pool's budget has room, and plain
// host memory otherwise. A push-pull of such an array sends a descriptor of the array's bytes
// instead of a copy: the operation reads the gradient until the server's answer, which comes
// after the sum, so nothing writes it while the server reads. Plain pushes still copy (the
// gradient may change before the server reads it).
//
// Blocks outlive the pool: its segment names go with it, the mappings stay until each block is
// freed. Only blocks of the attached pool are described; others are sent as copies.
#ifndef TESSERA_DIST_PS_SHM_ARRAYS_H_
#define TESSERA_DIST_PS_SHM_ARRAYS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>

#include "core/storage/storage.h"
#include "dist/ps/bytes.h"
#include "dist/ps/shm.h"

namespace mx {
namespace ps {

class ShmArrays : public HostBacking {
 public:
  // The process's (never destroyed: arrays may outlive every store).
  static ShmArrays* Get();

  // Serves cpu_shared arrays from `pool` until Detach(pool).
  void Attach(ShmPool* pool);
  void Detach(const ShmPool* pool);

  // Null below kShmMinBytes: such arrays get plain memory, their pushes travel inline.
  void* Alloc(size_t size) override;
  bool Free(void* p) override;

  // The block of `pool` holding the `n` bytes at `p`, with their offset in it in `skip`; null
  // when no block of that pool holds them all.
  Payload Find(const ShmPool& pool, const void* p, size_t n, uint64_t* skip) const;
  // Blocks served and not yet freed.
  size_t blocks() const;

 private:
  mutable std::mutex mu_;
  ShmPool* pool_ = nullptr;
  std::map<const char*, Payload> blocks_;  // by their first byte
};

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_SHM_ARRAYS_H_
