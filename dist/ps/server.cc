// The server (roles.h): this server's slices of the keys, summed and updated.
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "core/base/error.h"
#include "core/base/logging.h"
#include "core/ndarray/io.h"
#include "core/ndarray/ndarray.h"
#include "core/ops/nd_api.h"
#include "core/optimizer/optimizer.h"
#include "dist/ps/compression.h"
#include "dist/ps/node.h"
#include "dist/ps/roles.h"
#include "dist/ps/sum.h"
#include "dist/ps/sum_team.h"

namespace mx {
namespace ps {
namespace {

struct PendingPull {
  int worker;
  int64_t request, round;
};

struct Slice {
  NDArray weight;  // 1-D, this server's elements of the key
  DType dtype;
  bool sync = true;
  int64_t offset = 0;
  int64_t round = 0;            // completed rounds
  std::vector<Payload> pushed;  // per worker rank, this round
  int received = 0;
  double first_push = 0, last_stall_log = 0;
  double last_wait = 0;  // seconds from the first push to the last of the last round
  std::vector<PendingPull> pulls;
  std::vector<NDArray> state;
  bool has_state = false;
  Payload reply;  // the weights as last sent, for round reply_round
  int64_t reply_round = -1;
  NDArray sum;  // the summed gradient of a float32 key's round
};

class Server {
 public:
  explicit Server(const PsConfig& c) : link_(c), c_(link_.config()), parts_(c_.num_workers) {}

  void Run() {
    Message m;
    for (;;) {
      if (link_.Receive(200, &m)) {
        if (m.sender == 0) link_.HeardFromScheduler();
        if (m.type == MsgType::kShutdown) {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          return;
        }
        try {
          Handle(m);
        } catch (const DistError&) {
          throw;
        } catch (const Error& e) {
          MX_LOG(WARNING) << "server " << link_.id() - 1 << ": " << MsgTypeName(m.type) << " from "
                          << c_.NodeName(m.sender) << " failed: " << e.what();
          Reply(m, MsgType::kError, e.what());
        }
      }
      MX_CHECK_AS(DistError, link_.SchedulerSilentFor() < c_.dead_after_s)
          << "server " << link_.id() - 1 << ": the scheduler at " << c_.root_endpoint()
          << " has been silent for " << static_cast<int>(link_.SchedulerSilentFor())
          << " s; stopping";
      InspectStalls();
    }
  }

 private:
  void Reply(const Message& to, MsgType type, const std::string& meta = "") {
    if (to.sender <= c_.num_servers || to.sender >= c_.num_nodes()) return;
    Message r;
    r.type = type;
    r.key = to.key;
    r.request = to.request;
    r.meta = meta;
    link_.Send(to.sender, r);
  }

  int WorkerRank(const Message& m) {
    int r = c_.worker_rank(m.sender);
    MX_CHECK_AS(ValueError, r >= 0 && r < c_.num_workers)
        << MsgTypeName(m.type) << " from node " << m.sender << ", which is not a worker";
    return r;
  }

  Slice& Find(const Message& m) {
    auto it = slices_.find(m.key);
    MX_CHECK_AS(ValueError, it != slices_.end())
        << "key " << m.key << " was never initialized on this server";
    return it->second;
  }

  void CheckSize(const Message& m, const Slice& s) {
    size_t elem = DTypeSize(s.dtype);
    MX_CHECK_AS(ValueError, m.data && m.data->size() == s.weight.size() * elem)
        << MsgTypeName(m.type) << " of key " << m.key << " carries " << m.data_size()
        << " bytes; this server holds " << s.weight.size() << " elements of " << DTypeName(s.dtype)
        << " for it";
  }

  // A push's gradient as raw elements of the slice's dtype: compressed pushes (meta names the
  // compression) are decoded to float32 here.
  Payload Gradient(const Message& m, const Slice& s) {
    if (m.meta.empty()) {
      CheckSize(m, s);
      return m.data;
    }
    CompressionConfig c = ParseCompressionMeta(m.meta);
    int64_t n = s.weight.size();
    MX_CHECK_AS(ValueError, s.dtype == kFloat32 && m.data && m.data->size() == EncodedBytes(c, n))
        << "compressed push of key " << m.key << " (" << m.meta << "): " << m.data_size()
        << " bytes for " << n << " float32 elements, expected " << EncodedBytes(c, n);
    Payload out = NewBytes(static_cast<size_t>(n) * 4);
    Decode(c, m.data->data(), n, reinterpret_cast<float*>(out->data()));
    return out;
  }

