// Training benchmark (issue: Module). Prints BENCH lines (DESIGN.md section 7): samples per
// second of SGD training steps (Module Forward, Backward, Update) of the seed network (batch 8,
// 3x224x224) and LeNet (batch 64, 1x28x28) against PyTorch 1.13 CPU (torch_train_step.py,
// same layers, same thread count) measured in the same run, and the growth of each process's
// peak RSS over setup and steps (each model runs in its own process on both sides); the
// medians of five alternating runs of each side (one with --quick).
// With --gpu both sides train on the GPU (Module on gpu(0); PyTorch on cuda, TF32 off,
// TESSERA_PEER_PYTHON names the Python with CUDA PyTorch) and the memory figure is the peak
// of device bytes allocated (Tessera's gpu(0) storage; torch.cuda.max_memory_allocated).
//   train_bench [--quick] [--gpu]  (or --one seed|lenet REPS [gpu]: one model, raw figures)
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "core/engine/engine.h"
#include "core/op/kernel.h"
#include "core/storage/storage.h"
#include "core/tessera.h"
#include "tools/bench/bench_util.h"

namespace {

long PeakRssBytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss * 1024L;
}

mx::Symbol Model(const std::string& name, mx::Shape* data, int* classes) {
  namespace sym = mx::sym;
  mx::Symbol x = sym::Variable("data");
  if (name == "seed") {
    *data = mx::Shape({8, 3, 224, 224});
    *classes = 2;
    x = sym::Convolution(x, {{"num_filter", 128}, {"kernel", {3, 3}}, {"pad", {1, 1}}}, "conv1");
    x = sym::Activation(sym::BatchNorm(x, {}, "bn1"), {{"act_type", "relu"}}, "relu1");
    x = sym::Pooling(x, {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}}, "pool1");
    x = sym::FullyConnected(x, {{"num_hidden", 2}}, "fc1");
  } else {
    *data = mx::Shape({64, 1, 28, 28});
    *classes = 10;
    x = sym::Activation(sym::Convolution(x, {{"kernel", {5, 5}}, {"num_filter", 20}}, "c1"),
                        {{"act_type", "tanh"}}, "t1");
    x = sym::Pooling(x, {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}}, "p1");
    x = sym::Activation(sym::Convolution(x, {{"kernel", {5, 5}}, {"num_filter", 50}}, "c2"),
                        {{"act_type", "tanh"}}, "t2");
    x = sym::Pooling(x, {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}}, "p2");
    x = sym::Activation(sym::FullyConnected(x, {{"num_hidden", 500}}, "f1"), {{"act_type", "tanh"}},
                        "t3");
    x = sym::FullyConnected(x, {{"num_hidden", 10}}, "f2");
  }
  return sym::SoftmaxOutput(x, {}, "softmax");
}

// One model in this process: "<samples/s> <peak RSS growth>".
int One(const std::string& name, int reps, bool on_gpu) {
  long rss0 = PeakRssBytes();
  mx::Context ctx = on_gpu ? mx::gpu(0) : mx::cpu();
  mx::Shape shape;
  int classes = 0;
  mx::Symbol net = Model(name, &shape, &classes);
  mx::mod::Module mod(net, {ctx});
  mod.Bind({{"data", shape}}, {{"softmax_label", {shape[0]}}});
  mod.InitParams();
  mod.InitOptimizer();
  mx::NDArray x = mx::nd::random::uniform(0, 1, shape);
  mx::NDArray y = mx::nd::round(mx::nd::random::uniform(0, classes - 1, {shape[0]}));
  mx::io::DataBatch batch({x}, {y});
  double secs = bench::MedianSeconds(reps, [&] {
    mod.Forward(batch);
    mod.Backward();
    mod.Update();
    mx::Engine::Get()->WaitForAll();
  });
  double memory = on_gpu ? static_cast<double>(mx::Storage::Get()->Stats(ctx).peak_bytes_in_use)
                         : static_cast<double>(PeakRssBytes() - rss0);
  std::printf("%.6g %.0f\n", static_cast<double>(shape[0]) / secs, memory);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench::UsePassiveOpenMP(argv);
  try {
    if (argc > 3 && std::string(argv[1]) == "--one")
      return One(argv[2], std::atoi(argv[3]), argc > 4 && std::string(argv[4]) == "gpu");
    bool quick = false, on_gpu = false;
    for (int i = 1; i < argc; ++i) {
      quick |= std::string(argv[i]) == "--quick";
      on_gpu |= std::string(argv[i]) == "--gpu";
    }
    if (on_gpu && mx::GpuCount() == 0) {
      std::fprintf(stderr, "train_bench --gpu: no GPU on this machine\n");
      return 1;
    }
    int threads = mx::CpuKernelThreads();
    std::printf("# device=%s threads=%d\n", on_gpu ? "gpu(0)" : "cpu", threads);
    const char* peer_name = on_gpu ? "pytorch_cuda" : "pytorch_1.13_cpu";
    const char* mem_name = on_gpu ? "peak_gpu_bytes" : "peak_rss";
    // Ours and the peer alternate, `rounds` times each, and the medians are compared: this VM
    // drifts by tens of percent within a minute, and alternating spreads the drift over both.
    int rounds = quick ? 1 : 5;
    for (const char* name : {"seed", "lenet"}) {
      int reps = quick ? 2 : (std::string(name) == "seed" ? 5 : 20);
      std::string cmd = std::string(argv[0]) + " --one " + name + " " + std::to_string(reps) +
                        (on_gpu ? " gpu" : "");
      std::vector<double> ours, ours_mem, peer, peer_mem;
      for (int r = 0; r < rounds; ++r) {
        FILE* p = popen(cmd.c_str(), "r");
        double speed = 0, mem = 0;
        if (p) {
          if (std::fscanf(p, "%lf %lf", &speed, &mem) != 2) speed = 0;
          pclose(p);
        }
        std::map<std::string, double> torch = bench::RunTorchPeer(
            "torch_train_step.py", std::string(name) + " " + std::to_string(threads) + " " +
                                       std::to_string(reps) + (on_gpu ? " cuda" : ""));
        if (speed <= 0 || !torch.count("samples_per_sec")) break;
        ours.push_back(speed);
        ours_mem.push_back(mem);
        peer.push_back(torch["samples_per_sec"]);
        peer_mem.push_back(torch["peak_bytes"]);
      }
      if (static_cast<int>(ours.size()) < rounds) {
        std::printf("# %s: a side failed to run (python3-torch present?)\n", name);
        continue;
      }
      double o = bench::Median(ours), q = bench::Median(peer);
      double om = bench::Median(ours_mem), qm = bench::Median(peer_mem);
      std::printf("BENCH train_%s ours=%.4g peer=%.4g unit=samples/s ratio=%.3f peer_name=%s\n",
                  name, o, q, o / q, peer_name);
      std::printf("BENCH train_%s_%s ours=%.0f peer=%.0f unit=bytes ratio=%.3f peer_name=%s\n",
                  name, mem_name, om, qm, qm / om, peer_name);
      std::printf("# train_%s samples/s by round (ours/peer):", name);
      for (int r = 0; r < rounds; ++r) std::printf(" %.4g/%.4g", ours[r], peer[r]);
      std::printf("\n");
    }
  } catch (const mx::Error& e) {
    std::fprintf(stderr, "train_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
