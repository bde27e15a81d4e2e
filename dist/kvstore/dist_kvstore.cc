#include "dist/kvstore/dist_kvstore.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "core/base/error.h"
#include "core/base/logging.h"
#include "core/engine/engine.h"
#include "core/ops/nd_api.h"
#include "dist/kvstore/key_slices.h"
#include "dist/kvstore/pending_pulls.h"
#include "dist/kvstore/push_pull_arrays.h"
#include "dist/ps/compression.h"
#include "dist/ps/node.h"

namespace mx {
namespace kv {
namespace {

using ps::Message;
using ps::MsgType;

class DistKVStore : public KVStore {
 public:
  DistKVStore(const std::string& type, const ps::PsConfig& config)
      : KVStore(type),
        sync_(type != "dist_async"),
        device_(type == "dist_sync_device"),
        link_(std::make_unique<ps::NodeLink>(config)),
        c_(link_->config()),
        replacement_(link_->replacement()) {
    if (replacement_)
      MX_LOG(WARNING) << "worker " << rank() << ": this worker replaces a lost one; it joins the "
                      << "job at the start of the next epoch (elastic)";
    receiver_ = std::thread([this] { Receive(); });
    link_->transport()->ServeSharedArrays();
  }

  ~DistKVStore() override {
    try {
      WaitComm();
    } catch (const Error& e) {
      MX_LOG(WARNING) << "worker " << rank() << " at exit: " << e.what();
    }
    for (const auto& [key, info] : keys_) Engine::Get()->DeleteVariable(nullptr, cpu(), info.comm);
    const ps::Transport* t = link_->transport();
    if (t->shared_sends() > 0)
      MX_LOG(INFO) << "worker " << rank() << ": " << t->shared_sends()
                   << " payloads went to nodes of this machine through shared memory, "
                   << t->array_sends() << " of them read in place from cpu_shared arrays";
    try {
      int64_t req = NewRequest();
      Message f;
      f.type = MsgType::kFinalize;
      f.request = req;
      link_->Send(0, f);
      Await(req, "finalize", 5);
    } catch (const Error& e) {
      MX_LOG(WARNING) << "worker " << rank() << ": finalize: " << e.what();
    }
    stop_ = true;
    if (receiver_.joinable()) receiver_.join();
  }

  int rank() const override { return c_.worker_rank(link_->id()); }
  int num_workers() const override { return c_.num_workers; }
  int num_live_workers() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return c_.num_workers - static_cast<int>(lost_.size());
  }
  bool is_replacement() const override { return replacement_; }

  void Init(const std::vector<int>& keys, const std::vector<NDArray>& values) override {
    MX_CHECK_AS(ValueError, keys.size() == values.size())
        << "KVStore::Init: " << keys.size() << " keys but " << values.size() << " values.";
    for (size_t k = 0; k < keys.size(); ++k) {
      MX_CHECK_AS(ValueError, !keys_.count(keys[k]))
          << "KVStore::Init: key " << keys[k] << " is already initialized.";
      keys_[keys[k]] = Place(keys[k], values[k]);
    }
    if (replacement_) return;  // the weights come when EpochBegin admits this worker
    WaitComm();
    if (rank() == 0) {
      std::vector<std::pair<int64_t, std::string>> waits;
      for (size_t k = 0; k < keys.size(); ++k) {
        const KeyInfo& info = keys_[keys[k]];
        std::vector<char> bytes = HostBytes(values[k], info);
        for (const SliceInfo& s : info.slices) {
          Message m = SliceMessage(MsgType::kInit, keys[k], info, s, bytes.data(), NewRequest(),
                                   link_->transport());
          m.meta = std::to_string(s.size) + " " + (sync_ ? "1" : "0");
          waits.emplace_back(
              m.request, "init of key " + std::to_string(keys[k]) + " on " + c_.NodeName(s.server));
          link_->Send(s.server, m);
        }
      }
      for (const auto& [req, what] : waits) Await(req, what);
    }
    Barrier();
    std::vector<std::vector<NDArray>> outs;
    for (const NDArray& v : values) outs.push_back({v});
    Pull(keys, outs, 0);  // every worker starts from worker 0's values
  }

