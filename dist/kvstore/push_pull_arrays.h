// The arrays a distributed store's push and pull work on, checked against the key: the pushed
// values (one per device) summed into one CPU array, and a pull's outputs split into the CPU
// arrays of the key's dtype that the receiver fills and the others, which get a copy of a
// staging array once it is filled.
#ifndef TESSERA_DIST_KVSTORE_PUSH_PULL_ARRAYS_H_
#define TESSERA_DIST_KVSTORE_PUSH_PULL_ARRAYS_H_

#include <vector>

#include "core/engine/engine.h"
#include "core/ndarray/ndarray.h"

namespace mx {
namespace kv {

// The sum of `values` (shape `shape` each; ShapeError otherwise, ValueError when empty),
// reduced on the first value's device when `on_device` (through NCCL when every value is on a
// GPU: dist_sync_device), else on the CPU, and returned on the CPU. `op` and `key` name the call in
// errors ("KVStore::Push: key 3 ...").
NDArray SumOnCpu(const char* op, int key, const Shape& shape, const std::vector<NDArray>& values,
                 bool on_device);

struct PullTargets {
  std::vector<NDArray> targets;  // filled by the receiver: CPU arrays of the key's dtype
  std::vector<NDArray> staged;   // the other outputs
  NDArray stage;                 // one of `targets` when `staged` is not empty
  // `first` (the key's comm var) and the targets' vars: what the pull writes.
  std::vector<VarHandle> Vars(VarHandle first) const;
  // After the pull: the staged outputs get the stage's values.
  void CopyStaged() const;
};
// `outs` split for a key of `shape` and `dtype` (ShapeError for an output of another shape).
PullTargets SplitPullOutputs(const char* op, int key, const Shape& shape, DType dtype,
                             const std::vector<NDArray>& outs);

}  // namespace kv
}  // namespace mx

#endif  // TESSERA_DIST_KVSTORE_PUSH_PULL_ARRAYS_H_
