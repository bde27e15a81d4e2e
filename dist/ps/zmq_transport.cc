// ZeroMQ implementation of Transport (see transport.h).
#include <zmq.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>

#include "core/base/error.h"
#include "core/base/logging.h"
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

void FreeShared(void*, void* hint) {
  delete static_cast<std::shared_ptr<std::vector<char>>*>(hint);
}

class ZmqTransport : public Transport {
 public:
  ZmqTransport(uint64_t token, uint64_t max_bytes) : token_(token), max_bytes_(max_bytes) {}
  ~ZmqTransport() override {
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
    return std::string(buf);
  }

  void Connect(int peer, const std::string& endpoint) override {
    std::lock_guard<std::mutex> lock(peers_mu_);
    Peer& p = peers_[peer];
    if (p.socket && p.endpoint == endpoint) return;
    if (p.socket) zmq_close(p.socket);
    p.socket = zmq_socket(Context(), ZMQ_PUSH);
    p.endpoint = endpoint;
    int linger = 2000, timeout = 10000;
    zmq_setsockopt(p.socket, ZMQ_LINGER, &linger, sizeof(linger));
    zmq_setsockopt(p.socket, ZMQ_SNDTIMEO, &timeout, sizeof(timeout));
    MX_CHECK_AS(DistError, zmq_connect(p.socket, endpoint.c_str()) == 0)
        << "cannot connect to node " << peer << " at " << endpoint << ": " << ZmqErr();
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
    SendFrame(p, peer, &h, sizeof(h), has_meta);
    if (has_meta) SendFrame(p, peer, m.meta.data(), m.meta.size(), has_data);
    if (has_data) {
      zmq_msg_t msg;
      auto* hold = new std::shared_ptr<std::vector<char>>(m.data);
      zmq_msg_init_data(&msg, m.data->data(), m.data->size(), FreeShared, hold);
      if (zmq_msg_send(&msg, p->socket, 0) < 0) {
        zmq_msg_close(&msg);
        MX_THROW(DistError) << "sending " << MsgTypeName(m.type) << " data to node " << peer
                            << " at " << p->endpoint << " failed: " << ZmqErr();
      }
    }
  }

  bool Receive(int timeout_ms, Message* out) override {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      zmq_pollitem_t item = {pull_, 0, ZMQ_POLLIN, 0};
      int rc = zmq_poll(&item, 1, static_cast<long>(std::max<int64_t>(left, 0)));
      if (rc <= 0) return false;
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
      std::string why;
      bool ok = Decode(views, token_, max_bytes_, out, &why);
      for (zmq_msg_t& f : frames) zmq_msg_close(&f);
      if (ok) return true;
      ++rejected_;
      MX_LOG(WARNING) << "rejected a message (" << why << "); still serving";
    }
  }

  int64_t rejected() const override { return rejected_; }

 private:
  struct Peer {
    void* socket = nullptr;
    std::string endpoint;
    std::mutex mu;
  };

  void SendFrame(Peer* p, int peer, const void* data, size_t size, bool more) {
    if (zmq_send(p->socket, data, size, more ? ZMQ_SNDMORE : 0) < 0)
      MX_THROW(DistError) << "sending to node " << peer << " at " << p->endpoint
                          << " failed: " << ZmqErr() << " (the node may have died)";
  }

  uint64_t token_, max_bytes_;
  void* pull_ = nullptr;
  std::mutex peers_mu_;
  std::map<int, Peer> peers_;
  std::atomic<int64_t> rejected_{0};
};

}  // namespace

std::unique_ptr<Transport> CreateZmqTransport(uint64_t token, uint64_t max_bytes) {
  return std::make_unique<ZmqTransport>(token, max_bytes);
}

}  // namespace ps
}  // namespace mx
