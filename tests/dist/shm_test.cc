// Shared memory between parameter-server nodes of one machine (dist/ps/shm.h): regions written
// once and read in place, reused only when every reader released them, descriptors checked,
// orphaned segments removed, and the transport's choice between shared memory and frames.
#include "dist/ps/shm.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "dist/ps/message.h"
#include "dist/ps/shm_names.h"
#include "dist/ps/transport.h"
#include "tests/dist/transport_pair.h"

namespace mx {
namespace {

using ps::Payload;
using ps::ShmRef;

constexpr uint64_t kToken = 0x1234abcd;

void Fill(const Payload& p, int seed) {
  for (size_t i = 0; i < p->size(); ++i) p->data()[i] = static_cast<char>((i * 7 + seed) & 0x7f);
}

bool Holds(const Payload& p, int seed) {
  for (size_t i = 0; i < p->size(); ++i)
    if (p->data()[i] != static_cast<char>((i * 7 + seed) & 0x7f)) return false;
  return true;
}

TEST(SharedMemory, ReaderSeesTheBytesAndRegionsAreReusedOnlyWhenReleased) {
  ASSERT_FALSE(ps::ShmLocality().empty()) << "this machine has no usable /dev/shm";
  ps::ShmPool pool(kToken, uint64_t(256) << 20);
  ps::ShmMapper mapper(kToken);
  Payload a = pool.Allocate(300000);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size(), 300000u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a->data()) % 64, 0u);
  Fill(a, 1);
  ShmRef ref;
  ASSERT_TRUE(pool.Share(a, &ref));
  std::string why;
  Payload seen = mapper.Open(reinterpret_cast<const char*>(&ref), sizeof(ref), 300000, &why);
  ASSERT_TRUE(seen) << why;
  EXPECT_NE(seen->data(), a->data());  // its own mapping of the same pages
  EXPECT_TRUE(Holds(seen, 1));
  // Written by the reader, seen by the owner: one region, not a copy.
  seen->data()[5] = 'Z';
  EXPECT_EQ(a->data()[5], 'Z');

  char* first = a->data();
  a.reset();  // the owner lets go; the reader still holds it
  Payload b = pool.Allocate(300000);
  ASSERT_TRUE(b);
  EXPECT_NE(b->data(), first) << "a region still read was handed out again";
  seen.reset();  // now nobody holds the first region
  Payload c = pool.Allocate(290000);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->data(), first) << "a released region of the right size was not reused";
  // A region far too big for a small payload is not used for it.
  c.reset();
  Payload d = pool.Allocate(1000);
  EXPECT_NE(d->data(), first);
  EXPECT_EQ(pool.bytes_reserved(), uint64_t(16) << 20);  // all in one segment so far
  // Not this pool's payloads.
  EXPECT_FALSE(pool.Owns(ps::NewBytes(10)));
  EXPECT_FALSE(pool.Share(ps::NewBytes(10), &ref));
}

TEST(SharedMemory, MapperForgetsSegmentsOfExitedNodesButKeepsWhatIsStillRead) {
  ps::ShmMapper mapper(kToken);
  auto open = [&](ps::ShmPool& pool, int seed) {
    Payload p = pool.Allocate(100000);
    Fill(p, seed);
    ShmRef ref;
    EXPECT_TRUE(pool.Share(p, &ref));
    std::string why;
    Payload seen = mapper.Open(reinterpret_cast<const char*>(&ref), sizeof(ref), 100000, &why);
    EXPECT_TRUE(seen) << why;
    return seen;
  };
  auto gone = std::make_unique<ps::ShmPool>(kToken, uint64_t(64) << 20);
  Payload held = open(*gone, 1);
  ps::ShmPool live(kToken, uint64_t(64) << 20);
  open(live, 2);
  EXPECT_EQ(mapper.mapped(), 2u);
  gone.reset();  // its node exits: the segment is unlinked
  ps::ShmPool other(kToken, uint64_t(64) << 20);
  open(other, 3);
  EXPECT_EQ(mapper.mapped(), 2u);  // the live pool's and the new one's
  EXPECT_TRUE(Holds(held, 1));     // still readable where it was mapped
}

