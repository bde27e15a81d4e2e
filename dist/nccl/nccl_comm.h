// NcclComm: NCCL communicators over a fixed set of distinct GPUs of this process (one rank per
// GPU, ncclCommInitAll), each rank with its own CUDA stream, and the two collectives the KVStores
// need: Reduce (sum onto one rank) and Broadcast (one rank's buffer to every rank). Both block
// the calling thread until the collective is done on every GPU, so an engine function that calls
// them is complete when it returns. Every NCCL and CUDA call is checked; a failure throws
// mx::Error with NCCL's error string.
//
// Thread safety: the collectives of one communicator are serialized by its mutex (NCCL needs the
// ranks' calls of one collective to be issued together). NcclCommFor is thread-safe.
// In a build without CUDA or NCCL (third_party/cuda: MX_USE_NCCL), NcclAvailable() is false and
// NcclCommFor throws NotImplementedError.
#ifndef TESSERA_DIST_NCCL_NCCL_COMM_H_
#define TESSERA_DIST_NCCL_NCCL_COMM_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/base/dtype.h"

namespace mx {
namespace nccl {

// True when this build has CUDA and NCCL (it may still find no GPU at run time).
bool NcclAvailable();

class NcclComm {
 public:
  // One rank per entry of `devices` (distinct CUDA device ids; rank r is devices[r]).
  explicit NcclComm(std::vector<int> devices);
  ~NcclComm();
  NcclComm(const NcclComm&) = delete;
  NcclComm& operator=(const NcclComm&) = delete;

  const std::vector<int>& devices() const { return devices_; }
  // recv (on rank `root`) = sum over ranks r of send[r]; `count` elements of `dtype` each.
  void Reduce(const std::vector<const void*>& send, void* recv, size_t count, DType dtype,
              int root);
  // recv[r] = send (on rank `root`) for every rank r; recv[root] may equal send.
  void Broadcast(const void* send, const std::vector<void*>& recv, size_t count, DType dtype,
                 int root);

 private:
  void OnEveryRank(const std::function<void(size_t)>& enqueue);
  std::vector<int> devices_;
  std::vector<void*> comms_;    // ncclComm_t per rank
  std::vector<void*> streams_;  // cudaStream_t per rank
  std::mutex mu_;
};

// The process's communicator over `devices` (in that order), made on first use and kept for the
// life of the process (as the engine is). ValueError for an empty list or a repeated device.
std::shared_ptr<NcclComm> NcclCommFor(const std::vector<int>& devices);

}  // namespace nccl
}  // namespace mx

#endif  // TESSERA_DIST_NCCL_NCCL_COMM_H_