  // Pushes and pulls are asynchronous engine operations, ordered per key by the key's var (a
  // pull follows the push before it) and by `priority` across keys; a push waits only for its
  // gradient, so pushes leave while the backward pass goes on.
  void Push(const std::vector<int>& keys, const std::vector<std::vector<NDArray>>& values,
            int priority) override {
    MX_CHECK_AS(ValueError, keys.size() == values.size())
        << "KVStore::Push: " << keys.size() << " keys but " << values.size() << " value lists.";
    ThrowIfBroken("push");
    for (size_t k = 0; k < keys.size(); ++k) {
      KeyInfo& info = Info(keys[k], "Push");
      NDArray sum = SumOnCpu("Push", keys[k], info.shape, values[k], device_);
      int key = keys[k];
      int64_t round = ++info.pushes;
      KeyInfo* placed = &info;
      Engine::Get()->PushAsync(
          [this, key, round, sum, placed](RunContext, CallbackOnComplete done) {
            try {
              SendPush(key, round, *placed, sum);
              done();
            } catch (...) {
              done(std::current_exception());
            }
          },
          cpu(), {sum.var()}, {info.comm}, FnProperty::kAsync, priority, "KVStorePush");
    }
  }

  void Pull(const std::vector<int>& keys, const std::vector<std::vector<NDArray>>& outs,
            int priority) override {
    MX_CHECK_AS(ValueError, keys.size() == outs.size())
        << "KVStore::Pull: " << keys.size() << " keys but " << outs.size() << " output lists.";
    ThrowIfBroken("pull");
    for (size_t k = 0; k < keys.size(); ++k) {
      KeyInfo& info = Info(keys[k], "Pull");
      PullTargets t = SplitPullOutputs("Pull", keys[k], info.shape, info.dtype, outs[k]);
      EnqueuePull(keys[k], info, info.pushes, t, nullptr, priority);
    }
  }

  // One message per slice and round instead of a push and a pull: the server answers the
  // push-pull once the round is complete. One engine operation reads the gradient and writes
  // the outputs.
  void PushPull(const std::vector<int>& keys, const std::vector<std::vector<NDArray>>& values,
                const std::vector<std::vector<NDArray>>& outs, int priority) override {
    MX_CHECK_AS(ValueError, keys.size() == values.size() && keys.size() == outs.size())
        << "KVStore::PushPull: " << keys.size() << " keys, " << values.size() << " value lists and "
        << outs.size() << " output lists; give one of each per key.";
    ThrowIfBroken("push-pull");
    for (size_t k = 0; k < keys.size(); ++k) {
      KeyInfo& info = Info(keys[k], "PushPull");
      NDArray sum = SumOnCpu("PushPull", keys[k], info.shape, values[k], device_);
      PullTargets t = SplitPullOutputs("PushPull", keys[k], info.shape, info.dtype, outs[k]);
      std::vector<VarHandle> vars = t.Vars(info.comm);
      if (std::count(vars.begin(), vars.end(), sum.var())) {  // pushes its own output
        Push({keys[k]}, {{sum}}, priority);
        Pull({keys[k]}, {outs[k]}, priority);
        continue;
      }
      EnqueuePull(keys[k], info, ++info.pushes, t, &sum, priority);
    }
  }

  void SetOptimizer(std::unique_ptr<opt::Optimizer> optimizer) override {
    if (replacement_) {  // the servers run the optimizer worker 0 shipped at the start
      KVStore::SetOptimizer(std::move(optimizer));
      return;
    }
    WaitComm();
    if (rank() == 0) {
      std::string spec = optimizer->Spec();
      AskServers(
          MsgType::kSetOptimizer, [&](int) { return spec; }, "optimizer on");
    }
    Barrier();
    KVStore::SetOptimizer(std::move(optimizer));
  }

  void EpochEnd() override {
    WaitComm();
    if (sync_) {
      for (const Message& r : AskServers(MsgType::kEpochDone, nullptr, "end of epoch on")) {
        std::istringstream rounds(r.meta);
        int key;
        int64_t round;
        while (rounds >> key >> round)
          if (keys_.count(key)) keys_[key].pushes = round;
      }
    }
    Barrier();
  }

