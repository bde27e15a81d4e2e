// The scheduler (roles.h): registration, address book, barriers, heartbeats, shutdown.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "core/base/error.h"
#include "core/base/logging.h"
#include "dist/ps/node.h"
#include "dist/ps/roles.h"
#include "dist/ps/transport.h"

namespace mx {
namespace ps {
namespace {

struct Registration {
  Role role;
  std::string address;
  int preferred_rank;
  int64_t nonce;
  int order;
};

class Scheduler {
 public:
  explicit Scheduler(const PsConfig& c)
      : c_(c), t_(CreateZmqTransport(TokenHash(c.token), c.max_message_bytes, 0)) {}

  void Run() {
    t_->Bind(c_.inproc_prefix.empty() ? "tcp://*:" + std::to_string(c_.root_port)
                                      : c_.root_endpoint());
    Register();
    Serve();
  }

 private:
  void Send(int peer, Message m) {
    m.sender = 0;
    t_->Send(peer, m);
  }

  void Register() {
    std::map<int64_t, Registration> regs;  // by nonce
    int workers = 0, servers = 0;
    double start = NowSeconds();
    Message m;
    while (workers < c_.num_workers || servers < c_.num_servers) {
      if (NowSeconds() - start > c_.startup_s) {
        MX_THROW(DistError) << "scheduler: after " << c_.startup_s << " s, " << workers << " of "
                            << c_.num_workers << " workers and " << servers << " of "
                            << c_.num_servers << " servers registered; " << c_.num_workers - workers
                            << " worker(s) and " << c_.num_servers - servers
                            << " server(s) never did (check their "
                            << "output, DMLC_PS_ROOT_URI/PORT and TESSERA_PS_TOKEN)";
      }
      if (!t_->Receive(200, &m) || m.type != MsgType::kRegister || regs.count(m.request)) continue;
      std::istringstream in(m.meta);
      std::string role, address;
      int preferred = -1;
      in >> role >> address >> preferred;
      Registration r{role == "server" ? Role::kServer : Role::kWorker, address, preferred,
                     m.request, static_cast<int>(regs.size())};
      if (role != "server" && role != "worker") {
        MX_LOG(WARNING) << "scheduler: ignored a registration with role '" << role << "'";
        continue;
      }
      int& count = r.role == Role::kServer ? servers : workers;
      int limit = r.role == Role::kServer ? c_.num_servers : c_.num_workers;
      if (count == limit) {
        MX_LOG(WARNING) << "scheduler: a " << role << " at " << address
                        << " registered, but the job has " << limit << " already; refused";
        t_->Connect(-2, address);
        Message e;
        e.type = MsgType::kError;
        e.request = m.request;
        e.meta = "the job already has its " + std::to_string(limit) + " " + role + "s";
        Send(-2, e);
        continue;
      }
      ++count;
      regs[m.request] = r;
    }
    // Ids: servers in registration order; workers by the rank they asked for, then order.
    std::vector<Registration> ws, ss;
    for (const auto& kv : regs) (kv.second.role == Role::kServer ? ss : ws).push_back(kv.second);
    auto by_order = [](const Registration& a, const Registration& b) { return a.order < b.order; };
    std::sort(ss.begin(), ss.end(), by_order);
    std::sort(ws.begin(), ws.end(), [](const Registration& a, const Registration& b) {
      int ra = a.preferred_rank < 0 ? 1 << 30 : a.preferred_rank;
      int rb = b.preferred_rank < 0 ? 1 << 30 : b.preferred_rank;
      return ra != rb ? ra < rb : a.order < b.order;
    });
    std::vector<std::pair<int, int64_t>> ids;  // id, nonce
    for (size_t r = 0; r < ss.size(); ++r) {
      int id = c_.server_id(static_cast<int>(r));
      address_[id] = ss[r].address;
      ids.emplace_back(id, ss[r].nonce);
    }
    for (size_t r = 0; r < ws.size(); ++r) {
      int id = c_.worker_id(static_cast<int>(r));
      address_[id] = ws[r].address;
      ids.emplace_back(id, ws[r].nonce);
    }
    for (const auto& [id, nonce] : ids) {
      initial_nonces_.insert(nonce);
      t_->Connect(id, address_[id]);
      SendBook(id, nonce, false);
      last_seen_[id] = NowSeconds();
    }
    MX_LOG(INFO) << "scheduler: " << c_.num_workers << " worker(s) and " << c_.num_servers
                 << " server(s) registered";
  }

