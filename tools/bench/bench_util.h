// Shared benchmark helpers: the median wall time of repeated runs, after one warm-up run, and
// the thread configuration our side runs in.
#ifndef TESSERA_TOOLS_BENCH_BENCH_UTIL_H_
#define TESSERA_TOOLS_BENCH_BENCH_UTIL_H_

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace bench {

// The median of `t` (the upper one of an even count).
inline double Median(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// Wall time of one call of `fn`.
inline double SecondsOf(const std::function<void()>& fn) {
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The median of `min_reps` timed runs after one warm-up run, or of enough runs to fill about
// `min_seconds` (at most 2000, never fewer than `min_reps`), judged by the first timed run: a layer
// of 70 us gets as steady a median as one of 100 ms. The warm-up runs for min_seconds / 2 (at least
// once): in some processes the first few tenths of a second run 2-3x slower (lenet_conv20 on the
// threaded engine: 8-12 ms a step, then 4 ms; as slow as with the process pinned to one core, so
// the likely cause is a new OpenMP team not yet spread over the cores). torch_layers.py's
// median_time does the same.
inline double MedianSecondsFor(int min_reps, double min_seconds, const std::function<void()>& fn) {
  double warm = 0;
  do {
    warm += SecondsOf(fn);
  } while (warm < min_seconds / 2);
  std::vector<double> t = {SecondsOf(fn)};
  int reps = min_reps;
  if (t[0] > 0) reps = std::max(min_reps, static_cast<int>(std::min(2000.0, min_seconds / t[0])));
  while (static_cast<int>(t.size()) < reps) t.push_back(SecondsOf(fn));
  return Median(t);
}

// The median of `reps` timed runs after one warm-up run.
inline double MedianSeconds(int reps, const std::function<void()>& fn) {
  return MedianSecondsFor(reps, 0, fn);
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

// Runs the shell command `cmd` (a peer measured in the same run) and returns the
// "<key> <number>" lines it prints, up to the first other line; empty when it cannot run.
inline std::map<std::string, double> RunPeerCommand(const std::string& cmd) {
  std::map<std::string, double> out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char key[128];
  double v;
  while (std::fscanf(p, "%127s %lf", key, &v) == 2) out[key] = v;
  pclose(p);
  return out;
}

// OpenBLAS 0.3.21 does not recognise some virtual CPUs and then runs its Prescott (SSE3)
// kernels: PyTorch's fully connected layers were 3-4x slower so on this VM. The peer gets the
// core type its CPU's flags allow ("SkylakeX" with AVX-512, "Haswell" with AVX2 and FMA), unless
// OPENBLAS_CORETYPE is set already; "" when neither applies.
inline std::string OpenBlasCoreType() {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return "";
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    auto has = [&](const char* f) {
      return (line + " ").find(std::string(" ") + f + " ") != std::string::npos;
    };
    if (has("avx512f") && has("avx512cd") && has("avx512bw") && has("avx512dq") && has("avx512vl"))
      return "SkylakeX";
    if (has("avx2") && has("fma")) return "Haswell";
    return "";
  }
  return "";
}

// Runs the PyTorch peer tools/bench/<script> with `args` in its tuned configuration (jemalloc,
// OPENBLAS_NUM_THREADS=1, OpenBlasCoreType; see ../shared/docs/benchmarking.md) and returns its
// "<key> <number>" lines; empty when python3 or torch is missing.
inline std::map<std::string, double> RunTorchPeer(const std::string& script,
                                                  const std::string& args) {
  std::string path = "tools/bench/" + script;
  if (const char* dir = std::getenv("BUILD_WORKSPACE_DIRECTORY"))
    path = std::string(dir) + "/" + path;
  // TESSERA_PEER_PYTHON names another interpreter (a GPU machine's PyTorch venv); it runs
  // without the jemalloc preload that the Debian CPU peer is tuned with.
  const char* python = std::getenv("TESSERA_PEER_PYTHON");
  if (!python && std::system("ldconfig -p | grep -q 'libjemalloc.so.2 '") != 0)
    std::fprintf(stderr,
                 "# peer: libjemalloc.so.2 is not installed (apt-get install libjemalloc2): "
                 "PyTorch runs with glibc's malloc, not in its tuned configuration\n");
  std::string core = OpenBlasCoreType();
  std::string blas =
      "OPENBLAS_NUM_THREADS=1 " + (core.empty() ? "" : "OPENBLAS_CORETYPE=" + core + " ");
  std::string cmd = python
                        ? blas + python + " " + path + " " + args
                        : "LD_PRELOAD=libjemalloc.so.2 MALLOC_CONF=retain:true,dirty_decay_ms:-1,"
                          "muzzy_decay_ms:-1 " +
                              blas + "/usr/bin/python3 " + path + " " + args;
  return RunPeerCommand(cmd);
}

}  // namespace bench

#endif  // TESSERA_TOOLS_BENCH_BENCH_UTIL_H_