  // Elastic: every live worker, and any replacement waiting to join, meets at the scheduler;
  // the answer names the workers of this epoch. A replacement (admitted now) then learns every
  // key's round, so its pulls fetch the current weights.
  kv::Membership EpochBegin(int epoch) override {
    if (!c_.elastic) return KVStore::EpochBegin(epoch);
    WaitComm();
    Message m;
    m.type = MsgType::kBarrier;
    m.key = 1;
    m.round = epoch;
    m.request = NewRequest();
    link_->Send(0, m);
    Message r = replacement_ ? Await(m.request, "admission to the job (at the start of an epoch)",
                                     std::numeric_limits<double>::infinity())
                             : Await(m.request, "start of epoch " + std::to_string(epoch));
    kv::Membership out;
    int64_t members_epoch = epoch;
    std::vector<int> live;
    ps::ParseMembershipMeta(r.meta, &members_epoch, &live);
    out.epoch = static_cast<int>(members_epoch);
    auto me = std::find(live.begin(), live.end(), rank());
    MX_CHECK_AS(DistError, me != live.end())
        << "worker " << rank() << ": the scheduler's members of epoch " << out.epoch
        << " do not include this worker (" << r.meta << ")";
    out.num_parts = static_cast<int>(live.size());
    out.part_index = static_cast<int>(me - live.begin());
    {
      std::lock_guard<std::mutex> lock(mu_);
      lost_.clear();
      for (int w = 0; w < c_.num_workers; ++w)
        if (!std::count(live.begin(), live.end(), w)) lost_.insert(w);
    }
    if (replacement_) {
      SyncRounds();
      replacement_ = false;
      out.joined = true;
    }
    return out;
  }

  void SetGradientCompression(const ParamMap& params) override {
    ps::CompressionConfig c = ps::ParseCompressionParams(params, c_.num_workers);
    WaitComm();  // pushes in flight use the residuals
    compression_ = c;
    for (auto& [key, info] : keys_) info.residual.clear();
  }

  std::vector<std::string> SaveServerShards(const std::string& path_prefix) override {
    std::vector<std::string> paths;
    WaitComm();
    if (rank() != 0) return paths;
    for (int s = 0; s < c_.num_servers; ++s) paths.push_back(ShardPath(path_prefix, s));
    AskServers(
        MsgType::kSaveShard, [&](int s) { return paths[s]; }, "checkpoint of");
    return paths;
  }

  void LoadServerShards(const std::string& path_prefix) override {
    WaitComm();
    if (rank() == 0)
      AskServers(
          MsgType::kLoadShard, [&](int s) { return ShardPath(path_prefix, s); }, "restore of");
    Barrier();
    SyncRounds();  // every worker continues from the servers' rounds
    Barrier();
  }

  void Barrier() override {
    if (replacement_) return;  // not in the job's barriers until EpochBegin admits it
    WaitComm();
    Message m;
    m.type = MsgType::kBarrier;
    m.request = NewRequest();
    link_->Send(0, m);
    Await(m.request, "barrier");
  }

 protected:
  Context ReduceContext(Context ctx) const override { return device_ ? ctx : cpu(); }

 private:
  KeyInfo Place(int key, const NDArray& v) {
    KeyInfo info;
    info.comm = Engine::Get()->NewVariable();
    info.shape = v.shape();
    info.dtype = v.dtype();
    info.slices = PlaceSlices(key, info.shape.Size(), c_);
    return info;
  }

  KeyInfo& Info(int key, const char* op) {
    auto it = keys_.find(key);
    MX_CHECK_AS(ValueError, it != keys_.end())
        << "KVStore::" << op << ": key " << key << " was never initialized; call Init first.";
    return it->second;
  }

  // The pull of `key`'s weights after `round` into `t` as an engine operation that writes the
  // targets; with `push`, as a push-pull that also reads it.
  void EnqueuePull(int key, KeyInfo& info, int64_t round, const PullTargets& t, const NDArray* push,
                   int priority) {
    std::vector<PendingPulls::Slice> slices;
    for (const SliceInfo& s : info.slices) slices.push_back({NewRequest(), s.offset, s.size});
    NDArray pushed = push ? *push : NDArray();
    std::vector<VarHandle> reads;
    if (push) reads.push_back(push->var());
    KeyInfo* placed = &info;
    std::vector<NDArray> targets = t.targets;
    Engine::Get()->PushAsync(
        [this, key, round, targets, slices, placed, pushed](RunContext, CallbackOnComplete done) {
          StartPull(key, round, *placed, targets, slices, done,
                    pushed.is_none() ? nullptr : &pushed);
        },
        cpu(), reads, t.Vars(info.comm), FnProperty::kAsync, priority,
        push ? "KVStorePushPull" : "KVStorePull");
    t.CopyStaged();
  }

