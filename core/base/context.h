// Context: the device an array or operation lives on (MXNet's Context). Device type ids are
// MXNet's: cpu=1, gpu=2, cpu_pinned=3, cpu_shared=5. Prints as "cpu(0)", "gpu(1)".
// Value type; GpuCount() is thread-safe.
#ifndef TESSERA_CORE_BASE_CONTEXT_H_
#define TESSERA_CORE_BASE_CONTEXT_H_

#include <ostream>
#include <string>

namespace mx {

enum class DeviceType : int { kCPU = 1, kGPU = 2, kCPUPinned = 3, kCPUShared = 5 };

struct Context {
  DeviceType dev_type = DeviceType::kCPU;
  int dev_id = 0;

  bool is_gpu() const { return dev_type == DeviceType::kGPU; }
  // True for every context whose memory the host can read directly.
  bool is_host() const { return dev_type != DeviceType::kGPU; }
  std::string ToString() const;
  bool operator==(const Context& o) const { return dev_type == o.dev_type && dev_id == o.dev_id; }
  bool operator!=(const Context& o) const { return !(*this == o); }
  bool operator<(const Context& o) const {
    return dev_type != o.dev_type ? dev_type < o.dev_type : dev_id < o.dev_id;
  }
};

inline Context cpu(int id = 0) { return {DeviceType::kCPU, id}; }
inline Context gpu(int id = 0) { return {DeviceType::kGPU, id}; }
inline Context cpu_pinned(int id = 0) { return {DeviceType::kCPUPinned, id}; }
// Host memory a parameter server of this machine reads without a copy while a dist worker
// runs (core/storage/storage.h); plain host memory otherwise.
inline Context cpu_shared(int id = 0) { return {DeviceType::kCPUShared, id}; }

// Name for a device type: "cpu", "gpu", "cpu_pinned", "cpu_shared".
const char* DeviceTypeName(DeviceType t);
std::ostream& operator<<(std::ostream& os, const Context& c);

// Number of usable CUDA devices: 0 in a CPU-only build or on a machine without a GPU.
int GpuCount();

}  // namespace mx

#endif  // TESSERA_CORE_BASE_CONTEXT_H_
