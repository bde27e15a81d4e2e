// Executor benchmark (issue: Symbol and Executor). Prints BENCH lines (DESIGN.md section 7):
//   memory_*      naive bytes (one buffer per intermediate entry) / planned bytes;
//   overhead_1000 per-operator cost of Forward on 1,000 chained tiny operators against the
//                 same calls made imperatively (mx::nd);
//   seed_kernels  the seed network's forward+backward through the executor against the sum of
//                 its kernels run back to back (ratio = kernel sum / executor time);
//   seed_step     the same training step against PyTorch 1.13 CPU (torch_seed_step.py);
//   seed_infer    the seed network's inference forward (batch chunks on, the default) against
//                 PyTorch's eval-mode forward under no_grad; the same executor with
//                 TESSERA_EXEC_BATCH_CHUNK_KB=0 (whole batches) is timed beside it.
// --quick: smaller shapes and fewer repetitions.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/engine/engine.h"
#include "core/executor/executor_state.h"
#include "core/op/kernel.h"
#include "core/tessera.h"
#include "examples/models/networks.h"
#include "tools/bench/bench_util.h"

namespace {

using bench::MedianSeconds;

// `chunk_kb` < 0: TESSERA_EXEC_BATCH_CHUNK_KB as the environment has it.
mx::Executor Bind(const mx::Symbol& net, const mx::Shape& data, mx::GradReq req,
                  int chunk_kb = -1) {
  const char* env = std::getenv("TESSERA_EXEC_BATCH_CHUNK_KB");
  std::string saved = env ? env : "";
  if (chunk_kb >= 0) setenv("TESSERA_EXEC_BATCH_CHUNK_KB", std::to_string(chunk_kb).c_str(), 1);
  mx::SimpleBindArgs a;
  a.shapes = {{"data", data}};
  a.grad_req = req;
  a.grad_reqs = {{"data", mx::GradReq::kNull}};
  if (net.ListArguments().back() == "softmax_label")
    a.grad_reqs["softmax_label"] = mx::GradReq::kNull;
  mx::Executor e = mx::Executor::SimpleBind(net, mx::cpu(), a);
  if (chunk_kb >= 0)
    env ? setenv("TESSERA_EXEC_BATCH_CHUNK_KB", saved.c_str(), 1)
        : unsetenv("TESSERA_EXEC_BATCH_CHUNK_KB");
  return e;
}

void Memory(const std::string& name, const mx::Symbol& net, const mx::Shape& data,
            mx::GradReq req) {
  mx::MemoryReport r = Bind(net, data, req).memory();
  std::printf("BENCH memory_%s ours=%lld peer=%lld unit=bytes ratio=%.2f peer_name=naive\n",
              name.c_str(), static_cast<long long>(r.planned_bytes),
              static_cast<long long>(r.naive_bytes),
              static_cast<double>(r.naive_bytes) / static_cast<double>(r.planned_bytes));
  std::printf(
      "# memory_%s: data %s, %d run(s) in batch chunks; peak live bytes %lld (no plan with "
      "these chunks and in-place choices goes below); planned/peak %.3f\n",
      name.c_str(), data.ToString().c_str(), r.chunk_runs,
      static_cast<long long>(r.peak_live_bytes),
      static_cast<double>(r.planned_bytes) / static_cast<double>(r.peak_live_bytes));
}

void Overhead(int reps) {
  const int n = 1000;
  mx::Symbol x = mx::sym::Variable("data");
  mx::Symbol y = x;
  for (int i = 0; i < n; ++i) y = y + 1.0;
  mx::Executor e = Bind(y, {1}, mx::GradReq::kNull);
  double ours = MedianSeconds(reps, [&] {
    e.Forward();
    e.outputs()[0].WaitToRead();
  });
  mx::NDArray a = mx::nd::zeros({1});
  double peer = MedianSeconds(reps, [&] {
    mx::NDArray b = a;
    for (int i = 0; i < n; ++i) b = b + 1.0;
    b.WaitToRead();
  });
  std::printf(
      "BENCH overhead_1000_ops ours=%.3f peer=%.3f unit=us_per_op ratio=%.2f "
      "peer_name=tessera_imperative\n",
      ours / n * 1e6, peer / n * 1e6, peer / ours);
}

// Runs every kernel call of the executor back to back on this thread, timing only the calls.
double KernelSum(const mx::Executor::State& s) {
  mx::RunContext rctx{s.ctx, nullptr};
  double total = 0;
  for (const mx::OpCall& call : s.calls) {
    mx::OpContext octx{rctx, true, nullptr};
    if (call.random) continue;
    auto start = std::chrono::steady_clock::now();
    call.fn(*call.attrs, octx, call.in, call.req, call.out);
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  bench::UsePassiveOpenMP(argv);
  try {
    bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    int reps = quick ? 3 : 10;
    int threads = mx::CpuKernelThreads();
    std::printf("# threads=%d\n", threads);
    Memory("seed_train", mx::models::SeedNet(128, true), {8, 3, 28, 28}, mx::GradReq::kWrite);
    // The seed shapes (batch 64 at 28x28, batch 8 at 224x224), and batch 8 at 28x28,
    // whose 3.2 MB intermediates stay under the default chunk target (whole batches).
    Memory("seed_infer", mx::models::SeedNet(128, true), {8, 3, 28, 28}, mx::GradReq::kNull);
    Memory("seed_infer_b64", mx::models::SeedNet(128, true), {64, 3, 28, 28}, mx::GradReq::kNull);
    Memory("seed_infer_224", mx::models::SeedNet(128, true), {8, 3, 224, 224}, mx::GradReq::kNull);
    Memory("resnet20_train", mx::models::ResNet(20, 16, 10), {8, 16, 32, 32}, mx::GradReq::kWrite);
    Memory("resnet20_infer", mx::models::ResNet(20, 16, 10), {8, 16, 32, 32}, mx::GradReq::kNull);
    Overhead(reps);

    int64_t n = quick ? 8 : 64, h = 28;
    mx::Executor e = Bind(mx::models::SeedNet(128, true), {n, 3, h, h}, mx::GradReq::kWrite);
    for (auto& [name, array] : e.arg_dict())
      if (name != "softmax_label") mx::nd::random::uniform(-0.1, 0.1, array.shape()).CopyTo(array);
    // The executor's step and its kernels' sum alternate, so that both see the same machine
    // (this VM's speed drifts by tens of percent over a minute); the medians are compared.
    std::vector<double> steps, sums;
    const mx::Executor::State& s = e.state();
    auto step = [&] {
      e.Forward(true);
      e.Backward();
      mx::Engine::Get()->WaitForAll();
    };
    step();
    KernelSum(s);
    for (int i = 0; i < 2 * reps; ++i) {
      steps.push_back(bench::SecondsOf(step));
      sums.push_back(KernelSum(s));
    }
    double exe = bench::Median(steps), kernels = bench::Median(sums);
    // Inference with the default batch chunks and with whole batches, alternating, on the
    // training executor's weights.
    mx::Executor chunked = Bind(mx::models::SeedNet(128, true), {n, 3, h, h}, mx::GradReq::kNull);
    mx::Executor whole = Bind(mx::models::SeedNet(128, true), {n, 3, h, h}, mx::GradReq::kNull, 0);
    for (mx::Executor* x : {&chunked, &whole})
      for (auto& [name, array] : x->arg_dict()) e.arg_dict().at(name).CopyTo(array);
    std::vector<double> chunked_t, whole_t;
    auto infer = [](mx::Executor* x) {
      return bench::SecondsOf([x] {
        x->Forward(false);
        mx::Engine::Get()->WaitForAll();
      });
    };
    infer(&chunked);
    infer(&whole);
    for (int i = 0; i < 2 * reps; ++i) {
      chunked_t.push_back(infer(&chunked));
      whole_t.push_back(infer(&whole));
    }
    double infer_chunked = bench::Median(chunked_t), infer_whole = bench::Median(whole_t);
    std::printf(
        "BENCH seed_kernels_b%lld ours=%.4g peer=%.4g unit=s ratio=%.3f "
        "peer_name=sum_of_kernels\n",
        static_cast<long long>(n), exe, kernels, kernels / exe);
    std::map<std::string, double> torch = bench::RunTorchPeer(
        "torch_seed_step.py", std::to_string(n) + " " + std::to_string(h) + " " +
                                  std::to_string(threads) + " " + std::to_string(reps));
    if (torch.count("seed_step")) {
      std::printf(
          "BENCH seed_step_b%lld ours=%.4g peer=%.4g unit=s ratio=%.3f "
          "peer_name=pytorch_1.13_cpu\n",
          static_cast<long long>(n), exe, torch["seed_step"], torch["seed_step"] / exe);
      if (torch.count("seed_infer")) {
        std::printf(
            "BENCH seed_infer_b%lld ours=%.4g peer=%.4g unit=s ratio=%.3f "
            "peer_name=pytorch_1.13_cpu_eval_no_grad\n",
            static_cast<long long>(n), infer_chunked, torch["seed_infer"],
            torch["seed_infer"] / infer_chunked);
      }
      std::printf(
          "# seed_infer b%lld: %d run(s) in batch chunks, %.4g s; whole batches "
          "(TESSERA_EXEC_BATCH_CHUNK_KB=0) %.4g s; whole/chunked %.3f\n",
          static_cast<long long>(n), chunked.memory().chunk_runs, infer_chunked, infer_whole,
          infer_whole / infer_chunked);
      mx::MemoryReport r = e.memory();
      std::printf(
          "# seed b%lld: executor plans %lld intermediate bytes; PyTorch peak RSS grew "
          "%lld bytes during its steps (not comparable quantities, both shown)\n",
          static_cast<long long>(n), static_cast<long long>(r.planned_bytes),
          static_cast<long long>(torch["seed_peak_rss_delta"]));
    } else {
      std::printf("# PyTorch peer unavailable (python3-torch not installed?)\n");
    }
  } catch (const mx::Error& err) {
    std::fprintf(stderr, "executor_bench: %s\n", err.what());
    return 1;
  }
  return 0;
}
