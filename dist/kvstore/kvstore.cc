#include "dist/kvstore/kvstore.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/base/error.h"
#include "core/base/logging.h"
#include "core/ops/nd_api.h"
#include "dist/kvstore/dist_kvstore.h"
#include "dist/nccl/gpu_collectives.h"
#include "dist/nccl/nccl_comm.h"
#include "dist/ps/roles.h"

namespace mx {
namespace kv {
namespace {

class LocalStore : public KVStore {
 public:
  LocalStore() : KVStore("local") {}

 protected:
  Context ReduceContext(Context) const override { return cpu(); }
};

class DeviceStore : public KVStore {
 public:
  DeviceStore() : KVStore("device") {}

 protected:
  Context ReduceContext(Context ctx) const override { return ctx; }
};

class NcclStore : public KVStore {
 public:
  NcclStore() : KVStore("nccl") {}

 protected:
  Context ReduceContext(Context ctx) const override {
    MX_CHECK_AS(ContextError, ctx.is_gpu())
        << "KVStore 'nccl': Init got a value on " << ctx << ", but this store keeps its values "
        << "on GPUs; initialize it with arrays on a GPU, or use KVStore \"local\" for CPU arrays.";
    return ctx;
  }
  NDArray Reduce(int key, const std::vector<NDArray>& values, Context where) const override {
    return nccl::ReduceOnGpus(values, where, "KVStore 'nccl' Push of key " + std::to_string(key));
  }
  void Broadcast(int key, const NDArray& stored, const std::vector<NDArray>& outs) const override {
    nccl::BroadcastOnGpus(stored, outs, "KVStore 'nccl' Pull of key " + std::to_string(key));
  }
};

void CheckSizes(size_t keys, size_t values, const char* op) {
  MX_CHECK_AS(ValueError, keys == values)
      << "KVStore::" << op << ": " << keys << " keys but " << values << " value lists.";
}

}  // namespace

NDArray& KVStore::Stored(int key, const char* op) {
  auto it = store_.find(key);
  MX_CHECK_AS(ValueError, it != store_.end())
      << "KVStore::" << op << ": key " << key << " was never initialized; call Init first.";
  return it->second;
}

void KVStore::Init(const std::vector<int>& keys, const std::vector<NDArray>& values) {
  CheckSizes(keys.size(), values.size(), "Init");
  for (size_t k = 0; k < keys.size(); ++k) {
    MX_CHECK_AS(ValueError, !store_.count(keys[k]))
        << "KVStore::Init: key " << keys[k] << " is already initialized.";
    store_[keys[k]] = values[k].CopyTo(ReduceContext(values[k].context()));
  }
}

void KVStore::Push(const std::vector<int>& keys, const std::vector<std::vector<NDArray>>& values,
                   int priority) {
  (void)priority;  // pushes are ordered by their engine dependencies
  CheckSizes(keys.size(), values.size(), "Push");
  for (size_t k = 0; k < keys.size(); ++k) {
    NDArray& stored = Stored(keys[k], "Push");
    const std::vector<NDArray>& v = values[k];
    MX_CHECK_AS(ValueError, !v.empty()) << "KVStore::Push: no values for key " << keys[k] << ".";
    for (const NDArray& a : v)
      MX_CHECK_AS(ShapeError, a.shape() == stored.shape())
          << "KVStore::Push: key " << keys[k] << " holds shape " << stored.shape()
          << " but a pushed value has shape " << a.shape() << ".";
    NDArray sum = Reduce(keys[k], v, stored.context());
    if (optimizer_) {
      auto st = states_.find(keys[k]);
      if (st == states_.end())
        st = states_.emplace(keys[k], optimizer_->CreateState(keys[k], stored)).first;
      optimizer_->Update(keys[k], stored, sum, &st->second);
    } else {
      sum.CopyTo(stored);
    }
  }
}

void KVStore::Pull(const std::vector<int>& keys, const std::vector<std::vector<NDArray>>& outs,
                   int priority) {
  (void)priority;
  CheckSizes(keys.size(), outs.size(), "Pull");
  for (size_t k = 0; k < keys.size(); ++k) {
    const NDArray& stored = Stored(keys[k], "Pull");
    for (const NDArray& o : outs[k])
      MX_CHECK_AS(ShapeError, o.shape() == stored.shape())
          << "KVStore::Pull: key " << keys[k] << " holds shape " << stored.shape()
          << " but the output has shape " << o.shape() << ".";
    Broadcast(keys[k], stored, outs[k]);
  }
}

NDArray KVStore::Reduce(int, const std::vector<NDArray>& values, Context where) const {
  return nd::SumOn(values, where);
}

void KVStore::Broadcast(int, const NDArray& stored, const std::vector<NDArray>& outs) const {
  for (const NDArray& o : outs) stored.CopyTo(o);
}

void KVStore::PushPull(const std::vector<int>& keys,
                       const std::vector<std::vector<NDArray>>& values,
                       const std::vector<std::vector<NDArray>>& outs, int priority) {
  Push(keys, values, priority);
  Pull(keys, outs, priority);
}

void KVStore::SetGradientCompression(const ParamMap&) {
  MX_THROW(ValueError) << "KVStore '" << type_ << "' does not compress gradients; compression "
                       << "applies to dist_sync, dist_async and dist_sync_device.";
}

std::vector<std::string> KVStore::SaveServerShards(const std::string&) {
  MX_THROW(NotImplementedError) << "KVStore '" << type_ << "' has no servers to checkpoint.";
}

void KVStore::LoadServerShards(const std::string&) {
  MX_THROW(NotImplementedError) << "KVStore '" << type_ << "' has no servers to restore.";
}

void KVStore::SetOptimizer(std::unique_ptr<opt::Optimizer> optimizer) {
  optimizer_ = std::move(optimizer);
  states_.clear();
}

std::unique_ptr<KVStore> Create(const std::string& type) {
  if (type == "local") return std::make_unique<LocalStore>();
  if (type == "device") return std::make_unique<DeviceStore>();
  if (type == "dist_sync" || type == "dist_async" || type == "dist_sync_device") {
    ps::PsConfig config = ps::ConfigFromEnv();
    if (config.role == ps::Role::kScheduler || config.role == ps::Role::kServer) {
      int code = 0;
      try {
        if (config.role == ps::Role::kScheduler)
          ps::RunScheduler(config);
        else
          ps::RunServer(config);
      } catch (const Error& e) {
        MX_LOG(ERROR) << e.what();
        code = 1;
      }
      std::fflush(stdout);
      std::exit(code);
    }
    MX_CHECK_AS(ValueError, config.role == ps::Role::kWorker)
        << "KVStore type '" << type << "' needs a distributed job: start the program with "
        << "`launch -n WORKERS -s SERVERS -- CMD` (or mpirun), which sets DMLC_ROLE and the "
        << "DMLC_* variables for every process.";
    return CreateDistWorker(type, config);
  }
  if (type == "nccl") {
    MX_CHECK_AS(NotImplementedError, nccl::NcclAvailable())
        << "KVStore type 'nccl' needs CUDA and NCCL, and this build of Tessera has no NCCL; use "
        << "\"device\" or \"local\", or build on a machine with the CUDA toolkit and NCCL.";
    return std::make_unique<NcclStore>();
  }
  MX_THROW(ValueError) << "unknown KVStore type '" << type << "'; use local, device, nccl, "
                       << "dist_sync, dist_async or dist_sync_device.";
}

}  // namespace kv
}  // namespace mx
