// NDArray benchmarks against peers measured in the same run (DESIGN.md §7):
//   dot NxN (float32) vs a direct cblas_sgemm into a preallocated buffer;
//   element-wise add of 64 MB arrays vs memcpy bandwidth (bytes moved per second);
//   engine overhead per tiny op (push to completion) vs a direct function call.
// Prints BENCH lines; ratio > 1 means Tessera is better. Times are medians of repeated runs.
#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include "core/engine/engine.h"
#include "core/tessera.h"
#include "tools/bench/bench_util.h"

namespace {

using bench::MedianSeconds;

void Bench(const char* name, double ours, double peer, const char* unit, double ratio,
           const char* peer_name) {
  std::printf("BENCH %s ours=%.4g peer=%.4g unit=%s ratio=%.3f peer_name=%s\n", name, ours, peer,
              unit, ratio, peer_name);
  std::fflush(stdout);
}

void BenchDot(int n) {
  mx::NDArray a = mx::nd::random::uniform(-1, 1, {n, n});
  mx::NDArray b = mx::nd::random::uniform(-1, 1, {n, n});
  int reps = n <= 1024 ? 20 : 6;
  double ours = MedianSeconds(reps, [&] { mx::nd::dot(a, b).WaitToRead(); });
  std::vector<float> x = a.ToVector<float>(), y = b.ToVector<float>(), z(size_t(n) * n);
  double peer = MedianSeconds(reps, [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, x.data(), n, y.data(), n,
                0.0f, z.data(), n);
  });
  double flops = 2.0 * n * n * n;
  char name[64];
  std::snprintf(name, sizeof(name), "dot_%dx%d_f32", n, n);
  Bench(name, flops / ours / 1e9, flops / peer / 1e9, "GFLOP/s", peer / ours, "cblas_sgemm");
}

void BenchAdd() {
  const int64_t n = 16 << 20;  // 64 MB of float32
  mx::NDArray a = mx::nd::ones({n}), b = mx::nd::ones({n});
  double ours = MedianSeconds(10, [&] { (a + b).WaitToRead(); });
  std::vector<char> src(n * 4, 1), dst(n * 4, 0);
  double peer = MedianSeconds(10, [&] { std::memcpy(dst.data(), src.data(), src.size()); });
  double ours_bw = 3.0 * n * 4 / ours / 1e9;  // read a, read b, write out
  double peer_bw = 2.0 * n * 4 / peer / 1e9;  // read src, write dst
  Bench("elemwise_add_64MB_f32", ours_bw, peer_bw, "GB/s", ours_bw / peer_bw, "memcpy");
}

int direct_counter = 0;
__attribute__((noinline)) void TinyFn(int* c) { ++*c; }

void BenchEngineOverhead() {
  mx::Engine* engine = mx::Engine::Get();
  const int kOps = 20000;
  mx::VarHandle var = engine->NewVariable();
  int counter = 0;
  double ours = MedianSeconds(5, [&] {
    for (int i = 0; i < kOps; ++i)
      engine->PushSync([&counter](mx::RunContext) { TinyFn(&counter); }, mx::cpu(), {}, {var});
    engine->WaitForAll();
  });
  double peer = MedianSeconds(5, [&] {
    for (int i = 0; i < kOps; ++i) TinyFn(&direct_counter);
  });
  engine->DeleteVariable(nullptr, mx::cpu(), var);
  double ours_us = ours / kOps * 1e6, peer_us = peer / kOps * 1e6;
  Bench("engine_tiny_op_overhead", ours_us, peer_us, "us/op", peer_us / ours_us,
        "direct_function_call");
}

}  // namespace

int main(int, char** argv) {
  bench::UsePassiveOpenMP(argv);
  try {
    std::printf("# engine=%s\n", mx::Engine::Get()->Type().c_str());
    BenchDot(1024);
    BenchDot(2048);
    BenchAdd();
    BenchEngineOverhead();
  } catch (const mx::Error& e) {
    std::fprintf(stderr, "ndarray_bench failed: %s\n", e.what());
    return 1;
  }
  return 0;
}