  void Handle(const Message& m) {
    switch (m.type) {
      case MsgType::kHeartbeat:
        return;
      case MsgType::kNodeDead:
        if (c_.elastic && m.key > c_.num_servers && m.key < c_.num_nodes())
          return LoseWorker(c_.worker_rank(m.key), m.meta);
        MX_THROW(DistError) << "server " << link_.id() - 1 << ": " << m.meta << "; stopping";
      case MsgType::kNodeJoined:
        return JoinWorker(m);
      case MsgType::kInit: {
        WorkerRank(m);
        std::istringstream meta(m.meta);
        int64_t n = 0;
        int sync = 1;
        meta >> n >> sync;
        MX_CHECK_AS(ValueError, n > 0 && m.data && m.data->size() % n == 0)
            << "init of key " << m.key << ": " << n << " elements in " << m.data_size() << " bytes";
        Slice& s = slices_[m.key];
        s.dtype = static_cast<DType>(m.dtype);
        s.weight = NDArray(m.data->data(), Shape{n}, s.dtype);
        s.sync = sync != 0;
        s.offset = m.offset;
        s.pushed.assign(c_.num_workers, nullptr);
        return Reply(m, MsgType::kAck);
      }
      case MsgType::kSetOptimizer:
        WorkerRank(m);
        optimizer_ = opt::FromSpec(m.meta);
        for (auto& kv : slices_) {
          kv.second.has_state = false;
          OwnWeights(kv.second);  // updates in place from now on
        }
        return Reply(m, MsgType::kAck);
      case MsgType::kPush:
        return Push(m, WorkerRank(m));
      case MsgType::kPushPull:  // one message less per round than a push and a pull
        Push(m, WorkerRank(m));
        return PullOf(m);
      case MsgType::kEpochDone:
        return EpochDone(m, WorkerRank(m));
      case MsgType::kSaveShard:
        WorkerRank(m);
        SaveShard(m.meta);
        return Reply(m, MsgType::kAck, m.meta);
      case MsgType::kLoadShard:
        WorkerRank(m);
        LoadShard(m.meta);
        return Reply(m, MsgType::kAck, m.meta);
      case MsgType::kPull:
        return PullOf(m);
      default:
        MX_LOG(WARNING) << "server: unexpected " << MsgTypeName(m.type) << " from "
                        << c_.NodeName(m.sender);
    }
  }

  // Answers the pull `m` (or the pull part of a push-pull) once its round is complete.
  void PullOf(const Message& m) {
    Slice& s = Find(m);
    PendingPull p{m.sender, m.request, m.round};
    if (!s.sync || s.round >= m.round) return Answer(m.key, s, p);
    s.pulls.push_back(p);
  }

  void Push(const Message& m, int rank) {
    Slice& s = Find(m);
    if (!s.sync) {
      Payload g = Gradient(m, s);
      Apply(m.key, s, NDArray(g->data(), s.weight.shape(), s.dtype));
      return;
    }
    MX_CHECK_AS(ValueError, m.round == s.round + 1)
        << "push of key " << m.key << " round " << m.round << " from worker " << rank
        << ", but the server is collecting round " << s.round + 1;
    MX_CHECK_AS(ValueError, !s.pushed[rank])
        << "worker " << rank << " pushed key " << m.key << " twice in round " << m.round;
    MX_CHECK_AS(ValueError, !done_.count(rank))
        << "worker " << rank << " pushed key " << m.key << " after ending its epoch";
    MX_CHECK_AS(ValueError, !gone_.count(rank))
        << "worker " << rank << " pushed key " << m.key << ", but the job has lost it";
    s.pushed[rank] = Gradient(m, s);
    if (s.received++ == 0) {
      s.first_push = NowSeconds();
      // The sum's helpers wake now if the last push came soon after the first last round.
      if (s.dtype == kFloat32 && c_.num_workers - Absent() > 1 &&
          s.last_wait < SumTeam::kPollSeconds)
        team_.Expect(s.weight.size());
    }
    MaybeCompleteRound(m.key, s);
  }

