#include "core/storage/storage.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "core/base/cuda_check.h"
#include "core/base/env.h"
#include "core/base/error.h"

namespace mx {
namespace {

constexpr size_t kCpuAlignment = 64;

void* CpuAlloc(size_t size) {
  void* p = nullptr;
  if (posix_memalign(&p, kCpuAlignment, size) != 0) return nullptr;
  return p;
}

// The backings set so far (never destroyed) and the one serving cpu_shared allocations now.
std::mutex backing_mu;
std::vector<HostBacking*> backings;
std::atomic<HostBacking*> current_backing{nullptr};

void* SharedAlloc(size_t size) {
  HostBacking* b = current_backing.load(std::memory_order_acquire);
  if (void* p = b ? b->Alloc(size) : nullptr) return p;
  return CpuAlloc(size);
}

void SharedFree(void* p) {
  {
    std::lock_guard<std::mutex> lock(backing_mu);
    for (HostBacking* b : backings)
      if (b->Free(p)) return;
  }
  ::free(p);
}

bool PoolEnabled(const char* var) {
  std::string v = EnvString(var);
  MX_CHECK_AS(ValueError, v == "Naive" || v == "Unpooled" || v == "Round")
      << var << "='" << v << "' is not a pool type; use Naive (pooled) or Unpooled.";
  return v != "Unpooled";
}

std::unique_ptr<PooledAllocator> MakeAllocator(Context ctx) {
  switch (ctx.dev_type) {
    case DeviceType::kCPU:
      return std::make_unique<PooledAllocator>(CpuAlloc, ::free,
                                               PoolEnabled("MXNET_CPU_MEM_POOL_TYPE"));
    case DeviceType::kCPUShared:
      return std::make_unique<PooledAllocator>(SharedAlloc, SharedFree,
                                               PoolEnabled("MXNET_CPU_MEM_POOL_TYPE"));
    case DeviceType::kCPUPinned:
#if MX_USE_CUDA
      if (GpuCount() > 0) {
        return std::make_unique<PooledAllocator>(
            [](size_t size) -> void* {
              void* p = nullptr;
              if (cudaHostAlloc(&p, size, cudaHostAllocPortable) != cudaSuccess) {
                cudaGetLastError();
                return nullptr;
              }
              return p;
            },
            [](void* p) { cudaFreeHost(p); }, PoolEnabled("MXNET_CPU_MEM_POOL_TYPE"));
      }
#endif
      return std::make_unique<PooledAllocator>(CpuAlloc, ::free,
                                               PoolEnabled("MXNET_CPU_MEM_POOL_TYPE"));
    case DeviceType::kGPU: {
      MX_CHECK_AS(ContextError, ctx.dev_id >= 0 && ctx.dev_id < GpuCount())
          << "cannot allocate memory on " << ctx << ": this machine has " << GpuCount()
          << " usable GPU(s)" << (MX_USE_CUDA ? "" : " (Tessera was built without CUDA)")
          << ". Use mx::cpu() or a GPU index below " << GpuCount() << ".";
#if MX_USE_CUDA
      int dev = ctx.dev_id;
      return std::make_unique<PooledAllocator>(
          [dev](size_t size) -> void* {
            void* p = nullptr;
            cudaSetDevice(dev);
            if (cudaMalloc(&p, size) != cudaSuccess) {
              cudaGetLastError();
              return nullptr;
            }
            return p;
          },
          [dev](void* p) {
            cudaSetDevice(dev);
            cudaFree(p);
          },
          PoolEnabled("MXNET_GPU_MEM_POOL_TYPE"));
#endif
    }
  }
  MX_THROW(ContextError) << "unknown device type " << static_cast<int>(ctx.dev_type)
                         << " in context " << ctx << "; valid: cpu, gpu, cpu_pinned.";
}

}  // namespace

Storage* Storage::Get() {
  static Storage* instance = new Storage();  // never destroyed: see header
  return instance;
}

PooledAllocator* Storage::AllocatorFor(Context ctx) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = allocators_[ctx];
  if (!slot) slot = MakeAllocator(ctx);
  return slot.get();
}

StorageHandle Storage::Alloc(size_t size, Context ctx) {
  StorageHandle h;
  h.ctx = ctx;
  h.size = size;
  if (size == 0) return h;
  h.dptr = AllocatorFor(ctx)->Alloc(size);
  MX_CHECK_AS(OutOfMemoryError, h.dptr != nullptr)
      << "out of memory on " << ctx << ": could not allocate " << size
      << " bytes (in use: " << AllocatorFor(ctx)->Stats().bytes_in_use
      << " bytes). Use a smaller batch size or free arrays you no longer need.";
  return h;
}

void Storage::Free(const StorageHandle& handle) {
  if (!handle.dptr) return;
  AllocatorFor(handle.ctx)->Free(handle.dptr, handle.size);
}

void Storage::SetSharedBacking(HostBacking* backing) {
  std::lock_guard<std::mutex> lock(backing_mu);
  if (backing && std::find(backings.begin(), backings.end(), backing) == backings.end())
    backings.push_back(backing);
  current_backing.store(backing, std::memory_order_release);
}

void Storage::ReleaseAll(Context ctx) { AllocatorFor(ctx)->ReleaseAll(); }

StorageStats Storage::Stats(Context ctx) { return AllocatorFor(ctx)->Stats(); }

}  // namespace mx