TEST(SharedMemory, BudgetBoundsThePoolAndAPayloadMaySpanMoreThanASegment) {
  ps::ShmPool small(kToken, uint64_t(8) << 20);  // below one segment (16 MB): nothing fits
  EXPECT_FALSE(small.Allocate(1000));
  ps::ShmPool pool(kToken, uint64_t(200) << 20);
  Payload big = pool.Allocate(size_t(100) << 20);  // a segment of its own
  ASSERT_TRUE(big);
  Fill(big, 3);
  EXPECT_TRUE(Holds(big, 3));
  Payload more = pool.Allocate(size_t(100) << 20);  // would exceed 200 MB
  EXPECT_FALSE(more);
  big.reset();
  EXPECT_TRUE(pool.Allocate(size_t(100) << 20));  // the released region again
}

TEST(SharedMemory, BadDescriptorsAreRefusedWithTheReason) {
  ps::ShmPool pool(kToken, uint64_t(128) << 20);
  ps::ShmMapper mapper(kToken), other_job(kToken + 1);
  Payload a = pool.Allocate(100000);
  ShmRef ref;
  ASSERT_TRUE(pool.Share(a, &ref));
  auto open = [&](ps::ShmMapper& m, const ShmRef& r, uint64_t size, size_t ref_size,
                  std::string* why) {
    return m.Open(reinterpret_cast<const char*>(&r), ref_size, size, why);
  };
  std::string why;
  EXPECT_FALSE(open(mapper, ref, 100000, 64, &why));  // the descriptor before `skip`
  EXPECT_NE(why.find("expected 72"), std::string::npos) << why;
  EXPECT_FALSE(open(other_job, ref, 100000, sizeof(ref), &why));
  EXPECT_NE(why.find("not a segment of this job"), std::string::npos) << why;
  EXPECT_FALSE(open(mapper, ref, 99999, sizeof(ref), &why));
  EXPECT_NE(why.find("in a message of 99999"), std::string::npos) << why;
  ShmRef moved = ref;
  moved.offset += 64;  // inside the payload, not a region header
  EXPECT_FALSE(open(mapper, moved, 100000, sizeof(ref), &why));
  EXPECT_NE(why.find("holds no region"), std::string::npos) << why;
  moved.offset = uint64_t(1) << 40;
  EXPECT_FALSE(open(mapper, moved, 100000, sizeof(ref), &why));
  EXPECT_NE(why.find("holds no region"), std::string::npos) << why;
  ShmRef bigger = ref;
  bigger.size = uint64_t(1) << 30;  // more than the region holds
  EXPECT_FALSE(open(mapper, bigger, bigger.size, sizeof(ref), &why));
  EXPECT_NE(why.find("holds no region"), std::string::npos) << why;
  ShmRef skipped = ref;  // the region holds 100032 bytes (rounded to 64)
  skipped.skip = 64;     // 64 + 100000 of them: past its end
  EXPECT_FALSE(open(mapper, skipped, 100000, sizeof(ref), &why));
  EXPECT_NE(why.find("holds no region"), std::string::npos) << why;
  skipped.skip = 4;  // not 8-byte aligned
  skipped.size = 1000;
  EXPECT_FALSE(open(mapper, skipped, 1000, sizeof(ref), &why));
  EXPECT_NE(why.find("holds no region"), std::string::npos) << why;
  ShmRef gone = ref;
  std::snprintf(gone.segment, sizeof(gone.segment), "%s",
                ps::ShmSegmentName(kToken, 1, 0xdeadbeef, 0).c_str());
  EXPECT_FALSE(open(mapper, gone, 100000, sizeof(ref), &why));
  EXPECT_NE(why.find("cannot open"), std::string::npos) << why;
  // The valid one still opens.
  EXPECT_TRUE(open(mapper, ref, 100000, sizeof(ref), &why)) << why;
}

TEST(SharedMemory, SegmentsOfDeadProcessesAreRemoved) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);  // `child` is now a pid with no process
  std::string dead = ps::ShmSegmentName(kToken, child, 0x0badf00d, 0);
  std::string mine = ps::ShmSegmentName(kToken, getpid(), 0x0badf00d, 0);  // alive: kept
  // Another pid namespace's (a pid there says nothing about processes here): kept.
  std::string foreign = ps::ShmJobPrefix(kToken) + "1-" + std::to_string(child) + "-0badf00d-0";
  for (const std::string& n : {dead, mine, foreign}) {
    int fd = shm_open(n.c_str(), O_CREAT | O_RDWR, 0600);
    ASSERT_GE(fd, 0) << n;
    close(fd);
  }
  EXPECT_GE(ps::RemoveOrphanSegments(), 1);
  struct stat st;
  EXPECT_NE(stat(("/dev/shm" + dead).c_str(), &st), 0) << dead << " was kept";
  EXPECT_EQ(stat(("/dev/shm" + mine).c_str(), &st), 0) << mine << " was removed";
  EXPECT_EQ(stat(("/dev/shm" + foreign).c_str(), &st), 0) << foreign << " was removed";
  shm_unlink(mine.c_str());
  shm_unlink(foreign.c_str());
}

