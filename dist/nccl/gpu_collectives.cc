#include "dist/nccl/gpu_collectives.h"

#include <algorithm>
#include <memory>

#include "core/base/error.h"
#include "core/engine/engine.h"
#include "core/ops/nd_api.h"
#include "dist/nccl/nccl_comm.h"

namespace mx {
namespace nccl {
namespace {

void CheckOnGpus(const std::vector<NDArray>& arrays, const Shape& shape, DType dtype,
                 const std::string& who, const char* what) {
  for (size_t i = 0; i < arrays.size(); ++i) {
    const NDArray& a = arrays[i];
    MX_CHECK_AS(ContextError, a.context().is_gpu())
        << who << ": " << what << " " << i << " is on " << a.context()
        << ", but NCCL reduces and broadcasts arrays on GPUs; move it to a GPU "
        << "(AsInContext(gpu(N))), or use KVStore \"local\" or \"device\" for CPU arrays.";
    MX_CHECK_AS(ShapeError, a.shape() == shape)
        << who << ": " << what << " " << i << " has shape " << a.shape() << " but " << shape
        << " was expected (the shape of the first array).";
    MX_CHECK_AS(TypeError, a.dtype() == dtype)
        << who << ": " << what << " " << i << " is " << a.dtype() << " but " << dtype
        << " was expected (the dtype of the first array); cast it with AsType first.";
  }
}

// The distinct GPUs of `arrays` in the order they first appear, and the arrays on each.
struct ByDevice {
  std::vector<int> devices;
  std::vector<std::vector<size_t>> members;
  int RankOf(int device) const {
    auto it = std::find(devices.begin(), devices.end(), device);
    return it == devices.end() ? -1 : static_cast<int>(it - devices.begin());
  }
};

ByDevice GroupByDevice(const std::vector<NDArray>& arrays) {
  ByDevice g;
  for (size_t i = 0; i < arrays.size(); ++i) {
    int d = arrays[i].context().dev_id;
    int r = g.RankOf(d);
    if (r < 0) {
      g.devices.push_back(d);
      g.members.emplace_back();
      r = static_cast<int>(g.devices.size()) - 1;
    }
    g.members[r].push_back(i);
  }
  return g;
}

void RequireNccl(const std::string& who) {
  MX_CHECK_AS(NotImplementedError, NcclAvailable())
      << who << ": this build of Tessera has no NCCL (it needs CUDA and NCCL at build time); "
      << "use KVStore \"device\" or \"local\".";
}

}  // namespace

NDArray ReduceOnGpus(const std::vector<NDArray>& values, Context root, const std::string& who,
                     int priority) {
  RequireNccl(who);
  MX_CHECK_AS(ValueError, !values.empty()) << who << ": no arrays to sum.";
  CheckOnGpus(values, values[0].shape(), values[0].dtype(), who, "value");
  MX_CHECK_AS(ContextError, root.is_gpu())
      << who << ": the sum goes to " << root << ", but NCCL sums onto a GPU.";
  ByDevice g = GroupByDevice(values);
  // Arrays that share a GPU are summed there first: NCCL has one rank per GPU.
  std::vector<NDArray> partial;
  for (const std::vector<size_t>& m : g.members) {
    if (m.size() == 1) {
      partial.push_back(values[m[0]]);
      continue;
    }
    std::vector<NDArray> same;
    for (size_t i : m) same.push_back(values[i]);
    partial.push_back(nd::SumOn(same, same[0].context()));
  }
  int root_rank = std::max(g.RankOf(root.dev_id), 0);
  Context at = gpu(g.devices[root_rank]);
  NDArray out(values[0].shape(), at, values[0].dtype());
  std::shared_ptr<NcclComm> comm = NcclCommFor(g.devices);
  std::vector<const void*> send;
  std::vector<VarHandle> reads;
  for (const NDArray& p : partial) {
    send.push_back(p.blob().dptr);
    reads.push_back(p.var());
  }
  void* recv = out.blob().dptr;
  size_t count = static_cast<size_t>(out.size());
  DType dtype = out.dtype();
  Engine::Get()->PushSync([comm, send, recv, count, dtype, root_rank](
                              RunContext) { comm->Reduce(send, recv, count, dtype, root_rank); },
                          at, reads, {out.var()}, FnProperty::kNormal, priority, "nccl_reduce");
  return at == root ? out : out.CopyTo(root);
}

void BroadcastOnGpus(const NDArray& src, const std::vector<NDArray>& outs, const std::string& who,
                     int priority) {
  RequireNccl(who);
  if (outs.empty()) return;
  CheckOnGpus({src}, src.shape(), src.dtype(), who, "source");
  CheckOnGpus(outs, src.shape(), src.dtype(), who, "output");
  ByDevice g = GroupByDevice(outs);
  int root_rank = g.RankOf(src.context().dev_id);
  NDArray send = src;
  if (root_rank < 0) {  // src's GPU holds no output: start from a copy on the first one
    send = outs[g.members[0][0]];
    src.CopyTo(send);
    root_rank = 0;
  }
  std::vector<void*> recv;
  std::vector<VarHandle> writes;
  for (const std::vector<size_t>& m : g.members) {
    recv.push_back(outs[m[0]].blob().dptr);
    writes.push_back(outs[m[0]].var());
  }
  std::shared_ptr<NcclComm> comm = NcclCommFor(g.devices);
  const void* from = send.blob().dptr;
  size_t count = static_cast<size_t>(src.size());
  DType dtype = src.dtype();
  Engine::Get()->PushSync([comm, from, recv, count, dtype, root_rank](
                              RunContext) { comm->Broadcast(from, recv, count, dtype, root_rank); },
                          gpu(g.devices[root_rank]), {send.var()}, writes, FnProperty::kNormal,
                          priority, "nccl_broadcast");
  for (const std::vector<size_t>& m : g.members)
    for (size_t j = 1; j < m.size(); ++j) outs[m[0]].CopyTo(outs[m[j]]);
}

}  // namespace nccl
}  // namespace mx
