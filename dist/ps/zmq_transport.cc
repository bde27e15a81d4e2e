// ZeroMQ implementation of Transport (see transport.h).
#include <zmq.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>

#include "core/base/error.h"
#include "core/base/logging.h"
#include "dist/ps/local_channel.h"
#include "dist/ps/shm.h"
#include "dist/ps/shm_arrays.h"
#include "dist/ps/stream_copy.h"
#include "dist/ps/transport.h"

namespace mx {
namespace ps {
namespace {

// One context for the process, never terminated (terminating waits for unsent messages).
void* Context() {
  static void* ctx = zmq_ctx_new();
  return ctx;
}

std::string ZmqErr() { return zmq_strerror(zmq_errno()); }

constexpr char kShmTag[] = "#shm=";
constexpr char kLocalTag[] = "#unix=";  // after the locality: the node's LocalListener
constexpr int kSendTimeoutMs = 10000;

void FreeShared(void*, void* hint) { delete static_cast<Payload*>(hint); }

// A received frame's bytes, kept where ZeroMQ put them.
class FrameBytes : public Bytes {
 public:
  explicit FrameBytes(zmq_msg_t* frame) {
    zmq_msg_init(&msg_);
    zmq_msg_move(&msg_, frame);
    data_ = static_cast<char*>(zmq_msg_data(&msg_));
    size_ = zmq_msg_size(&msg_);
  }
  ~FrameBytes() override { zmq_msg_close(&msg_); }

 private:
  zmq_msg_t msg_;
};

// The frame's bytes in place when they are aligned for any dtype, else a copy.
Payload Adopt(zmq_msg_t* frame) {
  auto b = std::make_shared<FrameBytes>(frame);
  if (reinterpret_cast<uintptr_t>(b->data()) % 8 == 0) return b;
  return CopyBytes(b->data(), b->size());
}

class ZmqTransport : public Transport {
 public:
  ZmqTransport(uint64_t token, uint64_t max_bytes, uint64_t shm_bytes)
      : token_(token), max_bytes_(max_bytes), mapper_(token) {
    if (shm_bytes > 0) locality_ = ShmLocality();
    if (!locality_.empty()) pool_ = std::make_unique<ShmPool>(token, shm_bytes);
  }
  ~ZmqTransport() override {
    if (serving_arrays_) ShmArrays::Get()->Detach(pool_.get());
    for (auto& p : peers_) zmq_close(p.second.socket);
    if (pull_) zmq_close(pull_);
  }

  std::string Bind(const std::string& endpoint) override {
    MX_CHECK_AS(DistError, pull_ == nullptr) << "Transport::Bind called twice.";
    pull_ = zmq_socket(Context(), ZMQ_PULL);
    int64_t limit = static_cast<int64_t>(max_bytes_ + sizeof(Header) + 4096);
    zmq_setsockopt(pull_, ZMQ_MAXMSGSIZE, &limit, sizeof(limit));
    int linger = 0;
    zmq_setsockopt(pull_, ZMQ_LINGER, &linger, sizeof(linger));
    MX_CHECK_AS(DistError, zmq_bind(pull_, endpoint.c_str()) == 0)
        << "cannot listen on " << endpoint << ": " << ZmqErr()
        << " (is the port in use by another job? pick another DMLC_PS_ROOT_PORT)";
    char buf[256];
    size_t len = sizeof(buf);
    zmq_getsockopt(pull_, ZMQ_LAST_ENDPOINT, buf, &len);
    if (!pool_) return std::string(buf);
    // Nodes of one process (inproc://) gain nothing from a local channel.
    if (endpoint.rfind("tcp://", 0) == 0) local_ = std::make_unique<LocalListener>(token_);
    std::string address = std::string(buf) + kShmTag + locality_;
    return local_ && !local_->name().empty() ? address + kLocalTag + local_->name() : address;
  }

