#include "core/op/kernel.h"

#include <omp.h>

#include <algorithm>

#include "core/base/env.h"

namespace mx {

int CpuKernelThreads() {
  static const int n = [] {
    int64_t configured = EnvInt("MXNET_OMP_MAX_THREADS");
    if (configured > 0) return static_cast<int>(configured);
    int64_t workers = std::max<int64_t>(1, EnvInt("MXNET_CPU_WORKER_NTHREADS"));
    return static_cast<int>(std::max<int64_t>(1, omp_get_num_procs() / workers));
  }();
  return n;
}

}  // namespace mx
