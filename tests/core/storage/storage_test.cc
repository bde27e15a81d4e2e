#include "core/storage/storage.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/base/error.h"

namespace mx {
namespace {

TEST(PooledAllocator, ReusesFreedBuffersOfTheSameSize) {
  int system_allocs = 0;
  PooledAllocator pool(
      [&](size_t n) {
        ++system_allocs;
        return ::malloc(n);
      },
      ::free, true);
  void* a = pool.Alloc(10000);
  pool.Free(a, 10000);
  void* b = pool.Alloc(9000);  // rounds to the same 12 KiB bucket
  EXPECT_EQ(a, b);
  EXPECT_EQ(system_allocs, 1);
  StorageStats s = pool.Stats();
  EXPECT_EQ(s.num_allocs, 2u);
  EXPECT_EQ(s.num_pool_hits, 1u);
  EXPECT_EQ(s.bytes_in_use, 12288u);
  pool.Free(b, 9000);
  EXPECT_EQ(pool.Stats().bytes_pooled, 12288u);
  pool.ReleaseAll();
  EXPECT_EQ(pool.Stats().bytes_pooled, 0u);
}

TEST(PooledAllocator, UnpooledReturnsToSystem) {
  int frees = 0;
  PooledAllocator pool(
      ::malloc,
      [&](void* p) {
        ++frees;
        ::free(p);
      },
      false);
  pool.Free(pool.Alloc(100), 100);
  EXPECT_EQ(frees, 1);
  EXPECT_EQ(pool.Stats().bytes_pooled, 0u);
}

TEST(PooledAllocator, RetriesAfterReleasingThePool) {
  int live = 0;
  PooledAllocator pool(
      [&](size_t n) -> void* {
        if (live >= 1) return nullptr;  // the "system" holds one buffer at most
        ++live;
        return ::malloc(n);
      },
      [&](void* p) {
        --live;
        ::free(p);
      },
      true);
  void* a = pool.Alloc(8192);
  pool.Free(a, 8192);
  void* b = pool.Alloc(100000);  // needs the pooled buffer released first
  EXPECT_NE(b, nullptr);
  EXPECT_EQ(pool.Alloc(100000), nullptr);
  pool.Free(b, 100000);
}

TEST(Storage, CpuMemoryIs64ByteAlignedAndCounted) {
  StorageStats before = Storage::Get()->Stats(cpu());
  StorageHandle h = Storage::Get()->Alloc(1000, cpu());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(h.dptr) % 64, 0u);
  EXPECT_EQ(Storage::Get()->Stats(cpu()).bytes_in_use, before.bytes_in_use + 1024);
  Storage::Get()->Free(h);
  EXPECT_EQ(Storage::Get()->Stats(cpu()).bytes_in_use, before.bytes_in_use);
}

// A backing that serves blocks of at least 1 MiB from its own buffers, and counts.
class FakeBacking : public HostBacking {
 public:
  void* Alloc(size_t size) override {
    if (size < (1 << 20) || full) return nullptr;
    blocks.push_back(std::vector<char>(size + 64));
    char* p = blocks.back().data();
    p += (64 - reinterpret_cast<uintptr_t>(p) % 64) % 64;
    served.push_back(p);
    return p;
  }
  bool Free(void* p) override {
    for (void* s : served)
      if (s == p) {
        ++freed;
        return true;
      }
    return false;
  }
  bool full = false;
  int freed = 0;
  std::vector<void*> served;
  std::vector<std::vector<char>> blocks;
};

bool Served(const FakeBacking& b, void* p) {
  return std::find(b.served.begin(), b.served.end(), p) != b.served.end();
}

TEST(Storage, CpuSharedMemoryComesFromTheBackingWhileItHasRoom) {
  Storage* s = Storage::Get();
  Context shared = cpu_shared(0);
  // Without a backing: plain memory, as cpu.
  StorageHandle plain = s->Alloc(2 << 20, shared);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(plain.dptr) % 64, 0u);
  static FakeBacking backing;  // outlives every block it served
  Storage::SetSharedBacking(&backing);
  StorageHandle big = s->Alloc(3 << 20, shared), small = s->Alloc(1000, shared);
  StorageHandle on_cpu = s->Alloc(3 << 20, cpu());
  EXPECT_TRUE(Served(backing, big.dptr));
  EXPECT_FALSE(Served(backing, small.dptr));   // below its size: plain memory
  EXPECT_FALSE(Served(backing, on_cpu.dptr));  // cpu arrays never
  backing.full = true;
  StorageHandle refused = s->Alloc(5 << 20, shared);
  ASSERT_NE(refused.dptr, nullptr);  // plain memory instead
  EXPECT_FALSE(Served(backing, refused.dptr));
  // Frees reach the backing only for its blocks, also once it is no longer current.
  Storage::SetSharedBacking(nullptr);
  s->ReleaseAll(shared);  // nothing pooled yet
  for (StorageHandle h : {plain, big, small, refused}) s->Free(h);
  s->Free(on_cpu);
  s->ReleaseAll(shared);  // hands the pooled blocks back to where they came from
  EXPECT_EQ(backing.freed, 1);
  StorageHandle again = s->Alloc(3 << 20, shared);
  EXPECT_FALSE(Served(backing, again.dptr));  // no backing now
  s->Free(again);
}

TEST(Storage, MissingGpuIsAContextError) {
  if (GpuCount() > 0) GTEST_SKIP() << "this machine has a GPU";
  try {
    Storage::Get()->Alloc(16, gpu(0));
    FAIL();
  } catch (const ContextError& e) {
    EXPECT_NE(std::string(e.what()).find("gpu(0)"), std::string::npos);
  }
}

TEST(Storage, GpuAllocationIsPooled) {
  if (GpuCount() == 0) GTEST_SKIP() << "no GPU";
  StorageHandle h = Storage::Get()->Alloc(1 << 20, gpu(0));
  void* p = h.dptr;
  Storage::Get()->Free(h);
  StorageHandle h2 = Storage::Get()->Alloc(1 << 20, gpu(0));
  EXPECT_EQ(h2.dptr, p);
  Storage::Get()->Free(h2);
}

}  // namespace
}  // namespace mx