  void Connect(int peer, const std::string& address) override {
    size_t tag = address.find(kShmTag);
    std::string endpoint = address.substr(0, tag);
    std::string locality, listener;
    if (tag != std::string::npos) {
      locality = address.substr(tag + sizeof(kShmTag) - 1);
      size_t at = locality.find(kLocalTag);
      if (at != std::string::npos) {
        listener = locality.substr(at + sizeof(kLocalTag) - 1);
        locality.resize(at);
      }
    }
    bool local = pool_ && tag != std::string::npos && locality == locality_;
    std::lock_guard<std::mutex> lock(peers_mu_);
    Peer& p = peers_[peer];
    if (p.local != local) local_peers_ += local ? 1 : -1;
    p.local = local;
    if (p.socket && p.endpoint == endpoint) return;
    std::lock_guard<std::mutex> peer_lock(p.mu);
    p.listener = local ? listener : "";
    p.sender.reset();
    p.zmq_only = p.listener.empty();
    if (p.socket) zmq_close(p.socket);
    p.socket = zmq_socket(Context(), ZMQ_PUSH);
    p.endpoint = endpoint;
    int linger = 2000, timeout = kSendTimeoutMs;
    zmq_setsockopt(p.socket, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(p.socket, ZMQ_SNDTIMEO, &timeout, sizeof(timeout));
    MX_CHECK_AS(DistError, zmq_connect(p.socket, endpoint.c_str()) == 0)
        << "cannot connect to node " << peer << " at " << endpoint << ": " << ZmqErr();
  }

  Payload Allocate(size_t bytes) override {
    if (pool_ && bytes >= kShmMinBytes && local_peers_ > 0)
      if (Payload p = pool_->Allocate(bytes)) return p;
    return NewBytes(bytes);
  }

  void Send(int peer, const Message& m) override {
    Peer* p;
    {
      std::lock_guard<std::mutex> lock(peers_mu_);
      auto it = peers_.find(peer);
      MX_CHECK_AS(DistError, it != peers_.end())
          << "no connection to node " << peer << " (message " << MsgTypeName(m.type) << ")";
      p = &it->second;
    }
    std::lock_guard<std::mutex> lock(p->mu);
    Header h = EncodeHeader(m, token_);
    bool has_data = m.data_size() > 0, has_meta = !m.meta.empty() || has_data;
    ShmRef ref;
    uint64_t skip = 0;
    Payload shared = has_data && p->local ? InPool(m.data, &skip) : nullptr;
    if (shared && !pool_->Share(shared, &ref, skip, m.data->size())) shared.reset();
    if (shared) h.flags |= kShmData;
    try {
      std::vector<FrameView> frames = {{reinterpret_cast<const char*>(&h), sizeof(h)}};
      if (has_meta) frames.push_back({m.meta.data(), m.meta.size()});
      if (shared)
        frames.push_back({reinterpret_cast<const char*>(&ref), sizeof(ref)});
      else if (has_data)
        frames.push_back({m.data->data(), m.data->size()});
      if (!SendLocal(p, peer, m, frames)) SendZmq(p, peer, m, frames, has_data && !shared);
      if (shared) ++shared_sends_;
    } catch (...) {
      if (shared) pool_->Unshare(shared);
      throw;
    }
  }

  bool Receive(int timeout_ms, Message* out) override {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      // Local packets first: one that waits there was sent before anything ZeroMQ has now
      // from the same peer (a peer turns to ZeroMQ for good, see SendLocal).
      int got = ReceiveLocal(out);
      if (got > 0) return true;
      if (got < 0) continue;
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      std::vector<zmq_pollitem_t> items = {{pull_, 0, ZMQ_POLLIN, 0}};
      if (local_)
        for (int fd : local_->fds()) items.push_back({nullptr, fd, ZMQ_POLLIN, 0});
      int rc = zmq_poll(items.data(), static_cast<int>(items.size()),
                        static_cast<long>(std::max<int64_t>(left, 0)));
      if (rc <= 0) return false;
      // Local input goes first (read at the top): a peer's packets on a connection just
      // accepted or already open were sent before anything of it ZeroMQ has now.
      bool local_input = false;
      if (items.size() > 1 && (items[1].revents & ZMQ_POLLIN))
        local_input = local_->AcceptWaiting() > 0;
      for (size_t i = 2; i < items.size(); ++i) local_input |= (items[i].revents & ZMQ_POLLIN) != 0;
      if (local_input || !(items[0].revents & ZMQ_POLLIN)) continue;
      std::vector<zmq_msg_t> frames;
      for (;;) {
        frames.emplace_back();
        zmq_msg_init(&frames.back());
        if (zmq_msg_recv(&frames.back(), pull_, 0) < 0) {
          zmq_msg_close(&frames.back());
          frames.pop_back();
          break;
        }
        if (!zmq_msg_more(&frames.back())) break;
      }
      std::vector<FrameView> views;
      for (zmq_msg_t& f : frames)
        views.push_back({static_cast<const char*>(zmq_msg_data(&f)), zmq_msg_size(&f)});
      bool ok = Accept(
          views, [&](const FrameView&) { return Adopt(&frames[2]); }, out);
      for (zmq_msg_t& f : frames) zmq_msg_close(&f);
      if (ok) return true;
    }
  }

