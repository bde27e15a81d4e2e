// A server's or worker's membership in a parameter-server job: it listens on its own endpoint,
// registers with the scheduler (retrying; DistError naming the scheduler's address when no
// address book comes within the start-up time), learns every node's id and address, connects
// to the peers its role talks to, and sends heartbeats to the scheduler from a thread of its
// own. The owner receives all messages (Receive) and reports scheduler contact
// with HeardFromScheduler(), so SchedulerSilentFor() can tell when the scheduler is gone.
#ifndef TESSERA_DIST_PS_NODE_H_
#define TESSERA_DIST_PS_NODE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dist/ps/config.h"
#include "dist/ps/transport.h"

namespace mx {
namespace ps {

class NodeLink {
 public:
  explicit NodeLink(const PsConfig& config);
  ~NodeLink();
  NodeLink(const NodeLink&) = delete;
  NodeLink& operator=(const NodeLink&) = delete;

  int id() const { return id_; }
  // The scheduler took this worker in to replace a lost one (elastic jobs).
  bool replacement() const { return replacement_; }
  const PsConfig& config() const { return config_; }
  Transport* transport() { return transport_.get(); }
  const std::string& address_of(int id) const { return addresses_.at(id); }
  // Sends with this node as the sender.
  void Send(int peer, Message m);
  // The next message: first those that arrived during registration (before the address
  // book), then the transport's.
  bool Receive(int timeout_ms, Message* out);

  void HeardFromScheduler();
  double SchedulerSilentFor() const;

 private:
  void Heartbeats();

  PsConfig config_;
  std::unique_ptr<Transport> transport_;
  int id_ = -1;
  bool replacement_ = false;
  std::map<int, std::string> addresses_;
  std::vector<Message> early_;
  std::atomic<int64_t> last_heard_ns_{0};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread heartbeat_;
};

// Seconds since an arbitrary fixed point (steady clock).
double NowSeconds();

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_NODE_H_
