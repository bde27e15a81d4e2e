// The local channel between parameter-server nodes of one machine (dist/ps/local_channel.h):
// packing, messages in order over it, the fall back to ZeroMQ (unreachable listener, a message
// too big for a packet, a peer that exited) without reordering, and rejected garbage.
#include "dist/ps/local_channel.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "dist/ps/message.h"
#include "dist/ps/transport.h"

namespace mx {
namespace {

using ps::FrameView;

constexpr uint64_t kToken = 0x5eed1234;

TEST(LocalPacket, FramesRoundTripAndBadPackingsAreRefused) {
  std::string a = "header", b, c(1000, 'x');
  std::vector<char> packet;
  ASSERT_TRUE(ps::PackFrames({{a.data(), a.size()}, {b.data(), 0}, {c.data(), c.size()}}, &packet));
  EXPECT_EQ(packet.size(), 4 + 3 * 4 + a.size() + c.size());
  std::vector<FrameView> frames;
  ASSERT_TRUE(ps::UnpackFrames(packet.data(), packet.size(), &frames));
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(std::string(frames[0].data, frames[0].size), a);
  EXPECT_EQ(frames[1].size, 0u);
  EXPECT_EQ(std::string(frames[2].data, frames[2].size), c);
  // Truncated, with a byte too many, a size beyond the end, no frames, too many frames.
  EXPECT_FALSE(ps::UnpackFrames(packet.data(), packet.size() - 1, &frames));
  packet.push_back(0);
  EXPECT_FALSE(ps::UnpackFrames(packet.data(), packet.size(), &frames));
  packet.pop_back();
  uint32_t huge = 0xffffff00u;
  std::memcpy(packet.data() + 4, &huge, 4);
  EXPECT_FALSE(ps::UnpackFrames(packet.data(), packet.size(), &frames));
  uint32_t count = 0;
  EXPECT_FALSE(ps::UnpackFrames(reinterpret_cast<const char*>(&count), 4, &frames));
  count = 1000;
  std::vector<char> many(4 + 4 * 1000, 0);
  std::memcpy(many.data(), &count, 4);
  EXPECT_FALSE(ps::UnpackFrames(many.data(), many.size(), &frames));
  // More than a packet holds.
  std::string big(ps::kMaxLocalPacket, 'y');
  EXPECT_FALSE(ps::PackFrames({{big.data(), big.size()}}, &packet));
}

ps::Message Numbered(int64_t n, size_t data_bytes, size_t meta_bytes = 0) {
  ps::Message m;
  m.type = ps::MsgType::kPush;
  m.sender = 9;
  m.key = 3;
  m.request = n;
  m.meta.assign(meta_bytes, 'm');
  if (data_bytes > 0) {
    m.data = ps::NewBytes(data_bytes);
    for (size_t i = 0; i < data_bytes; ++i) m.data->data()[i] = static_cast<char>((i + n) & 0x7f);
  }
  return m;
}

void ExpectNumbered(ps::Transport* t, int64_t n, size_t data_bytes, size_t meta_bytes = 0) {
  ps::Message got;
  ASSERT_TRUE(t->Receive(5000, &got)) << "message " << n;
  EXPECT_EQ(got.request, n);
  EXPECT_EQ(got.meta.size(), meta_bytes);
  ASSERT_EQ(got.data_size(), data_bytes) << "message " << n;
  for (size_t i = 0; i < data_bytes; ++i)
    if (got.data->data()[i] != static_cast<char>((i + n) & 0x7f)) {
      ADD_FAILURE() << "message " << n << " byte " << i;
      break;
    }
}

// Two nodes of this machine over TCP, as `launch` starts them; a sends to b (node 2).
struct Nodes {
  std::unique_ptr<ps::Transport> a, b;
  std::string at_b;
  Nodes() {
    a = ps::CreateZmqTransport(kToken, uint64_t(1) << 30, uint64_t(64) << 20);
    b = ps::CreateZmqTransport(kToken, uint64_t(1) << 30, uint64_t(64) << 20);
    a->Bind("tcp://127.0.0.1:*");
    at_b = b->Bind("tcp://127.0.0.1:*");
  }
};

TEST(LocalChannel, MessagesOfThisMachineTakeItInOrder) {
  Nodes n;
  ASSERT_NE(n.at_b.find("#unix="), std::string::npos) << n.at_b;
  n.a->Connect(2, n.at_b);
  // Inline payloads, shared-memory payloads and none, interleaved.
  const size_t sizes[] = {0, 100, 200000, 5000, 70000, 0};
  for (int64_t i = 0; i < 60; ++i) n.a->Send(2, Numbered(i, sizes[i % 6]));
  for (int64_t i = 0; i < 60; ++i) ExpectNumbered(n.b.get(), i, sizes[i % 6]);
  EXPECT_EQ(n.a->local_sends(), 60);
  EXPECT_EQ(n.a->shared_sends(), 20);
  EXPECT_EQ(n.b->rejected(), 0);
}

TEST(LocalChannel, UnreachableListenerFallsBackToZeroMq) {
  Nodes n;
  std::string address = n.at_b.substr(0, n.at_b.find("#unix=")) + "#unix=tessera-nobody-listens";
  n.a->Connect(2, address);
  n.a->Send(2, Numbered(1, 100));
  ExpectNumbered(n.b.get(), 1, 100);
  EXPECT_EQ(n.a->local_sends(), 0);
}

TEST(LocalChannel, AMessageTooBigForAPacketKeepsTheOrder) {
  Nodes n;
  n.a->Connect(2, n.at_b);
  n.a->Send(2, Numbered(1, 100));                           // local
  n.a->Send(2, Numbered(2, 0, ps::kMaxLocalPacket + 100));  // ZeroMQ, and from now on
  n.a->Send(2, Numbered(3, 100));
  ExpectNumbered(n.b.get(), 1, 100);
  ExpectNumbered(n.b.get(), 2, 0, ps::kMaxLocalPacket + 100);
  ExpectNumbered(n.b.get(), 3, 100);
  EXPECT_EQ(n.a->local_sends(), 1);
}

TEST(LocalChannel, APeerThatExitedIsNoError) {
  Nodes n;
  n.a->Connect(2, n.at_b);
  n.a->Send(2, Numbered(1, 10));
  ExpectNumbered(n.b.get(), 1, 10);
  n.b.reset();                                     // its listener and connections close
  EXPECT_NO_THROW(n.a->Send(2, Numbered(2, 10)));  // queued by ZeroMQ, as for any dead peer
  EXPECT_EQ(n.a->local_sends(), 1);
}

TEST(LocalChannel, GarbageIsRejectedAndTheNodeKeepsServing) {
  Nodes n;
  std::string name = n.at_b.substr(n.at_b.find("#unix=") + 6);
  int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr),
                    static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size())),
            0);
  // Random bytes; a well-packed message of another job; a packet bigger than allowed.
  const char noise[] = "\x07\x00\x00\x00garbage that is no packing";
  ASSERT_GT(send(fd, noise, sizeof(noise), 0), 0);
  ps::Message foreign = Numbered(5, 10);
  ps::Header h = ps::EncodeHeader(foreign, kToken + 1);
  std::vector<char> packet;
  ASSERT_TRUE(ps::PackFrames({{reinterpret_cast<const char*>(&h), sizeof(h)}}, &packet));
  ASSERT_GT(send(fd, packet.data(), packet.size(), 0), 0);
  int buf = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
  std::vector<char> huge(ps::kMaxLocalPacket + 1000, 0);
  ASSERT_GT(send(fd, huge.data(), huge.size(), 0), 0);
  ps::Message got;
  EXPECT_FALSE(n.b->Receive(500, &got));
  EXPECT_EQ(n.b->rejected(), 3);
  // A real node's message after them arrives.
  n.a->Connect(2, n.at_b);
  n.a->Send(2, Numbered(7, 100));
  ExpectNumbered(n.b.get(), 7, 100);
  close(fd);
}

}  // namespace
}  // namespace mx