  int64_t rejected() const override { return rejected_; }
  int64_t shared_sends() const override { return shared_sends_; }
  int64_t local_sends() const override { return local_sends_; }
  int64_t array_sends() const override { return array_sends_; }

  void ServeSharedArrays() override {
    if (!pool_ || serving_arrays_) return;
    ShmArrays::Get()->Attach(pool_.get());
    Storage::SetSharedBacking(ShmArrays::Get());
    serving_arrays_ = true;
  }

 private:
  struct Peer {
    void* socket = nullptr;
    std::string endpoint;
    bool local = false;                   // on this machine: payloads go through shared memory
    std::mutex mu;                        // guards the members below and the order of sends
    std::string listener;                 // its LocalListener, if it has one on this machine
    std::unique_ptr<LocalSender> sender;  // connected on the first send
    bool zmq_only = true;                 // no local channel (none, unreachable, or given up)
  };

  // Sends `frames` of `m` to `p` over the local channel; false when it goes through ZeroMQ.
  // A peer that cannot take one (unreachable, gone, a message too big for a packet) gets this
  // and every later message through ZeroMQ, so that messages to it stay in order. Call with
  // p->mu held.
  bool SendLocal(Peer* p, int peer, const Message& m, const std::vector<FrameView>& frames) {
    if (p->zmq_only) return false;
    if (!p->sender) p->sender = LocalSender::Connect(p->listener);
    std::vector<char> packet;
    LocalSender::Result r = LocalSender::Result::kGone;
    if (p->sender && PackFrames(frames, &packet)) r = p->sender->Send(packet, kSendTimeoutMs);
    if (r == LocalSender::Result::kSent) {
      ++local_sends_;
      return true;
    }
    if (r == LocalSender::Result::kTimeout)
      MX_THROW(DistError) << "sending " << MsgTypeName(m.type) << " to node " << peer << " at "
                          << p->endpoint << " timed out after " << kSendTimeoutMs / 1000
                          << " s (the node may be stuck or dead)";
    p->zmq_only = true;
    p->sender.reset();
    return false;
  }

  // The frames of `m` to `p` through ZeroMQ; with `zero_copy_data`, the last frame is m.data,
  // sent without a copy (ZeroMQ holds a reference until it is on the wire).
  void SendZmq(Peer* p, int peer, const Message& m, const std::vector<FrameView>& frames,
               bool zero_copy_data) {
    for (size_t i = 0; i < frames.size(); ++i) {
      bool more = i + 1 < frames.size();
      if (more || !zero_copy_data) {
        SendFrame(p, peer, frames[i].data, frames[i].size, more);
        continue;
      }
      zmq_msg_t msg;
      zmq_msg_init_data(&msg, m.data->data(), m.data->size(), FreeShared, new Payload(m.data));
      if (zmq_msg_send(&msg, p->socket, 0) < 0) {
        zmq_msg_close(&msg);
        MX_THROW(DistError) << "sending " << MsgTypeName(m.type) << " data to node " << peer
                            << " at " << p->endpoint << " failed: " << ZmqErr();
      }
    }
  }

