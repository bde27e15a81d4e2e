#include "dist/ps/shm.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include "core/base/logging.h"
#include "dist/ps/shm_names.h"

namespace mx {
namespace ps {

// A mapped segment; unmapped when the last pool, mapper or payload using it goes.
struct ShmSegment {
  std::string name;
  char* base = nullptr;
  uint64_t size = 0;
  uint64_t used = 0;  // bytes carved into regions (owner only)
  ~ShmSegment() {
    if (base) munmap(base, size);
  }
};

namespace {

constexpr uint64_t kMagic = 0x4e4f494745525354ull;  // "TSREGION"
constexpr uint64_t kAlign = 64;
constexpr uint64_t kSegmentBytes = uint64_t(16) << 20;

// The header in front of every region, in the shared segment.
struct RegionHead {
  uint64_t magic;
  std::atomic<int64_t> refs;
  uint64_t capacity;  // payload bytes the region can hold
  uint64_t size;      // payload bytes of its current use
  char pad[32];
};
static_assert(sizeof(RegionHead) == kAlign, "region header layout");
static_assert(std::atomic<int64_t>::is_always_lock_free, "counts shared between processes");

uint64_t RoundUp(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

RegionHead* HeadAt(const ShmSegment& s, uint64_t offset) {
  return reinterpret_cast<RegionHead*>(s.base + offset);
}

}  // namespace

// A region's payload (from `skip` on); releases its reference when dropped.
class ShmBytes : public Bytes {
 public:
  ShmBytes(std::shared_ptr<ShmSegment> segment, uint64_t offset, uint64_t size, uint64_t owner,
           uint64_t skip = 0)
      : segment_(std::move(segment)), offset_(offset), owner_(owner) {
    data_ = segment_->base + offset + kAlign + skip;
    size_ = size;
  }
  ~ShmBytes() override { head()->refs.fetch_sub(1, std::memory_order_acq_rel); }
  RegionHead* head() const { return HeadAt(*segment_, offset_); }
  const ShmSegment& segment() const { return *segment_; }
  uint64_t offset() const { return offset_; }
  uint64_t owner() const { return owner_; }

 private:
  std::shared_ptr<ShmSegment> segment_;
  uint64_t offset_;
  uint64_t owner_;  // the id of the pool that carved it; 0 for a mapped one
};

namespace {

std::shared_ptr<ShmSegment> MapSegment(const std::string& name, int fd, uint64_t size,
                                       std::string* why) {
  void* base = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    *why = "cannot map shared-memory segment " + name + ": " + std::strerror(errno);
    return nullptr;
  }
  auto s = std::make_shared<ShmSegment>();
  s->name = name;
  s->base = static_cast<char*>(base);
  s->size = size;
  return s;
}

}  // namespace

std::string ShmLocality() {
  std::ifstream f("/proc/sys/kernel/random/boot_id");
  std::string boot;
  struct stat st;
  if (!(f >> boot) || stat("/dev/shm", &st) != 0) return "";
  return boot + "." + std::to_string(st.st_dev) + "." + std::to_string(st.st_ino) + "." +
         std::to_string(getuid());
}

ShmPool::ShmPool(uint64_t token, uint64_t budget_bytes) : token_(token), budget_(budget_bytes) {
  static std::once_flag once;
  std::call_once(once, RemoveOrphanSegments);
  static std::atomic<uint64_t> pools{0};
  id_ = ++pools;
  nonce_ = std::random_device()();
}

ShmPool::~ShmPool() {
  for (const auto& s : segments_) shm_unlink(s->name.c_str());
}

uint64_t ShmPool::bytes_reserved() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reserved_;
}

std::shared_ptr<ShmSegment> ShmPool::NewSegment(uint64_t bytes) {
  uint64_t size = RoundUp(std::max(bytes, kSegmentBytes), 1 << 20);
  auto refuse = [&](const std::string& why) -> std::shared_ptr<ShmSegment> {
    if (!warned_)
      MX_LOG(INFO) << "parameter server: " << why
                   << "; payloads that do not fit go over the network (TESSERA_PS_SHM_MB)";
    warned_ = true;
    return nullptr;
  };
  if (no_room_) return nullptr;  // /dev/shm refused once: not asked again at every payload
  if (reserved_ + size > budget_)
    return refuse("shared memory for payloads would exceed " + std::to_string(budget_ >> 20) +
                  " MB");
  std::string name = ShmSegmentName(token_, static_cast<int>(getpid()), nonce_,
                                    static_cast<int>(segments_.size()));
  int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  no_room_ = fd < 0;
  if (fd < 0) return refuse("cannot create " + name + ": " + std::strerror(errno));
  // Reserve the pages now: a full /dev/shm fails here instead of with SIGBUS on first write.
  int rc = posix_fallocate(fd, 0, static_cast<off_t>(size));
  std::string why;
  std::shared_ptr<ShmSegment> s = rc == 0 ? MapSegment(name, fd, size, &why) : nullptr;
  close(fd);
  if (!s) {
    no_room_ = true;
    shm_unlink(name.c_str());
    return refuse(rc != 0 ? "/dev/shm has no room for " + std::to_string(size >> 20) + " MB (" +
                                std::strerror(rc) + ")"
                          : why);
  }
  segments_.push_back(s);
  reserved_ += size;
  return s;
}

Payload ShmPool::Allocate(size_t n) {
  uint64_t cap = RoundUp(std::max<uint64_t>(n, 1), kAlign);
  std::lock_guard<std::mutex> lock(mu_);
  // The smallest released region that fits, and no more than twice too big.
  Region* best = nullptr;
  for (Region& r : regions_) {
    if (r.capacity < cap || r.capacity > 2 * cap) continue;
    if (HeadAt(*r.segment, r.offset)->refs.load(std::memory_order_acquire) != 0) continue;
    if (!best || r.capacity < best->capacity) best = &r;
  }
  if (!best) {
    std::shared_ptr<ShmSegment> seg;
    for (const auto& s : segments_)
      if (s->size - s->used >= kAlign + cap) seg = s;
    if (!seg) seg = NewSegment(kAlign + cap);
    if (!seg) return nullptr;
    regions_.push_back({seg, seg->used, cap});
    seg->used += kAlign + cap;
    best = &regions_.back();
    RegionHead* h = HeadAt(*seg, best->offset);
    h->magic = kMagic;
    h->capacity = cap;
    h->refs.store(0, std::memory_order_relaxed);
  }
  RegionHead* h = HeadAt(*best->segment, best->offset);
  h->size = n;
  h->refs.store(1, std::memory_order_release);
  return std::make_shared<ShmBytes>(best->segment, best->offset, n, id_);
}

// `p` as a region this pool carved, or null.
const ShmBytes* ShmPool::Mine(const Payload& p) const {
  auto* b = dynamic_cast<const ShmBytes*>(p.get());
  return b && b->owner() == id_ ? b : nullptr;
}

bool ShmPool::Owns(const Payload& p) const { return Mine(p) != nullptr; }

bool ShmPool::Share(const Payload& p, ShmRef* out, uint64_t skip, uint64_t size) {
  const ShmBytes* b = Mine(p);
  if (!b) return false;
  if (size == ~uint64_t(0)) size = b->size() - std::min<uint64_t>(skip, b->size());
  if (skip % 8 != 0 || skip > b->size() || size > b->size() - skip) return false;
  b->head()->refs.fetch_add(1, std::memory_order_acq_rel);
  std::memset(out, 0, sizeof(*out));
  std::snprintf(out->segment, sizeof(out->segment), "%s", b->segment().name.c_str());
  out->offset = b->offset();
  out->size = size;
  out->skip = skip;
  return true;
}

void ShmPool::Unshare(const Payload& p) {
  if (const ShmBytes* b = Mine(p)) b->head()->refs.fetch_sub(1, std::memory_order_acq_rel);
}

ShmMapper::ShmMapper(uint64_t token) : prefix_(ShmJobPrefix(token)) {}

size_t ShmMapper::mapped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return segments_.size();
}

