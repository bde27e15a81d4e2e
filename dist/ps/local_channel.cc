#include "dist/ps/local_channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <random>

namespace mx {
namespace ps {
namespace {

constexpr uint32_t kMaxFrames = 8;

// The address of abstract name `name` (no file: it goes with the last socket).
socklen_t AbstractAddress(const std::string& name, sockaddr_un* addr) {
  std::memset(addr, 0, sizeof(*addr));
  addr->sun_family = AF_UNIX;
  size_t len = std::min(name.size(), sizeof(addr->sun_path) - 1);
  std::memcpy(addr->sun_path + 1, name.data(), len);  // sun_path[0] = 0: abstract
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + len);
}

}  // namespace

bool PackFrames(const std::vector<FrameView>& frames, std::vector<char>* packet) {
  size_t total = 4 + 4 * frames.size();
  for (const FrameView& f : frames) total += f.size;
  if (frames.size() > kMaxFrames || total > kMaxLocalPacket) return false;
  packet->resize(total);
  char* p = packet->data();
  uint32_t count = static_cast<uint32_t>(frames.size());
  std::memcpy(p, &count, 4);
  p += 4;
  for (const FrameView& f : frames) {
    uint32_t size = static_cast<uint32_t>(f.size);
    std::memcpy(p, &size, 4);
    p += 4;
  }
  for (const FrameView& f : frames) {
    if (f.size > 0) std::memcpy(p, f.data, f.size);
    p += f.size;
  }
  return true;
}

bool UnpackFrames(const char* packet, size_t size, std::vector<FrameView>* frames) {
  frames->clear();
  uint32_t count;
  if (size < 4) return false;
  std::memcpy(&count, packet, 4);
  if (count == 0 || count > kMaxFrames || size < 4 + 4 * static_cast<size_t>(count)) return false;
  size_t offset = 4 + 4 * static_cast<size_t>(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t len;
    std::memcpy(&len, packet + 4 + 4 * i, 4);
    if (len > size - offset) return false;
    frames->push_back({packet + offset, len});
    offset += len;
  }
  return offset == size;
}

LocalListener::LocalListener(uint64_t token) {
  listen_fd_ = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return;
  std::random_device rd;
  char name[96];
  std::snprintf(name, sizeof(name), "tessera-%016llx-%d-%08x",
                static_cast<unsigned long long>(token), static_cast<int>(getpid()), rd());
  sockaddr_un addr;
  socklen_t len = AbstractAddress(name, &addr);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      listen(listen_fd_, 256) != 0) {
    close(listen_fd_);
    listen_fd_ = -1;
    return;
  }
  name_ = name;
}

LocalListener::~LocalListener() {
  for (int c : conns_) close(c);
  if (listen_fd_ >= 0) close(listen_fd_);
}

std::vector<int> LocalListener::fds() const {
  std::vector<int> out;
  if (listen_fd_ < 0) return out;
  out.push_back(listen_fd_);
  out.insert(out.end(), conns_.begin(), conns_.end());
  return out;
}

int LocalListener::AcceptWaiting() {
  if (listen_fd_ < 0) return 0;
  for (int accepted = 0;; ++accepted) {
    int c = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) return accepted;
    conns_.push_back(c);
  }
}

bool LocalListener::Next(std::vector<char>* packet, size_t* size, std::string* why) {
  for (size_t i = 0; i < conns_.size(); ++i) {
    size_t at = (next_ + i) % conns_.size();
    if (packet->size() < kMaxLocalPacket) packet->resize(kMaxLocalPacket);
    // MSG_TRUNC: the packet's real length, also when it did not fit (the rest is dropped).
    ssize_t n = recv(conns_[at], packet->data(), packet->size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    next_ = at + 1;
    if (n > static_cast<ssize_t>(kMaxLocalPacket)) {
      *why = "a local packet of " + std::to_string(n) + " bytes, more than the " +
             std::to_string(kMaxLocalPacket) + " allowed";
      *size = 0;
      return true;
    }
    if (n <= 0) {  // the sender closed its end (it exited or reconnected), or an error
      close(conns_[at]);
      conns_.erase(conns_.begin() + static_cast<std::ptrdiff_t>(at));
      return Next(packet, size, why);
    }
    *size = static_cast<size_t>(n);
    return true;
  }
  return false;
}

std::unique_ptr<LocalSender> LocalSender::Connect(const std::string& name) {
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  int buf = static_cast<int>(4 * kMaxLocalPacket);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
  sockaddr_un addr;
  socklen_t len = AbstractAddress(name, &addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    close(fd);
    return nullptr;
  }
  return std::unique_ptr<LocalSender>(new LocalSender(fd));
}

LocalSender::~LocalSender() { close(fd_); }

LocalSender::Result LocalSender::Send(const std::vector<char>& packet, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    ssize_t n = send(fd_, packet.data(), packet.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n == static_cast<ssize_t>(packet.size())) return Result::kSent;
    if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return Result::kGone;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return Result::kTimeout;
    pollfd p = {fd_, POLLOUT, 0};
    poll(&p, 1, static_cast<int>(left));
  }
}

}  // namespace ps
}  // namespace mx