  // Once every worker still in this epoch has pushed the round: sum in rank order
  // (bit-reproducible), update, answer the pulls waiting for it.
  void MaybeCompleteRound(int key, Slice& s) {
    if (s.received == 0 || s.received < c_.num_workers - Absent()) return;
    s.last_wait = NowSeconds() - s.first_push;
    NDArray sum = SumInRankOrder(s);
    // Elastic: scaled by parts / live (see ElasticScale).
    int live = c_.num_workers - static_cast<int>(gone_.size());
    if (parts_ != live) sum *= static_cast<double>(parts_) / live;
    Apply(key, s, sum);
    s.pushed.assign(c_.num_workers, nullptr);
    s.received = 0;
    ++s.round;
    std::vector<PendingPull> ready;
    std::vector<PendingPull> waiting;
    for (const PendingPull& p : s.pulls) (p.round <= s.round ? ready : waiting).push_back(p);
    s.pulls = waiting;
    for (const PendingPull& p : ready) Answer(key, s, p);
  }

  // The pushed gradients of this round added in worker-rank order. float32 adds straight
  // from where the pushes arrived (shared memory, received frames), in one pass over memory on
  // all OpenMP threads (sum.h), the same a + b per element as NDArray's +=. The pushed bytes
  // are only read: a payload may be shared. With an optimizer the sum goes to the slice's sum
  // buffer. Without one it is the new weights: they go to a fresh payload from the transport
  // (a released region of shared memory, normally the one of two rounds ago) that also answers
  // this round's pulls, without the copy; the old weights stay intact for any reader still
  // holding them.
  NDArray SumInRankOrder(Slice& s) {
    std::vector<Payload> parts;
    for (const auto& p : s.pushed)
      if (p) parts.push_back(p);
    if (s.dtype == kFloat32) {
      NDArray out;
      if (optimizer_) {
        if (s.sum.is_none()) s.sum = NDArray(s.weight.shape(), cpu(), kFloat32);
        out = s.sum;
        out.WaitToWrite();  // the last round's update may still read it
      } else {
        s.reply = link_.transport()->Allocate(s.weight.size() * sizeof(float));
        s.reply_round = s.round + 1;
        out = s.weight = NDArray::Borrow(s.reply->data(), s.weight.shape(), kFloat32, s.reply);
      }
      std::vector<const float*> in;
      for (const Payload& p : parts) in.push_back(reinterpret_cast<const float*>(p->data()));
      team_.Sum(in, s.weight.size(), static_cast<float*>(out.blob().dptr));
      return out;
    }
    NDArray sum(parts[0]->data(), s.weight.shape(), s.dtype);
    for (size_t i = 1; i < parts.size(); ++i)
      sum += NDArray(parts[i]->data(), s.weight.shape(), s.dtype);
    return sum;
  }

  // A worker out of data for this epoch: rounds complete without it until every worker is done.
  // The replies wait for the last worker, then tell every worker each key's round to continue
  // from, and all take part again.
  void EpochDone(const Message& m, int rank) {
    done_.insert(rank);
    epoch_done_requests_.emplace_back(m.sender, m.request);
    for (auto& [key, s] : slices_) MaybeCompleteRound(key, s);
    MaybeFinishEpoch();
  }

  // Workers not taking part in the current rounds: ended their epoch, or lost.
  int Absent() const {
    std::set<int> absent = done_;
    absent.insert(gone_.begin(), gone_.end());
    return static_cast<int>(absent.size());
  }

  // Once every worker ended the epoch or is lost: all learn the rounds to continue from.
  void MaybeFinishEpoch() {
    if (done_.empty() || Absent() < c_.num_workers) return;
    std::ostringstream rounds;
    for (const auto& [key, s] : slices_) rounds << key << " " << s.round << "\n";
    for (const auto& [worker, request] : epoch_done_requests_) {
      Message r;
      r.type = MsgType::kAck;
      r.request = request;
      r.meta = rounds.str();
      link_.Send(worker, r);
    }
    done_.clear();
    epoch_done_requests_.clear();
    parts_ = c_.num_workers - static_cast<int>(gone_.size());  // the next epoch's split
  }

