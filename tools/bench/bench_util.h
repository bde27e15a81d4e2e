// Shared benchmark helpers: the median wall time of repeated runs, after one warm-up run, and
// the thread configuration our side runs in.
#ifndef TESSERA_TOOLS_BENCH_BENCH_UTIL_H_
#define TESSERA_TOOLS_BENCH_BENCH_UTIL_H_

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <vector>

namespace bench {

inline double MedianSeconds(int reps, const std::function<void()>& fn) {
  std::vector<double> t;
  fn();  // warm-up
  for (int i = 0; i < reps; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// OpenMP (our kernels, oneDNN) and OpenBLAS keep separate thread pools; with libgomp's
// default spinning they steal each other's cores on small machines. Our tuned configuration
// is OMP_WAIT_POLICY=passive (the peer gets its own: jemalloc, OPENBLAS_NUM_THREADS=1). The
// policy is read when libgomp loads, so the benchmark re-executes itself once with it set;
// a value the user set is kept.
inline void UsePassiveOpenMP(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  setenv("OMP_WAIT_POLICY", "passive", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
}

}  // namespace bench

#endif  // TESSERA_TOOLS_BENCH_BENCH_UTIL_H_
