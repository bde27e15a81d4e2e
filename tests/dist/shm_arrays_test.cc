// cpu_shared arrays in a dist worker's shared memory (dist/ps/shm_arrays.h): descriptors of a
// range of a region, the blocks ShmArrays serves, and a transport that sends an array's bytes
// as a descriptor of the array's own memory instead of a copy.
#include "dist/ps/shm_arrays.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/tessera.h"
#include "dist/ps/message.h"
#include "dist/ps/shm.h"
#include "dist/ps/transport.h"
#include "tests/dist/transport_pair.h"

namespace mx {
namespace {

using ps::Payload;
using ps::ShmRef;

constexpr uint64_t kToken = 0x5a4ed;

TEST(SharedMemory, ARangeOfARegionIsSharedAndOpenedWhereItLies) {
  ASSERT_FALSE(ps::ShmLocality().empty()) << "this machine has no usable /dev/shm";
  ps::ShmPool pool(kToken, uint64_t(64) << 20);
  ps::ShmMapper mapper(kToken);
  Payload a = pool.Allocate(100000);
  for (size_t i = 0; i < a->size(); ++i) a->data()[i] = static_cast<char>(i % 101);
  ShmRef ref;
  ASSERT_TRUE(pool.Share(a, &ref, 4096, 50000));
  EXPECT_EQ(ref.skip, 4096u);
  EXPECT_EQ(ref.size, 50000u);
  std::string why;
  Payload seen = mapper.Open(reinterpret_cast<const char*>(&ref), sizeof(ref), 50000, &why);
  ASSERT_TRUE(seen) << why;
  ASSERT_EQ(seen->size(), 50000u);
  for (size_t i = 0; i < seen->size(); ++i)
    ASSERT_EQ(seen->data()[i], static_cast<char>((i + 4096) % 101)) << i;
  seen->data()[0] = 'Q';  // the same pages
  EXPECT_EQ(a->data()[4096], 'Q');
  // Ranges the payload does not hold, or not 8-byte aligned, are not shared.
  EXPECT_FALSE(pool.Share(a, &ref, 4096, 100000 - 4095));
  EXPECT_FALSE(pool.Share(a, &ref, 100008, 0));
  EXPECT_FALSE(pool.Share(a, &ref, 12, 100));
}

TEST(ShmArrays, ServesBigBlocksOfTheAttachedPoolAndFindsRangesInThem) {
  ps::ShmArrays* arrays = ps::ShmArrays::Get();
  ps::ShmPool pool(kToken, uint64_t(64) << 20), other(kToken, uint64_t(64) << 20);
  EXPECT_EQ(arrays->Alloc(1 << 20), nullptr);  // no pool attached
  arrays->Attach(&pool);
  size_t before = arrays->blocks();
  EXPECT_EQ(arrays->Alloc(1000), nullptr);  // small: plain memory
  char* p = static_cast<char*>(arrays->Alloc(1 << 20));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(arrays->blocks(), before + 1);
  uint64_t skip = 0;
  Payload block = arrays->Find(pool, p + 800, 1000, &skip);
  ASSERT_TRUE(block);
  EXPECT_EQ(skip, 800u);
  EXPECT_EQ(block->data(), p);
  EXPECT_TRUE(pool.Owns(block));
  EXPECT_FALSE(arrays->Find(pool, p + 800, (1 << 20) - 799, &skip));  // past the block's end
  EXPECT_FALSE(arrays->Find(other, p, 1000, &skip));                  // not that pool's
  std::vector<char> heap(1000);
  EXPECT_FALSE(arrays->Find(pool, heap.data(), 10, &skip));
  arrays->Detach(&other);  // not attached: no change
  EXPECT_NE(arrays->Alloc(1 << 20), nullptr);
  arrays->Detach(&pool);
  EXPECT_EQ(arrays->Alloc(1 << 20), nullptr);
  EXPECT_TRUE(arrays->Free(p));  // blocks outlive the attachment
  EXPECT_FALSE(arrays->Free(p));
  EXPECT_FALSE(arrays->Free(heap.data()));
}

// A worker's transport (a, node 1) serving cpu_shared arrays and a server's (b, node 2), in
// one process.
testing::TransportPair Nodes(const std::string& name) {
  return testing::TransportPair(name, kToken, uint64_t(256) << 20, uint64_t(256) << 20);
}

// Sends elements [offset, offset + n) of `a` from the worker, as a push-pull sends its
// gradient (ps::BorrowBytes); returns what the server received.
Payload SendRange(testing::TransportPair& p, const NDArray& a, int64_t offset, int64_t n) {
  ps::Message m;
  m.type = ps::MsgType::kPushPull;
  m.sender = 1;
  m.key = 7;
  char* bytes = static_cast<char*>(a.blob().dptr) + offset * sizeof(float);
  m.data = ps::BorrowBytes(bytes, n * sizeof(float), std::make_shared<NDArray>(a));
  p.a->Send(2, m);
  ps::Message got;
  EXPECT_TRUE(p.b->Receive(5000, &got));
  EXPECT_EQ(got.data_size(), static_cast<size_t>(n * sizeof(float)));
  return got.data;
}

TEST(ShmArrays, APushOfACpuSharedArrayIsItsOwnMemoryAndOtherArraysAreCopied) {
  testing::TransportPair p = Nodes("arrays");
  p.a->ServeSharedArrays();
  const int64_t n = 1 << 18;  // 1 MiB of float32
  NDArray shared = nd::arange(0, n, 1, 1, cpu_shared());
  NDArray plain = nd::arange(0, n, 1, 1, cpu());
  shared.WaitToRead();
  plain.WaitToRead();
  // The whole array, then a slice from element 1000 on (a sliced key's part).
  for (int64_t offset : {int64_t(0), int64_t(1000)}) {
    Payload got = SendRange(p, shared, offset, n - offset);
    ASSERT_TRUE(got);
    const float* f = reinterpret_cast<const float*>(got->data());
    EXPECT_EQ(f[0], static_cast<float>(offset));
    EXPECT_EQ(f[n - offset - 1], static_cast<float>(n - 1));
    // Written through the server's mapping, seen in the array: its memory, not a copy.
    reinterpret_cast<float*>(got->data())[1] = -5.0f;
    EXPECT_EQ(shared.ToVector<float>()[offset + 1], -5.0f);
  }
  EXPECT_EQ(p.a->array_sends(), 2);
  EXPECT_EQ(p.a->shared_sends(), 2);
  // A cpu array is copied into shared memory: the server's bytes are not the array's.
  Payload got = SendRange(p, plain, 0, n);
  reinterpret_cast<float*>(got->data())[1] = -5.0f;
  EXPECT_EQ(plain.ToVector<float>()[1], 1.0f);
  EXPECT_EQ(p.a->array_sends(), 2);
  EXPECT_EQ(p.a->shared_sends(), 3);
  // A small cpu_shared array lives in plain memory and travels inline.
  NDArray small = nd::ones({100}, cpu_shared());
  SendRange(p, small, 0, 100);
  EXPECT_EQ(p.a->array_sends(), 2);
  EXPECT_EQ(p.a->shared_sends(), 3);
  EXPECT_EQ(p.b->rejected(), 0);
}

TEST(ShmArrays, ArraysOutliveTheTransportThatPlacedThem) {
  NDArray kept;
  {
    testing::TransportPair p = Nodes("outlive");
    p.a->ServeSharedArrays();
    kept = nd::ones({1 << 18}, cpu_shared()) * 3.0;
    kept.WaitToRead();
  }  // the worker's pool is gone: its segment's name with it, the mapping stays
  EXPECT_EQ(kept.ToVector<float>()[12345], 3.0f);
  kept = NDArray();
  // New cpu_shared arrays get plain memory until another transport serves them.
  NDArray later = nd::ones({1 << 18}, cpu_shared()) * 2.0;
  EXPECT_EQ(later.ToVector<float>()[7], 2.0f);
}

}  // namespace
}  // namespace mx