Payload ShmMapper::Open(const char* ref_bytes, size_t ref_size, uint64_t size, std::string* why) {
  if (ref_size != sizeof(ShmRef)) {
    *why = "shared-memory descriptor of " + std::to_string(ref_size) + " bytes, expected " +
           std::to_string(sizeof(ShmRef));
    return nullptr;
  }
  ShmRef ref;
  std::memcpy(&ref, ref_bytes, sizeof(ref));
  size_t len = strnlen(ref.segment, sizeof(ref.segment));
  std::string name(ref.segment, len);
  if (len == sizeof(ref.segment) || name.rfind(prefix_, 0) != 0 ||
      name.find('/', 1) != std::string::npos) {
    *why = "shared-memory descriptor names '" + name.substr(0, 47) + "', not a segment of this job";
    return nullptr;
  }
  if (ref.size != size) {
    *why = "shared-memory descriptor of " + std::to_string(ref.size) + " bytes in a message of " +
           std::to_string(size);
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!segments_.count(name)) {
    for (auto it = segments_.begin(); it != segments_.end();) {
      struct stat st;
      bool gone = stat(("/dev/shm" + it->first).c_str(), &st) != 0;
      it = gone ? segments_.erase(it) : std::next(it);
    }
  }
  std::shared_ptr<ShmSegment>& seg = segments_[name];
  if (!seg) {
    int fd = shm_open(name.c_str(), O_RDWR, 0);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
      *why = "cannot open shared-memory segment " + name + " (" + std::strerror(errno) +
             "; did its node exit?)";
      if (fd >= 0) close(fd);
      segments_.erase(name);
      return nullptr;
    }
    seg = MapSegment(name, fd, static_cast<uint64_t>(st.st_size), why);
    close(fd);
    if (!seg) {
      segments_.erase(name);
      return nullptr;
    }
  }
  uint64_t off = ref.offset;
  bool inside = off % kAlign == 0 && off < seg->size && seg->size - off >= kAlign;
  RegionHead* h = inside ? HeadAt(*seg, off) : nullptr;
  if (!h || h->magic != kMagic || ref.skip % 8 != 0 || h->capacity < ref.skip ||
      h->capacity - ref.skip < size || seg->size - off - kAlign < h->capacity ||
      h->refs.load(std::memory_order_acquire) <= 0) {
    *why = "shared-memory descriptor points at offset " + std::to_string(off) + " (+" +
           std::to_string(ref.skip) + ") of " + name + ", which holds no region of " +
           std::to_string(size) + " bytes in use there";
    return nullptr;
  }
  return std::make_shared<ShmBytes>(seg, off, size, 0, ref.skip);
}

}  // namespace ps
}  // namespace mx
