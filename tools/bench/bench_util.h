// Shared benchmark helpers: the median wall time of repeated runs, after one warm-up run.
#ifndef TESSERA_TOOLS_BENCH_BENCH_UTIL_H_
#define TESSERA_TOOLS_BENCH_BENCH_UTIL_H_

#include <algorithm>
#include <chrono>
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

}  // namespace bench

#endif  // TESSERA_TOOLS_BENCH_BENCH_UTIL_H_
