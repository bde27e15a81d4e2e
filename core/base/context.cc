#include "core/base/context.h"

#include <sstream>

#include "core/base/cuda_check.h"

namespace mx {

const char* DeviceTypeName(DeviceType t) {
  switch (t) {
    case DeviceType::kCPU:
      return "cpu";
    case DeviceType::kGPU:
      return "gpu";
    case DeviceType::kCPUPinned:
      return "cpu_pinned";
    case DeviceType::kCPUShared:
      return "cpu_shared";
  }
  return "unknown";
}

std::string Context::ToString() const {
  std::ostringstream os;
  os << DeviceTypeName(dev_type) << '(' << dev_id << ')';
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Context& c) { return os << c.ToString(); }

int GpuCount() {
#if MX_USE_CUDA
  static const int count = [] {
    int n = 0;
    // No driver or no device: report 0 devices, never fail.
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
      cudaGetLastError();
      return 0;
    }
    return n;
  }();
  return count;
#else
  return 0;
#endif
}

}  // namespace mx
