// Reduce and broadcast of NDArrays across the GPUs of this process, through NCCL (nccl_comm.h),
// as engine operations: both return at once, and reads of the results wait for the work.
// Arrays of one GPU are first summed (or copied) on that GPU with device operations, so several
// contexts on one GPU (gpu(0), gpu(0)) work too; the GPUs are then joined by one NCCL collective
// over the distinct devices, in the order they first appear (a fixed order: the same inputs give
// the same bits).
//
// Errors (thrown at the call): ContextError for an array not on a GPU, TypeError for mixed
// dtypes, ShapeError for mixed shapes; `who` opens each message ("KVStore 'nccl' Push").
// NotImplementedError in a build without NCCL. Thread-safe as the engine is.
#ifndef TESSERA_DIST_NCCL_GPU_COLLECTIVES_H_
#define TESSERA_DIST_NCCL_GPU_COLLECTIVES_H_

#include <string>
#include <vector>

#include "core/ndarray/ndarray.h"

namespace mx {
namespace nccl {

// A new array on GPU `root` holding the element-wise sum of `values` (at least one).
NDArray ReduceOnGpus(const std::vector<NDArray>& values, Context root, const std::string& who,
                     int priority = 0);
// Copies `src` (on a GPU) into every array of `outs` (on GPUs, src's shape and dtype).
void BroadcastOnGpus(const NDArray& src, const std::vector<NDArray>& outs, const std::string& who,
                     int priority = 0);

}  // namespace nccl
}  // namespace mx

#endif  // TESSERA_DIST_NCCL_GPU_COLLECTIVES_H_