  // In the push's engine operation: the gradient's bytes to every server holding a slice; with
  // `pulls` (one request per slice), as push-pulls answered to those requests.
  void SendPush(int key, int64_t round, KeyInfo& info, const NDArray& sum,
                const std::vector<PendingPulls::Slice>* pulls = nullptr) {
    const char* bytes = static_cast<const char*>(sum.blob().dptr);
    for (size_t i = 0; i < info.slices.size(); ++i) {
      const SliceInfo& s = info.slices[i];
      Message m = pulls ? SliceMessage(MsgType::kPushPull, key, info, s, bytes, (*pulls)[i].request,
                                       link_->transport(), &sum)
                        : SliceMessage(MsgType::kPush, key, info, s, bytes, NewRequest(),
                                       link_->transport());
      m.round = round;
      if (compression_.type != ps::Compression::kNone)
        CompressSlice(compression_, key, info, s, &m);
      link_->Send(s.server, m);
    }
  }

  // In the pull's engine operation: registers the pull, then asks every slice's server for
  // the weights after `round` (with `push`, sends it as push-pulls); the receiver thread
  // completes it, possibly before the last send returns (the engine keeps the operation's
  // captures, `slices` and `push`, alive until this returns).
  void StartPull(int key, int64_t round, KeyInfo& info, const std::vector<NDArray>& targets,
                 const std::vector<PendingPulls::Slice>& slices, CallbackOnComplete done,
                 const NDArray* push) {
    pulls_.Add("worker " + std::to_string(rank()) + ": pull of key " + std::to_string(key) +
                   " (round " + std::to_string(round) + ")",
               targets, info.dtype, slices, done);
    try {
      if (push) return SendPush(key, round, info, *push, &slices);
      for (size_t i = 0; i < slices.size(); ++i) {
        Message m;
        m.type = MsgType::kPull;
        m.key = key;
        m.round = round;
        m.request = slices[i].request;
        link_->Send(info.slices[i].server, m);
      }
    } catch (const Error& e) {
      pulls_.FailAll(e.what());
    }
  }

  // DistError when the job can no longer answer (a dead node, a server's refusal, a silent
  // scheduler): pushes and pulls are asynchronous, so the next call reports it.
  void ThrowIfBroken(const char* op) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string why = BrokenLocked();
    MX_CHECK_AS(DistError, why.empty())
        << "worker " << rank() << ": " << op << " cannot finish: " << why;
  }

  // Why the job can no longer answer, or "" while it can. Call with mu_ held.
  std::string BrokenLocked() const {
    if (!dead_.empty()) return dead_;
    if (!server_error_.empty()) return server_error_;
    if (link_->SchedulerSilentFor() >= c_.dead_after_s)
      return "the scheduler at " + c_.root_endpoint() + " has been silent for " +
             std::to_string(static_cast<int>(link_->SchedulerSilentFor())) + " s";
    return "";
  }

  // Waits for every push and pull issued so far (rethrowing their errors): control messages
  // (barriers, epoch ends, checkpoints) must not overtake them.
  void WaitComm() {
    for (const auto& [key, info] : keys_) Engine::Get()->WaitForVar(info.comm);
  }

  static std::vector<char> HostBytes(const NDArray& a, const KeyInfo& info) {
    std::vector<char> bytes(info.shape.Size() * DTypeSize(info.dtype));
    a.SyncCopyToCPU(bytes.data(), info.shape.Size());
    return bytes;
  }

  int64_t NewRequest() { return ++next_request_; }

  // One pull of each key at round 0 (answered at once) says which round the servers are at.
  void SyncRounds() {
    for (auto& [key, info] : keys_) {
      for (const SliceInfo& s : info.slices) {
        Message m;
        m.type = MsgType::kPull;
        m.key = key;
        m.round = 0;
        m.request = NewRequest();
        link_->Send(s.server, m);
        info.pushes = Await(m.request, "round of key " + std::to_string(key)).round;
      }
    }
  }

  static std::string ShardPath(const std::string& prefix, int server) {
    return prefix + ".server" + std::to_string(server) + ".states";
  }

  // Sends `type` (meta from `meta(server rank)`, none when null) to every server and returns
  // their answers in server order; `what` + the server's name describes each wait.
  std::vector<Message> AskServers(MsgType type, const std::function<std::string(int)>& meta,
                                  const std::string& what) {
    std::vector<int64_t> requests;
    for (int s = 0; s < c_.num_servers; ++s) {
      Message m;
      m.type = type;
      m.request = NewRequest();
      if (meta) m.meta = meta(s);
      requests.push_back(m.request);
      link_->Send(c_.server_id(s), m);
    }
    std::vector<Message> replies;
    for (int s = 0; s < c_.num_servers; ++s)
      replies.push_back(Await(requests[s], what + " " + c_.NodeName(c_.server_id(s))));
    return replies;
  }