  void Serve() {
    Message m;
    for (;;) {
      if (t_->Receive(200, &m)) {
        bool known =
            address_.count(m.sender) && (!lost_.count(m.sender) || joining_.count(m.sender));
        if (known) last_seen_[m.sender] = NowSeconds();
        if (m.type == MsgType::kRegister) {
          RegisterLate(m);
        } else if (!known) {
          MX_LOG(WARNING) << "scheduler: ignored " << MsgTypeName(m.type) << " from "
                          << c_.NodeName(m.sender) << ", which the job has lost";
        } else if (m.type == MsgType::kHeartbeat) {
          Message r;
          r.type = MsgType::kHeartbeat;
          Send(m.sender, r);
        } else if (m.type == MsgType::kBarrier) {
          if (joining_.count(m.sender)) {
            join_requests_[m.sender] = m.request;  // admitted at the next start of an epoch
          } else {
            barrier_[m.sender] = m.request;
            if (m.key == 1) epoch_ = m.round;
            epoch_barrier_ = epoch_barrier_ || m.key == 1;
          }
          MaybeReleaseBarrier();
        } else if (m.type == MsgType::kAck && awaiting_.count(m.request)) {
          awaiting_.erase(m.request);
          MaybeReleaseBarrier();
        } else if (m.type == MsgType::kFinalize) {
          if (joining_.count(m.sender)) {  // a replacement that gave up before it joined
            joining_.erase(m.sender);
            join_requests_.erase(m.sender);
          } else {
            finalized_.insert(m.sender);
          }
          Message r;
          r.type = MsgType::kAck;
          r.request = m.request;
          Send(m.sender, r);
          if (MaybeFinish()) return;
        }
      }
      CheckHeartbeats();
      if (MaybeFinish()) return;
    }
  }

  // A registration after the start: in an elastic job, a worker that replaces a lost one (it
  // takes the lost worker's rank and waits for admission at the start of an epoch); before any
  // worker is lost it is left to retry. Anything else is refused.
  void RegisterLate(const Message& m) {
    std::istringstream in(m.meta);
    std::string role, address;
    int preferred = -1;
    in >> role >> address >> preferred;
    if (initial_nonces_.count(m.request)) return;  // a retry that crossed its address book
    auto again = joiner_by_nonce_.find(m.request);
    if (again != joiner_by_nonce_.end()) return SendBook(again->second, m.request, true);
    if (!c_.elastic || role != "worker") {
      t_->Connect(-2, address);
      Message e;
      e.type = MsgType::kError;
      e.request = m.request;
      e.meta =
          "the job has started; only an elastic job (launch --elastic) takes a worker that "
          "replaces a lost one";
      Send(-2, e);
      return;
    }
    int id = -1;
    for (int lost : lost_)
      if (!joining_.count(lost) && (id < 0 || c_.worker_rank(lost) == preferred)) id = lost;
    if (id < 0) {
      if (waiting_nonces_.insert(m.request).second)
        MX_LOG(INFO) << "scheduler: a worker at " << address << " asks to join; it is taken in "
                     << "once a worker is lost (elastic)";
      return;
    }
    address_[id] = address;
    t_->Connect(id, address);
    joining_.insert(id);
    joiner_by_nonce_[m.request] = id;
    last_seen_[id] = NowSeconds();
    MX_LOG(INFO) << "scheduler: a worker at " << address << " replaces " << c_.NodeName(id)
                 << "; it joins at the start of the next epoch";
    SendBook(id, m.request, true);
  }

  void SendBook(int id, int64_t nonce, bool replacement) {
    std::ostringstream book;
    for (const auto& [peer, address] : address_) {
      bool server = peer <= c_.num_servers;
      book << peer << (server ? " server " : " worker ")
           << (server ? peer - 1 : c_.worker_rank(peer)) << " " << address << "\n";
    }
    Message b;
    b.type = MsgType::kAddressBook;
    b.key = id;
    b.request = nonce;
    b.round = replacement ? 1 : 0;
    b.meta = book.str();
    Send(id, b);
  }

  int LiveWorkers() const { return c_.num_workers - static_cast<int>(lost_.size()); }

