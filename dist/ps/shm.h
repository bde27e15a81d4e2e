// Shared memory between the parameter-server nodes of one machine (what MPI's shared-memory
// transport does for MPI_Allreduce). A sender writes a payload once into a region of a
// segment it owns (ShmPool) and sends a 72-byte descriptor in its place; the receiver maps the
// segment (ShmMapper) and reads the payload where it lies. Each region carries a reference
// count in the segment itself: the sender's payload holds one, every descriptor sent holds one
// for its receiver, and the region is reused once all are released. Nothing blocks on a
// reader: a region that is still read is simply not reused, and when the pool's budget or
// /dev/shm is full, Allocate() returns null and the transport sends the bytes over the network.
//
// Segments are named as shm_names.h says; the owner unlinks them when its pool goes, and the
// first pool of a process, and `launch` when its job ends, unlink those whose process no
// longer exists (a job killed with SIGKILL). A receiver checks that a descriptor names a segment of
// its own job and a region inside it with an intact header, and rejects it otherwise.
#ifndef TESSERA_DIST_PS_SHM_H_
#define TESSERA_DIST_PS_SHM_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dist/ps/bytes.h"

namespace mx {
namespace ps {

// Payloads below this size travel inline: a copy costs less than the shared-memory bookkeeping.
constexpr size_t kShmMinBytes = 64 << 10;

// A descriptor as it travels in place of the payload.
#pragma pack(push, 1)
struct ShmRef {
  char segment[48];  // NUL-terminated name
  uint64_t offset;   // of the region's header in the segment
  uint64_t size;     // payload bytes
  uint64_t skip;     // where the payload starts in the region (a slice of a shared array)
};
#pragma pack(pop)
static_assert(sizeof(ShmRef) == 72, "shared-memory descriptor layout");

// Identifies the shared memory this process can reach: the boot, the /dev/shm mount and the
// user; "" when /dev/shm is unusable. Two nodes with the same locality can map each other's
// segments.
std::string ShmLocality();

struct ShmSegment;
class ShmBytes;

class ShmPool {
 public:
  // Fills at most `budget_bytes` of segments for job `token`.
  ShmPool(uint64_t token, uint64_t budget_bytes);
  ~ShmPool();
  ShmPool(const ShmPool&) = delete;
  ShmPool& operator=(const ShmPool&) = delete;

  // A writable region of `n` bytes, or null when the budget or /dev/shm has no room.
  Payload Allocate(size_t n);
  // Whether `p` is a region of this pool.
  bool Owns(const Payload& p) const;
  // When `p` is a region of this pool: its descriptor, holding one more reference for the
  // receiver (released by the receiver's payload, or by Unshare when the send failed); with
  // `size`, of the `size` bytes from `skip` on (8-byte aligned, inside the region) instead of
  // the whole payload.
  bool Share(const Payload& p, ShmRef* out, uint64_t skip = 0, uint64_t size = ~uint64_t(0));
  void Unshare(const Payload& p);

  uint64_t bytes_reserved() const;

 private:
  struct Region {
    std::shared_ptr<ShmSegment> segment;
    uint64_t offset, capacity;
  };
  std::shared_ptr<ShmSegment> NewSegment(uint64_t bytes);
  const ShmBytes* Mine(const Payload& p) const;

  uint64_t token_, budget_;
  uint64_t id_;  // unique in the process: the owner its regions name (a pool's address may recur)
  uint32_t nonce_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<ShmSegment>> segments_;
  std::vector<Region> regions_;
  uint64_t reserved_ = 0;
  bool warned_ = false;
  bool no_room_ = false;  // /dev/shm refused a segment: only existing regions are used
};

class ShmMapper {
 public:
  explicit ShmMapper(uint64_t token);
  // The payload descriptor `ref` (the `ref_size` bytes of a frame) names, which must be
  // `size` bytes; null with `why` set when it is not a valid region of this job.
  Payload Open(const char* ref, size_t ref_size, uint64_t size, std::string* why);
  // Segments mapped now. Mapping a new one forgets those whose owner unlinked them (an exited
  // node); payloads still read from them keep their mapping.
  size_t mapped() const;

 private:
  std::string prefix_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<ShmSegment>> segments_;
};

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_SHM_H_
