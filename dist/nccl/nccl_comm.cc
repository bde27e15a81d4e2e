#include "dist/nccl/nccl_comm.h"

#include <algorithm>
#include <functional>
#include <map>
#include <utility>

#include "core/base/cuda_check.h"
#include "core/base/error.h"

#ifndef MX_USE_NCCL
#define MX_USE_NCCL 0
#endif

#if MX_USE_CUDA && MX_USE_NCCL
#include <nccl.h>

#define MX_NCCL_CALL(call)                                                                  \
  do {                                                                                      \
    ncclResult_t mx_nccl_err_ = (call);                                                     \
    if (mx_nccl_err_ != ncclSuccess) {                                                      \
      MX_THROW(Error) << "NCCL call " #call " failed: " << ncclGetErrorString(mx_nccl_err_) \
                      << " (" << __FILE__ << ":" << __LINE__ << ")";                        \
    }                                                                                       \
  } while (0)
#endif

namespace mx {
namespace nccl {
namespace {

#if MX_USE_CUDA && MX_USE_NCCL
ncclDataType_t NcclType(DType t) {
  switch (t) {
    case kFloat32:
      return ncclFloat32;
    case kFloat64:
      return ncclFloat64;
    case kFloat16:
      return ncclFloat16;
    case kUint8:
      return ncclUint8;
    case kInt8:
      return ncclInt8;
    case kInt32:
      return ncclInt32;
    case kInt64:
      return ncclInt64;
    case kUint32:
      return ncclUint32;
    case kUint64:
      return ncclUint64;
    case kBfloat16:
      return ncclBfloat16;
    default:
      break;
  }
  MX_THROW(TypeError)
      << "NCCL cannot sum arrays of dtype " << t << "; cast them (AsType) to "
      << "float32, float64, float16, bfloat16 or an 8/32/64-bit integer type first.";
}

// Restores the calling thread's current CUDA device when it goes out of scope.
class DeviceGuard {
 public:
  DeviceGuard() { MX_CUDA_CALL(cudaGetDevice(&saved_)); }
  ~DeviceGuard() { cudaSetDevice(saved_); }

 private:
  int saved_ = 0;
};
#endif

}  // namespace

bool NcclAvailable() { return MX_USE_CUDA && MX_USE_NCCL; }

#if MX_USE_CUDA && MX_USE_NCCL
NcclComm::NcclComm(std::vector<int> devices) : devices_(std::move(devices)) {
  DeviceGuard guard;
  std::vector<ncclComm_t> comms(devices_.size());
  MX_NCCL_CALL(ncclCommInitAll(comms.data(), static_cast<int>(devices_.size()), devices_.data()));
  for (size_t r = 0; r < devices_.size(); ++r) {
    comms_.push_back(comms[r]);
    MX_CUDA_CALL(cudaSetDevice(devices_[r]));
    cudaStream_t s = nullptr;
    MX_CUDA_CALL(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    streams_.push_back(s);
  }
}

NcclComm::~NcclComm() {
  DeviceGuard guard;
  for (size_t r = 0; r < devices_.size(); ++r) {
    cudaSetDevice(devices_[r]);
    if (r < streams_.size()) cudaStreamDestroy(static_cast<cudaStream_t>(streams_[r]));
    ncclCommDestroy(static_cast<ncclComm_t>(comms_[r]));
  }
}

// One collective: `enqueue(r)` issues rank r's part on its stream, every rank inside one NCCL
// group (so a single thread can drive all the GPUs); then waits for every stream.
void NcclComm::OnEveryRank(const std::function<void(size_t)>& enqueue) {
  std::lock_guard<std::mutex> lock(mu_);
  DeviceGuard guard;
  MX_NCCL_CALL(ncclGroupStart());
  try {
    for (size_t r = 0; r < devices_.size(); ++r) {
      MX_CUDA_CALL(cudaSetDevice(devices_[r]));
      enqueue(r);
    }
  } catch (...) {
    ncclGroupEnd();
    throw;
  }
  MX_NCCL_CALL(ncclGroupEnd());
  for (size_t r = 0; r < devices_.size(); ++r)
    MX_CUDA_CALL(cudaStreamSynchronize(static_cast<cudaStream_t>(streams_[r])));
}

void NcclComm::Reduce(const std::vector<const void*>& send, void* recv, size_t count, DType dtype,
                      int root) {
  MX_CHECK(send.size() == devices_.size() && root >= 0 && root < static_cast<int>(send.size()))
      << "NcclComm::Reduce: " << send.size() << " buffers for " << devices_.size()
      << " ranks, root " << root << " (a bug in the caller).";
  ncclDataType_t type = NcclType(dtype);
  OnEveryRank([&](size_t r) {
    MX_NCCL_CALL(ncclReduce(send[r], static_cast<int>(r) == root ? recv : nullptr, count, type,
                            ncclSum, root, static_cast<ncclComm_t>(comms_[r]),
                            static_cast<cudaStream_t>(streams_[r])));
  });
}

void NcclComm::Broadcast(const void* send, const std::vector<void*>& recv, size_t count,
                         DType dtype, int root) {
  MX_CHECK(recv.size() == devices_.size() && root >= 0 && root < static_cast<int>(recv.size()))
      << "NcclComm::Broadcast: " << recv.size() << " buffers for " << devices_.size()
      << " ranks, root " << root << " (a bug in the caller).";
  ncclDataType_t type = NcclType(dtype);
  OnEveryRank([&](size_t r) {
    MX_NCCL_CALL(ncclBroadcast(static_cast<int>(r) == root ? send : nullptr, recv[r], count, type,
                               root, static_cast<ncclComm_t>(comms_[r]),
                               static_cast<cudaStream_t>(streams_[r])));
  });
}
#else
NcclComm::NcclComm(std::vector<int> devices) : devices_(std::move(devices)) {
  MX_THROW(NotImplementedError) << "this build of Tessera has no NCCL; build on a machine with "
                                << "the CUDA toolkit and NCCL, or use KVStore \"local\" or "
                                << "\"device\".";
}
NcclComm::~NcclComm() = default;
void NcclComm::OnEveryRank(const std::function<void(size_t)>&) {}
void NcclComm::Reduce(const std::vector<const void*>&, void*, size_t, DType, int) {}
void NcclComm::Broadcast(const void*, const std::vector<void*>&, size_t, DType, int) {}
#endif

std::shared_ptr<NcclComm> NcclCommFor(const std::vector<int>& devices) {
  MX_CHECK_AS(ValueError, !devices.empty()) << "NCCL: a communicator needs at least one GPU.";
  std::vector<int> sorted = devices;
  std::sort(sorted.begin(), sorted.end());
  MX_CHECK_AS(ValueError, std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end())
      << "NCCL: a communicator has one rank per GPU, but a device is listed twice; sum the "
      << "arrays of one GPU on that GPU first.";
  static std::mutex mu;
  // Kept for the life of the process: destroying communicators at exit races CUDA's shutdown.
  static auto* cache = new std::map<std::vector<int>, std::shared_ptr<NcclComm>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(devices);
  if (it == cache->end()) it = cache->emplace(devices, std::make_shared<NcclComm>(devices)).first;
  return it->second;
}

}  // namespace nccl
}  // namespace mx
