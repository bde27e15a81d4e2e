#include "dist/ps/node.h"

#include <random>
#include <sstream>

#include "core/base/error.h"
#include "core/base/logging.h"

namespace mx {
namespace ps {

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

NodeLink::NodeLink(const PsConfig& config)
    : config_(config),
      transport_(
          CreateZmqTransport(TokenHash(config.token), config.max_message_bytes, config.shm_bytes)) {
  std::random_device rd;
  int64_t nonce = (static_cast<int64_t>(rd()) << 31) ^ rd();
  if (nonce < 0) nonce = -nonce;
  std::string mine =
      config_.inproc_prefix.empty()
          ? transport_->Bind("tcp://" + config_.host + ":*")
          : transport_->Bind("inproc://" + config_.inproc_prefix + "-reg-" + std::to_string(nonce));
  transport_->Connect(0, config_.root_endpoint());
  Message reg;
  reg.type = MsgType::kRegister;
  reg.request = nonce;
  reg.meta = std::string(RoleName(config_.role)) + " " + mine + " " +
             std::to_string(config_.preferred_rank);
  double start = NowSeconds(), last_sent = -1e9;
  Message m;
  for (;;) {
    double now = NowSeconds();
    MX_CHECK_AS(DistError, now - start < config_.startup_s)
        << RoleName(config_.role) << " at " << mine << ": the scheduler at "
        << config_.root_endpoint() << " sent no address book within " << config_.startup_s
        << " s (is it running, and do DMLC_PS_ROOT_URI/DMLC_PS_ROOT_PORT and the job token "
        << "match? it waits for " << config_.num_workers << " worker(s) and " << config_.num_servers
        << " server(s))";
    if (now - last_sent > 2) {
      transport_->Send(0, reg);
      last_sent = now;
    }
    if (!transport_->Receive(200, &m)) continue;
    if (m.type == MsgType::kAddressBook && m.request == nonce) break;
    if (m.type == MsgType::kError && m.request == nonce)
      MX_THROW(DistError) << "the scheduler refused this " << RoleName(config_.role) << ": "
                          << m.meta;
    // A peer that got its address book first may already talk to us: keep its messages.
    if (m.type != MsgType::kAddressBook && m.type != MsgType::kError) early_.push_back(m);
  }
  id_ = m.key;
  replacement_ = m.round == 1;
  std::istringstream book(m.meta);
  int peer, rank;
  std::string role, address;
  while (book >> peer >> role >> rank >> address) addresses_[peer] = address;
  for (const auto& [p, a] : addresses_) {
    if (p == 0 || p == id_) continue;
    bool peer_is_server = p <= config_.num_servers;
    if ((config_.role == Role::kWorker) == peer_is_server) transport_->Connect(p, a);
  }
  HeardFromScheduler();
  heartbeat_ = std::thread([this] { Heartbeats(); });
}

NodeLink::~NodeLink() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

void NodeLink::Send(int peer, Message m) {
  m.sender = id_;
  transport_->Send(peer, m);
}

bool NodeLink::Receive(int timeout_ms, Message* out) {
  if (!early_.empty()) {
    *out = std::move(early_.front());
    early_.erase(early_.begin());
    return true;
  }
  return transport_->Receive(timeout_ms, out);
}

void NodeLink::HeardFromScheduler() {
  last_heard_ns_ = std::chrono::steady_clock::now().time_since_epoch().count();
}

double NodeLink::SchedulerSilentFor() const {
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return static_cast<double>(now - last_heard_ns_) * 1e-9;
}

void NodeLink::Heartbeats() {
  Message hb;
  hb.type = MsgType::kHeartbeat;
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stop_) {
    try {
      Send(0, hb);
    } catch (const Error& e) {
      MX_LOG(WARNING) << "heartbeat to the scheduler failed: " << e.what();
    }
    stop_cv_.wait_for(lock, std::chrono::duration<double>(config_.heartbeat_s));
  }
}

}  // namespace ps
}  // namespace mx
