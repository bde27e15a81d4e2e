// KVStore: the key-value store that reduces gradients and holds weights (MXNet's mx.kv).
// Keys are ints; each key's value is an NDArray. Push(key, values) sums the values (one per
// device) and, when an optimizer is set, applies it to the stored weight (update on the
// store); without one the sum replaces the stored value. Pull(key, outs) copies the stored
// value into every out. Priorities order pushes and pulls on the engine (higher first); all
// calls return before the work is done, and reads of the outputs wait for it.
//
// Types: "local" reduces on the CPU, "device" on the device of the first pushed value (the
// GPUs' own memory), "nccl" across the GPUs of this process with NCCL (values and outputs on
// GPUs; several contexts on one GPU are summed there first; dist/nccl/gpu_collectives.h);
// "dist_sync", "dist_async" and "dist_sync_device" talk to parameter servers
// (dist_kvstore.h). In a process started with DMLC_ROLE=scheduler or server, Create() of a dist
// type runs that role and exits the process (as MXNet); a worker gets its store. Create()
// picks the type by name. Not thread-safe.
#ifndef TESSERA_DIST_KVSTORE_KVSTORE_H_
#define TESSERA_DIST_KVSTORE_KVSTORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ndarray/ndarray.h"
#include "core/optimizer/optimizer.h"

namespace mx {
namespace kv {

// Which workers train an epoch (elastic dist jobs, KVStore::EpochBegin): this worker takes part
// `part_index` of `num_parts` of the training data. `joined`: this worker is a replacement
// admitted now, at epoch `epoch` (it pulls the current weights and starts that epoch).
struct Membership {
  int epoch = 0;
  int num_parts = 1;
  int part_index = 0;
  bool joined = false;
};

class KVStore {
 public:
  virtual ~KVStore() = default;
  const std::string& type() const { return type_; }
  // A store of a parameter-server job ("dist_sync", "dist_async", "dist_sync_device").
  bool is_distributed() const { return type_.rfind("dist", 0) == 0; }
  virtual int rank() const { return 0; }
  virtual int num_workers() const { return 1; }
  // Workers still in the job: fewer than num_workers() after an elastic job lost some.
  virtual int num_live_workers() const { return num_workers(); }

  // Stores a copy of each value; ValueError when a key is initialized twice.
  virtual void Init(const std::vector<int>& keys, const std::vector<NDArray>& values);
  // values[k]: the arrays to sum for keys[k] (same shape; one per device).
  virtual void Push(const std::vector<int>& keys, const std::vector<std::vector<NDArray>>& values,
                    int priority = 0);
  // outs[k]: arrays that receive keys[k]'s stored value.
  virtual void Pull(const std::vector<int>& keys, const std::vector<std::vector<NDArray>>& outs,
                    int priority = 0);
  // Push then Pull of the same keys (a distributed store sends both as one message).
  virtual void PushPull(const std::vector<int>& keys,
                        const std::vector<std::vector<NDArray>>& values,
                        const std::vector<std::vector<NDArray>>& outs, int priority = 0);
  // Updates run on the store from now on; per-key optimizer states live here.
  virtual void SetOptimizer(std::unique_ptr<opt::Optimizer> optimizer);
  opt::Optimizer* optimizer() { return optimizer_.get(); }
  // The per-key optimizer states (for checkpoints).
  std::map<int, std::vector<NDArray>>& optimizer_states() { return states_; }
  virtual void Barrier() {}
  // Compression of pushed gradients, as MXNet's set_gradient_compression: {"type": "2bit",
  // "threshold": "0.5"} (error feedback on the worker) or {"type": "fp16"} (float16 transport
  // with pre-division), or {"type": "none"}; dist stores only (dist/ps/compression.h).
  // ValueError for other stores, unknown keys or bad values.
  virtual void SetGradientCompression(const ParamMap& params);
  // Called by every worker at the end of its epoch (Module::Fit does). dist_sync: a worker that
  // ran out of data stops taking part in the rounds of the others (their updates use the
  // gradients of the workers still training), and all meet at a barrier, so uneven data ends
  // the epoch cleanly instead of waiting forever. Nothing to do for the other stores.
  virtual void EpochEnd() {}
  // Called by every worker before epoch `epoch` (Module::Fit does). Elastic dist_sync jobs meet
  // here: the live workers learn who takes part this epoch, and a replacement worker waits
  // here to be admitted (dist/README.md). Others: this worker's fixed part, nobody waits.
  virtual Membership EpochBegin(int epoch) { return {epoch, num_workers(), rank(), false}; }
  // A worker started to replace a lost one, not yet admitted by EpochBegin: it skips the
  // job's start-up (no initial values, no barriers, no resume) and waits for the next epoch.
  virtual bool is_replacement() const { return false; }
  // Distributed checkpoints (core/module/dist_checkpoint.h). SaveServerShards: worker 0 has
  // every server write its keys' weights, optimizer states, update counts and rounds to
  // `path_prefix`.server<r>.states and returns those paths (other workers: empty).
  // LoadServerShards: worker 0 has the servers load them back, and every worker continues
  // from the loaded rounds. Call both on every worker. NotImplementedError for other stores.
  virtual std::vector<std::string> SaveServerShards(const std::string& path_prefix);
  virtual void LoadServerShards(const std::string& path_prefix);

 protected:
  explicit KVStore(std::string type) : type_(std::move(type)) {}
  // Where sums are formed for a key whose first pushed value lives on `ctx`.
  virtual Context ReduceContext(Context ctx) const = 0;
  // The sum of the values pushed for `key`, as an array on `where` (the stored value's context).
  // Default: copies to `where` and adds there.
  virtual NDArray Reduce(int key, const std::vector<NDArray>& values, Context where) const;
  // Copies the stored value of `key` into every out. Default: one copy each.
  virtual void Broadcast(int key, const NDArray& stored, const std::vector<NDArray>& outs) const;

 private:
  NDArray& Stored(int key, const char* op);
  std::string type_;
  std::map<int, NDArray> store_;
  std::unique_ptr<opt::Optimizer> optimizer_;
  std::map<int, std::vector<NDArray>> states_;
};

// "local", "device", "nccl", "dist_sync", "dist_async", "dist_sync_device" (case-sensitive, as
// MXNet). "nccl" in a build without NCCL: NotImplementedError.
std::unique_ptr<KVStore> Create(const std::string& type = "local");

}  // namespace kv
}  // namespace mx

#endif  // TESSERA_DIST_KVSTORE_KVSTORE_H_