  // Elastic: a dead worker no longer counts; its pushes of the open round stay in it.
  void LoseWorker(int rank, const std::string& why) {
    gone_.insert(rank);
    MX_LOG(WARNING) << "server " << link_.id() - 1 << ": " << why << "; rounds go on with "
                    << c_.num_workers - gone_.size() << " worker(s), gradients scaled by " << parts_
                    << "/" << c_.num_workers - gone_.size()
                    << " until the data is re-split at the end of the epoch";
    for (auto& [key, s] : slices_) MaybeCompleteRound(key, s);
    MaybeFinishEpoch();
  }

  // Elastic: a replacement takes a lost worker's rank at the start of an epoch (no round is
  // open then); from its first push on, rounds wait for it again. The scheduler waits for
  // this acknowledgement before it lets anyone push.
  void JoinWorker(const Message& m) {
    MX_CHECK_AS(ValueError, m.sender == 0 && m.key > c_.num_servers && m.key < c_.num_nodes())
        << "node-joined from " << c_.NodeName(m.sender) << " for node " << m.key;
    int rank = c_.worker_rank(m.key);
    link_.transport()->Connect(m.key, m.meta);
    gone_.erase(rank);
    parts_ = c_.num_workers - static_cast<int>(gone_.size());  // admitted at an epoch start
    MX_LOG(WARNING) << "server " << link_.id() - 1 << ": worker " << rank << " rejoined at "
                    << m.meta << "; rounds go on with " << c_.num_workers - gone_.size()
                    << " worker(s)";
    Message r;
    r.type = MsgType::kAck;
    r.request = m.request;
    link_.Send(0, r);
  }

  // This server's part of a checkpoint: every key's weights, optimizer states and round, and
  // the optimizer's update counts, as one NDArray dict file (atomic, CRC-checked).
  void SaveShard(const std::string& path) {
    std::map<std::string, NDArray> out;
    for (auto& [key, s] : slices_) {
      MX_CHECK_AS(ValueError, s.received == 0)
          << "checkpoint requested while key " << key << " has pushes of an unfinished round";
      std::string k = "key:" + std::to_string(key) + ":";
      out[k + "weight"] = s.weight;
      int64_t round = s.round, offset = s.offset;
      out[k + "round"] = NDArray(&round, Shape{1}, kInt64);
      out[k + "offset"] = NDArray(&offset, Shape{1}, kInt64);
      if (s.has_state)
        for (size_t i = 0; i < s.state.size(); ++i)
          out[k + "state:" + std::to_string(i)] = s.state[i];
    }
    std::vector<int64_t> counts;
    if (optimizer_)
      for (const auto& [index, count] : optimizer_->update_counts()) {
        counts.push_back(index);
        counts.push_back(count);
      }
    if (counts.empty()) counts = {-1, 0};
    out["counts"] = NDArray(counts.data(), Shape{static_cast<int64_t>(counts.size())}, kInt64);
    std::vector<double> scalars = optimizer_ ? optimizer_->ScalarState() : std::vector<double>();
    if (!scalars.empty())
      out["scalars"] =
          NDArray(scalars.data(), Shape{static_cast<int64_t>(scalars.size())}, kFloat64);
    nd::Save(path, out);
  }

  void LoadShard(const std::string& path) {
    std::map<std::string, NDArray> in = nd::LoadDict(path);
    for (auto& [key, s] : slices_) {
      std::string k = "key:" + std::to_string(key) + ":";
      auto w = in.find(k + "weight");
      MX_CHECK_AS(IOError,
                  w != in.end() && w->second.shape() == s.weight.shape() && in.count(k + "round"))
          << path << " holds no matching entry for key " << key << " (" << s.weight.size()
          << " elements here); was it written by another job?";
      OwnWeights(s);
      w->second.CopyTo(s.weight);
      s.round = in.at(k + "round").ToVector<int64_t>()[0];
      s.pushed.assign(c_.num_workers, nullptr);
      s.received = 0;
      s.reply.reset();
      s.state.clear();
      for (int i = 0; in.count(k + "state:" + std::to_string(i)); ++i)
        s.state.push_back(in.at(k + "state:" + std::to_string(i)).Copy());
      s.has_state = !s.state.empty();
      s.weight.WaitToRead();
    }
    std::vector<int64_t> c =
        in.count("counts") ? in.at("counts").ToVector<int64_t>() : std::vector<int64_t>();
    std::map<int, int> counts;
    for (size_t i = 0; i + 1 < c.size(); i += 2)
      if (c[i] >= 0) counts[static_cast<int>(c[i])] = static_cast<int>(c[i + 1]);
    if (optimizer_) optimizer_->RestoreCounts(counts);
    if (optimizer_ && in.count("scalars"))
      optimizer_->RestoreScalarState(in.at("scalars").ToVector<double>());
  }