ps::Message Data(const Payload& p) {
  ps::Message m;
  m.type = ps::MsgType::kPush;
  m.sender = 1;
  m.key = 4;
  m.data = p;
  return m;
}

// Sends `p`, filled from `seed`, from `from` to node `to` (listening as `at`), which must get
// the same bytes; `from` must then have sent `shared` payloads through shared memory in all.
void SendAndCheck(ps::Transport* from, int to, ps::Transport* at, const Payload& p, int seed,
                  int64_t shared) {
  Fill(p, seed);
  from->Send(to, Data(p));
  ps::Message got;
  ASSERT_TRUE(at->Receive(5000, &got));
  EXPECT_EQ(from->shared_sends(), shared) << p->size() << " bytes";
  EXPECT_EQ(got.key, 4);
  ASSERT_EQ(got.data_size(), p->size());
  EXPECT_TRUE(Holds(got.data, seed));
  EXPECT_EQ(at->rejected(), 0);
}

TEST(SharedMemoryTransport, BigPayloadsGoThroughSharedMemorySmallOnesInline) {
  testing::TransportPair n("shm-choice", kToken, uint64_t(256) << 20, uint64_t(256) << 20);
  // A peer of this machine: Allocate hands out shared memory, sent as a descriptor.
  SendAndCheck(n.a.get(), 2, n.b.get(), n.a->Allocate(1 << 20), 5, 1);
  // A heap payload that is big enough is copied into shared memory once.
  SendAndCheck(n.a.get(), 2, n.b.get(), ps::NewBytes(200000), 6, 2);
  // Small ones travel in the frame.
  SendAndCheck(n.a.get(), 2, n.b.get(), ps::NewBytes(1000), 7, 2);
}

TEST(SharedMemoryTransport, PeerWithoutSharedMemoryGetsFrames) {
  testing::TransportPair n("shm-off", kToken, uint64_t(256) << 20, 0);  // b takes none
  SendAndCheck(n.a.get(), 2, n.b.get(), n.a->Allocate(1 << 20), 8, 0);
  // b fills no shared memory either.
  SendAndCheck(n.b.get(), 1, n.a.get(), n.b->Allocate(1 << 20), 9, 0);
}

TEST(SharedMemoryTransport, ForgedDescriptorIsRejectedAndTheNodeKeepsServing) {
  auto tcp = ps::CreateZmqTransport(kToken, uint64_t(1) << 30, uint64_t(64) << 20);
  std::string at_tcp = tcp->Bind("tcp://127.0.0.1:*");
  std::string endpoint = at_tcp.substr(0, at_tcp.find('#'));
  void* c = zmq_ctx_new();
  void* s = zmq_socket(c, ZMQ_PUSH);
  ASSERT_EQ(zmq_connect(s, endpoint.c_str()), 0);
  ps::Message m = Data(ps::NewBytes(100000));
  ps::Header h = ps::EncodeHeader(m, kToken);
  h.flags = ps::kShmData;
  ShmRef ref;
  std::memset(&ref, 0, sizeof(ref));
  std::snprintf(ref.segment, sizeof(ref.segment), "%s",
                ps::ShmSegmentName(kToken, 1, 0, 0).c_str());
  ref.size = 100000;
  zmq_send(s, &h, sizeof(h), ZMQ_SNDMORE);
  zmq_send(s, "", 0, ZMQ_SNDMORE);
  zmq_send(s, &ref, sizeof(ref), 0);
  ps::Message got;
  EXPECT_FALSE(tcp->Receive(1000, &got));
  EXPECT_EQ(tcp->rejected(), 1);
  // A well-formed message after it is received.
  ps::Header ok = ps::EncodeHeader(ps::Message(), kToken);
  ok.type = static_cast<uint16_t>(ps::MsgType::kHeartbeat);
  zmq_send(s, &ok, sizeof(ok), 0);
  ASSERT_TRUE(tcp->Receive(5000, &got));
  EXPECT_EQ(got.type, ps::MsgType::kHeartbeat);
  zmq_close(s);
  zmq_ctx_term(c);
}

}  // namespace
}  // namespace mx