  // Every live worker is at the barrier: release it. At the start of an epoch (elastic), the
  // replacements waiting there are admitted first: the servers learn their addresses and count
  // them again (each acknowledges), then all are released together with the epoch's members.
  void MaybeReleaseBarrier() {
    if (barrier_.empty() || static_cast<int>(barrier_.size()) < LiveWorkers()) return;
    if (epoch_barrier_ && !join_requests_.empty()) {
      if (awaiting_.empty() && !admitting_) {
        admitting_ = true;
        for (const auto& [id, req] : join_requests_) {
          for (int s = 0; s < c_.num_servers; ++s) {
            Message j;
            j.type = MsgType::kNodeJoined;
            j.key = id;
            j.request = ++request_;
            j.meta = address_[id];
            awaiting_.insert(j.request);
            Send(c_.server_id(s), j);
          }
        }
      }
      if (!awaiting_.empty()) return;
      for (const auto& [id, req] : join_requests_) {
        lost_.erase(id);
        joining_.erase(id);
        barrier_[id] = req;
        MX_LOG(WARNING) << "scheduler: " << c_.NodeName(id) << " joined at epoch " << epoch_
                        << "; the job goes on with " << LiveWorkers() << " worker(s) (elastic)";
      }
      join_requests_.clear();
      admitting_ = false;
    }
    std::string members;
    if (c_.elastic) {
      std::vector<int> live;
      for (int r = 0; r < c_.num_workers; ++r)
        if (!lost_.count(c_.worker_id(r))) live.push_back(r);
      members = MembershipMeta(epoch_, live);
    }
    for (const auto& [id, req] : barrier_) {
      Message r;
      r.type = MsgType::kBarrierDone;
      r.request = req;
      r.meta = members;
      Send(id, r);
    }
    barrier_.clear();
    epoch_barrier_ = false;
  }

  // Every live worker finalized: the servers stop, and so does the scheduler. Replacements
  // still waiting to join are told the job is over.
  bool MaybeFinish() {
    if (static_cast<int>(finalized_.size()) < LiveWorkers()) return false;
    Message r;
    r.type = MsgType::kShutdown;
    for (int s = 0; s < c_.num_servers; ++s) Send(c_.server_id(s), r);
    for (int id : joining_) {
      try {
        Send(id, r);
      } catch (const Error&) {
      }
    }
    MX_LOG(INFO) << "scheduler: all workers finished; job done";
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let them go out
    return true;
  }

  // A node silent past the limit is dead: everyone is told. Without elasticity, or for the
  // scheduler's servers, or when no worker would be left, the job stops; with it (elastic) a
  // lost worker is dropped and the others go on. A replacement that dies before it joined is
  // forgotten (its rank stays lost).
  void CheckHeartbeats() {
    double now = NowSeconds();
    for (const auto& [id, seen] : last_seen_) {
      if (finalized_.count(id) || now - seen <= c_.dead_after_s) continue;
      if (joining_.count(id)) {
        MX_LOG(WARNING) << "scheduler: the replacement for " << c_.NodeName(id)
                        << " went silent before it joined";
        joining_.erase(id);
        join_requests_.erase(id);
        return;
      }
      if (lost_.count(id)) continue;
      std::ostringstream what;
      what << c_.NodeName(id) << " at " << address_[id] << " sent no heartbeat for "
           << static_cast<int>(now - seen)
           << " s (limit TESSERA_PS_HEARTBEAT_TIMEOUT_S=" << c_.dead_after_s << ")";
      bool is_worker = id > c_.num_servers;
      bool go_on = c_.elastic && is_worker && LiveWorkers() > 1;
      if (go_on) lost_.insert(id);
      for (const auto& [other, unused] : address_) {
        if (other == id || finalized_.count(other) || lost_.count(other)) continue;
        Message d;
        d.type = MsgType::kNodeDead;
        d.key = id;
        d.meta = what.str();
        try {
          Send(other, d);
        } catch (const Error&) {
        }
      }
      if (!go_on) MX_THROW(DistError) << "scheduler: " << what.str() << "; the job stops";
      MX_LOG(WARNING) << "scheduler: " << what.str() << "; the job goes on with " << LiveWorkers()
                      << " worker(s) (elastic)";
      barrier_.erase(id);
      MaybeReleaseBarrier();
      return;  // last_seen_ may be iterated again next time
    }
  }

  PsConfig c_;
  std::unique_ptr<Transport> t_;
  std::map<int, std::string> address_;
  std::map<int, double> last_seen_;
  std::map<int, int64_t> barrier_;  // worker id -> barrier request
  std::set<int> finalized_, lost_;  // worker ids
  // Elastic replacements: ids taken by a new worker not yet admitted, their barrier requests,
  // registrations already answered (by nonce), and those left to retry.
  std::set<int> joining_;
  std::set<int64_t> initial_nonces_;
  std::map<int, int64_t> join_requests_;
  std::map<int64_t, int> joiner_by_nonce_;
  std::set<int64_t> waiting_nonces_;
  std::set<int64_t> awaiting_;  // kNodeJoined requests the servers have not acknowledged
  bool admitting_ = false;
  bool epoch_barrier_ = false;  // the open barrier starts an epoch
  int64_t epoch_ = 0;
  int64_t request_ = 0;
};

}  // namespace

void RunScheduler(const PsConfig& config) { Scheduler(config).Run(); }

}  // namespace ps
}  // namespace mx
