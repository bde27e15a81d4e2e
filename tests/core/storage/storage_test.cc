#include "core/storage/storage.h"

#include <gtest/gtest.h>

#include <cstdint>

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
