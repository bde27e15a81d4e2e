// Messages between the nodes of one machine without ZeroMQ's I/O threads: Unix
// sequenced-packet sockets in the abstract namespace (reliable, ordered, one packet a message).
// Over TCP a message wakes the sender's ZeroMQ I/O thread, the receiver's I/O thread and then
// the receiving thread; here only the receiving thread, which may already be polling. The
// ZeroMQ transport (zmq_transport.cc) uses it for peers that advertise a listener and share its
// shared-memory locality, and falls back to ZeroMQ for a peer it cannot reach this way.
//
// A packet holds a message's frames (header, meta, data: as the ZeroMQ frames) behind a count
// and their sizes; the receiver checks the packing and then the message as for ZeroMQ.
#ifndef TESSERA_DIST_PS_LOCAL_CHANNEL_H_
#define TESSERA_DIST_PS_LOCAL_CHANNEL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dist/ps/message.h"

namespace mx {
namespace ps {

// Largest packet either side handles; bigger messages go through ZeroMQ.
constexpr size_t kMaxLocalPacket = 192 << 10;

// `frames` packed into one packet; false when it would exceed kMaxLocalPacket.
bool PackFrames(const std::vector<FrameView>& frames, std::vector<char>* packet);
// The frames of `packet` (views into it); false when the packing is malformed.
bool UnpackFrames(const char* packet, size_t size, std::vector<FrameView>* frames);

class LocalListener {
 public:
  // Listens on a fresh abstract name for job `token`; name() is "" when that fails (the node
  // then takes everything over ZeroMQ).
  explicit LocalListener(uint64_t token);
  ~LocalListener();
  LocalListener(const LocalListener&) = delete;
  LocalListener& operator=(const LocalListener&) = delete;

  const std::string& name() const { return name_; }
  // Descriptors to poll for input: the listener, then every accepted connection.
  std::vector<int> fds() const;
  // Accepts the connections waiting on the listener (call when polling fds()[0] says it is
  // readable: an accept that finds none costs as much as a small message, ~3 us); returns how
  // many.
  int AcceptWaiting();
  // Reads the next packet waiting on any accepted connection into `packet` (kept at
  // kMaxLocalPacket bytes; the packet's are `size`), without blocking; false when none waits.
  // An oversized packet is dropped: true with `why` saying so, for the caller to count and
  // log. A connection its sender closed is forgotten.
  bool Next(std::vector<char>* packet, size_t* size, std::string* why);

 private:
  int listen_fd_ = -1;
  std::string name_;
  std::vector<int> conns_;
  size_t next_ = 0;  // connection to read first, round-robin
};

class LocalSender {
 public:
  // A connection to the listener `name`; null when it cannot be reached (another network
  // namespace, a node that exited).
  static std::unique_ptr<LocalSender> Connect(const std::string& name);
  ~LocalSender();
  LocalSender(const LocalSender&) = delete;
  LocalSender& operator=(const LocalSender&) = delete;

  enum class Result { kSent, kGone, kTimeout };
  // Sends `packet`, waiting at most `timeout_ms` for room: kGone when the listener closed the
  // connection (the node exited).
  Result Send(const std::vector<char>& packet, int timeout_ms);

 private:
  explicit LocalSender(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_LOCAL_CHANNEL_H_