  // Weights that may be written in place: a copy of their own when they are the memory of a
  // reply (SumInRankOrder), which readers may still hold.
  static void OwnWeights(Slice& s) {
    if (!s.reply || s.reply->data() != s.weight.blob().dptr) return;
    s.weight = s.weight.Copy();
    s.reply.reset();
  }

  // Updates the slice with the summed gradient, or stores the sum without an optimizer.
  void Apply(int key, Slice& s, const NDArray& grad) {
    if (!optimizer_) {
      if (grad.blob().dptr != s.weight.blob().dptr) grad.CopyTo(s.weight);
      return;
    }
    if (!s.has_state) {
      s.state = optimizer_->CreateState(key, s.weight);
      s.has_state = true;
    }
    optimizer_->Update(key, s.weight, grad, &s.state);
  }

  void Answer(int key, Slice& s, const PendingPull& p) {
    Message r;
    r.type = MsgType::kPullReply;
    r.key = key;
    r.request = p.request;
    r.round = s.round;
    r.offset = s.offset;
    r.dtype = static_cast<int>(s.dtype);
    if (!s.sync || !s.reply || s.reply_round != s.round) {
      s.reply = link_.transport()->Allocate(s.weight.size() * DTypeSize(s.dtype));
      s.weight.SyncCopyToCPU(s.reply->data(), s.weight.size());
      s.reply_round = s.round;
    } else {
      s.weight.WaitToRead();  // the reply may be the weights' own memory (elastic scaling)
    }
    r.data = s.reply;  // one copy of the new weights serves every pull of the round
    link_.Send(p.worker, r);
  }

  // Logs keys whose round has waited longer than the stall time, naming the missing workers.
  void InspectStalls() {
    double now = NowSeconds();
    for (auto& [key, s] : slices_) {
      if (s.received == 0 || now - s.first_push < c_.stall_s || now - s.last_stall_log < c_.stall_s)
        continue;
      s.last_stall_log = now;
      std::ostringstream missing;
      for (int r = 0; r < c_.num_workers; ++r)
        if (!s.pushed[r]) missing << " " << r;
      MX_LOG(WARNING) << "server " << link_.id() - 1 << ": key " << key << " round " << s.round + 1
                      << " has waited " << static_cast<int>(now - s.first_push)
                      << " s for pushes from worker(s)" << missing.str();
    }
  }

  NodeLink link_;
  const PsConfig& c_;
  std::map<int, Slice> slices_;
  std::set<int> done_;  // worker ranks that ended the current epoch
  std::set<int> gone_;  // worker ranks the job lost (elastic)
  // Elastic gradient scaling. A round's sum is scaled by parts_ / live: parts_ is the number of
  // workers this epoch's data is split over (the live ones when the epoch began), live those
  // still pushing. In the rest of the epoch in which a worker is lost (3 of 3 parts, 2 live)
  // every step keeps its full size (x 3/2): the epoch makes as many full steps as planned.
  // From the next epoch on the live workers share all the data (KVStore::EpochBegin) and make
  // W/L times as many steps, each the plain sum of L gradients: Module's rescale_grad
  // 1/(batch x W) then gives the linear scaling rule's learning rate for the smaller global
  // batch (L/W of it), so an epoch moves the weights as far as in the full job.
  int parts_;
  std::vector<std::pair<int, int64_t>> epoch_done_requests_;  // (worker id, request) to answer
  std::unique_ptr<opt::Optimizer> optimizer_;
  // Adds float32 rounds: as many threads as OpenMP's (at most 8), woken at a round's first push.
  SumTeam team_{std::min(omp_get_max_threads(), 8) - 1};
};

}  // namespace

void RunServer(const PsConfig& config) { Server(config).Run(); }

}  // namespace ps
}  // namespace mx
