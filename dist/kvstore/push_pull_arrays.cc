#include "dist/kvstore/push_pull_arrays.h"

#include <string>

#include "core/base/error.h"
#include "core/ops/nd_api.h"
#include "dist/nccl/gpu_collectives.h"
#include "dist/nccl/nccl_comm.h"

namespace mx {
namespace kv {

NDArray SumOnCpu(const char* op, int key, const Shape& shape, const std::vector<NDArray>& values,
                 bool on_device) {
  MX_CHECK_AS(ValueError, !values.empty())
      << "KVStore::" << op << ": no values for key " << key << ".";
  for (const NDArray& a : values)
    MX_CHECK_AS(ShapeError, a.shape() == shape)
        << "KVStore::" << op << ": key " << key << " holds shape " << shape
        << " but a pushed value has shape " << a.shape() << ".";
  Context where = on_device ? values[0].context() : cpu();
  NDArray sum = values[0];
  bool all_gpu = true;
  for (const NDArray& a : values) all_gpu = all_gpu && a.context().is_gpu();
  if (values.size() > 1 && on_device && all_gpu && nccl::NcclAvailable()) {
    sum = nccl::ReduceOnGpus(values, where,
                             "KVStore::" + std::string(op) + " of key " + std::to_string(key));
  } else if (values.size() > 1) {
    sum = nd::SumOn(values, where);
  }
  if (!sum.context().is_host()) sum = sum.CopyTo(cpu());  // cpu_shared stays: no copy
  return sum;
}

std::vector<VarHandle> PullTargets::Vars(VarHandle first) const {
  std::vector<VarHandle> v = {first};
  for (const NDArray& t : targets) v.push_back(t.var());
  return v;
}

void PullTargets::CopyStaged() const {
  for (const NDArray& o : staged) stage.CopyTo(o);
}

PullTargets SplitPullOutputs(const char* op, int key, const Shape& shape, DType dtype,
                             const std::vector<NDArray>& outs) {
  PullTargets t;
  for (const NDArray& o : outs) {
    MX_CHECK_AS(ShapeError, o.shape() == shape)
        << "KVStore::" << op << ": key " << key << " holds shape " << shape
        << " but the output has shape " << o.shape() << ".";
    if (o.context() == cpu() && o.dtype() == dtype) {
      t.targets.push_back(o);
    } else {
      if (t.staged.empty()) {
        t.stage = NDArray(shape, cpu(), dtype);
        t.targets.push_back(t.stage);
      }
      t.staged.push_back(o);
    }
  }
  return t;
}

}  // namespace kv
}  // namespace mx