  // The message in received `frames` (`inline_bytes` makes the payload of an inline data
  // frame); false, counted and logged, when it is rejected for `why` or by Decode.
  bool Accept(const std::vector<FrameView>& frames,
              const std::function<Payload(const FrameView&)>& inline_bytes, Message* out,
              std::string why = "") {
    if (why.empty()) {
      PayloadSource source;
      source.inline_bytes = inline_bytes;
      source.shared = [this](const FrameView& f, uint64_t size, std::string* reason) {
        return mapper_.Open(f.data, f.size, size, reason);
      };
      if (Decode(frames, token_, max_bytes_, out, &why, source)) return true;
    }
    ++rejected_;
    MX_LOG(WARNING) << "rejected a message (" << why << "); still serving";
    return false;
  }

  // 1: a message from the local channel is in `out`; -1: a local packet was rejected (logged);
  // 0: none waits.
  int ReceiveLocal(Message* out) {
    if (!local_) return 0;
    std::string why;
    size_t size = 0;
    if (!local_->Next(&packet_, &size, &why)) return 0;
    std::vector<FrameView> views;
    if (why.empty() && !UnpackFrames(packet_.data(), size, &views))
      why = "a malformed local packet of " + std::to_string(size) + " bytes";
    auto copy = [](const FrameView& f) { return CopyBytes(f.data, f.size); };
    return Accept(views, copy, out, why) ? 1 : -1;
  }

  // `data` in a region of this node's pool (from `skip` on): itself, the block of a
  // cpu_shared array holding it (shm_arrays.h), or a copy when it is big enough to be worth it
  // (streamed, stream_copy.h); null when it goes inline.
  Payload InPool(const Payload& data, uint64_t* skip) {
    *skip = 0;
    if (pool_->Owns(data)) return data;
    if (data->size() < kShmMinBytes) return nullptr;
    if (Payload block = ShmArrays::Get()->Find(*pool_, data->data(), data->size(), skip)) {
      ++array_sends_;
      return block;
    }
    Payload copy = pool_->Allocate(data->size());
    if (copy) StreamCopy(copy->data(), data->data(), data->size());
    return copy;
  }

  void SendFrame(Peer* p, int peer, const void* data, size_t size, bool more) {
    if (zmq_send(p->socket, data, size, more ? ZMQ_SNDMORE : 0) < 0)
      MX_THROW(DistError) << "sending to node " << peer << " at " << p->endpoint
                          << " failed: " << ZmqErr() << " (the node may have died)";
  }

  uint64_t token_, max_bytes_;
  void* pull_ = nullptr;
  std::string locality_;                  // "" when this node does not use shared memory
  std::unique_ptr<ShmPool> pool_;         // payloads for peers of this machine
  ShmMapper mapper_;                      // payloads from them
  std::unique_ptr<LocalListener> local_;  // messages from nodes of this machine
  std::vector<char> packet_;              // for local packets (Receive's thread only)
  std::mutex peers_mu_;
  std::map<int, Peer> peers_;
  std::atomic<int> local_peers_{0};
  std::atomic<int64_t> rejected_{0}, shared_sends_{0}, local_sends_{0}, array_sends_{0};
  bool serving_arrays_ = false;  // ShmArrays takes cpu_shared arrays from pool_
};

}  // namespace

std::unique_ptr<Transport> CreateZmqTransport(uint64_t token, uint64_t max_bytes,
                                              uint64_t shm_bytes) {
  return std::make_unique<ZmqTransport>(token, max_bytes, shm_bytes);
}

}  // namespace ps
}  // namespace mx