  // The reply to request `req`; DistError when a node died, the scheduler went silent, the
  // server answered with an error, or `limit_s` (default TESSERA_PS_TIMEOUT_S) passed.
  Message Await(int64_t req, const std::string& what, double limit_s = 0) {
    double limit = limit_s > 0 ? limit_s : c_.timeout_s;
    double start = ps::NowSeconds(), logged = start;
    std::unique_lock<std::mutex> lock(mu_);
    while (!replies_.count(req)) {
      std::string why = BrokenLocked();
      MX_CHECK_AS(DistError, why.empty())
          << "worker " << rank() << ": " << what << " cannot finish: " << why;
      double now = ps::NowSeconds();
      MX_CHECK_AS(DistError, now - start < limit)
          << "worker " << rank() << ": " << what << " got no answer within " << limit
          << " s (TESSERA_PS_TIMEOUT_S)";
      if (now - logged >= c_.stall_s) {
        logged = now;
        MX_LOG(WARNING) << "worker " << rank() << ": " << what << " has waited "
                        << static_cast<int>(now - start) << " s";
      }
      cv_.wait_for(lock, std::chrono::milliseconds(100));
    }
    Message m = std::move(replies_[req]);
    replies_.erase(req);
    MX_CHECK_AS(DistError, m.type != MsgType::kError)
        << "worker " << rank() << ": " << what << " failed on " << c_.NodeName(m.sender) << ": "
        << m.meta;
    return m;
  }

  void Receive() {
    Message m;
    while (!stop_) {
      if (link_->Receive(100, &m)) Dispatch(m);
      CheckPulls();
    }
  }

  // Fails the pulls in flight when the job cannot answer them, and logs or fails slow ones.
  void CheckPulls() {
    if (pulls_.empty()) return;
    std::string why;
    {
      std::lock_guard<std::mutex> lock(mu_);
      why = BrokenLocked();
    }
    if (!why.empty())
      pulls_.FailAll(why);
    else
      pulls_.Inspect(ps::NowSeconds(), c_.timeout_s, c_.stall_s);
  }

  void Dispatch(Message& m) {
    if (m.sender == 0) link_->HeardFromScheduler();
    if ((m.type == MsgType::kPullReply || m.type == MsgType::kError) && pulls_.OnReply(m)) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      switch (m.type) {
        case MsgType::kError:
          // Also fails every wait: the request may be a push, which nobody waits for.
          server_error_ = c_.NodeName(m.sender) + " refused a request: " + m.meta;
          replies_[m.request] = std::move(m);
          m = Message();
          break;
        case MsgType::kPullReply:
        case MsgType::kAck:
        case MsgType::kBarrierDone:
          replies_[m.request] = std::move(m);
          m = Message();
          break;
        case MsgType::kNodeDead:
          if (c_.elastic && m.key > c_.num_servers && m.key != link_->id()) {
            MX_LOG(WARNING) << "worker " << rank() << ": " << m.meta
                            << "; going on without it (elastic)";
            lost_.insert(c_.worker_rank(m.key));
            break;
          }
          dead_ = m.meta;
          break;
        case MsgType::kShutdown:  // to a replacement still waiting to join
          dead_ = "the job finished before this replacement worker could join it";
          break;
        default:
          break;
      }
    }
    cv_.notify_all();
  }

  bool sync_, device_;
  std::unique_ptr<ps::NodeLink> link_;
  const ps::PsConfig& c_;
  std::map<int, KeyInfo> keys_;
  ps::CompressionConfig compression_;
  std::atomic<int64_t> next_request_{0};
  bool replacement_;    // a replacement not yet admitted (elastic)
  std::set<int> lost_;  // worker ranks the job lost (elastic), as last heard
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, Message> replies_;
  PendingPulls pulls_;
  std::string dead_;
  std::string server_error_;
  std::atomic<bool> stop_{false};
  std::thread receiver_;
};

}  // namespace

std::unique_ptr<KVStore> CreateDistWorker(const std::string& type, const ps::PsConfig& config) {
  MX_CHECK_AS(ValueError, config.role == ps::Role::kWorker)
      << "KVStore " << type << ": this process's role is " << ps::RoleName(config.role)
      << ", not worker.";
  return std::make_unique<DistKVStore>(type, config);
}

}  // namespace kv
}  // namespace mx
