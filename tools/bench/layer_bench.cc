// Forward + backward time of each layer of the seed network (3x3 convolution with 128
// filters, batch norm, relu, 2x2 max pooling, fully connected to 2), of LeNet's layers and of
// a 2-layer LSTM (hidden 512, sequence 35, batch 32; the fused RNN operator against nn.LSTM),
// against PyTorch (torch_layers.py, the same layers and shapes) measured in the same run.
// Prints BENCH lines with ratio = PyTorch's time / ours (> 1: Tessera is faster).
// Usage: layer_bench [--quick] [--gpu] [--case S]   (--quick: smaller shapes, for a smoke run;
//        --gpu: layers on gpu(0) against PyTorch on the same card, TF32 off on both sides;
//        TESSERA_PEER_PYTHON names the Python with CUDA PyTorch; --case: only the layers whose
//        name contains S)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/op/kernel.h"
#include "core/tessera.h"
#include "tools/bench/bench_util.h"

namespace {

struct LayerCase {
  std::string name;
  std::string op;
  std::vector<mx::Shape> inputs;
  mx::Params params;
};

using bench::MedianSecondsFor;

std::vector<LayerCase> Cases(int64_t n, int64_t h, int64_t lenet) {
  int64_t fc_in = 128 * (h / 2) * (h / 2);
  std::vector<LayerCase> c = {
      {"seed_conv3x3_128",
       "Convolution",
       {{n, 3, h, h}, {128, 3, 3, 3}, {128}},
       {{"num_filter", 128}, {"kernel", {3, 3}}, {"pad", {1, 1}}}},
      {"seed_batchnorm",
       "BatchNorm",
       {{n, 128, h, h}, {128}, {128}, {128}, {128}},
       {{"fix_gamma", false}}},
      {"seed_relu", "Activation", {{n, 128, h, h}}, {{"act_type", "relu"}}},
      {"seed_maxpool2x2",
       "Pooling",
       {{n, 128, h, h}},
       {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}}},
      {"seed_fc2", "FullyConnected", {{n, fc_in}, {2, fc_in}, {2}}, {{"num_hidden", 2}}},
  };
  if (lenet) {
    int64_t b = lenet;
    c.push_back({"lenet_conv20",
                 "Convolution",
                 {{b, 1, 28, 28}, {20, 1, 5, 5}, {20}},
                 {{"num_filter", 20}, {"kernel", {5, 5}}}});
    c.push_back({"lenet_tanh1", "Activation", {{b, 20, 24, 24}}, {{"act_type", "tanh"}}});
    c.push_back(
        {"lenet_pool1", "Pooling", {{b, 20, 24, 24}}, {{"kernel", {2, 2}}, {"stride", {2, 2}}}});
    c.push_back({"lenet_conv50",
                 "Convolution",
                 {{b, 20, 12, 12}, {50, 20, 5, 5}, {50}},
                 {{"num_filter", 50}, {"kernel", {5, 5}}}});
    c.push_back(
        {"lenet_pool2", "Pooling", {{b, 50, 8, 8}}, {{"kernel", {2, 2}}, {"stride", {2, 2}}}});
    c.push_back(
        {"lenet_fc500", "FullyConnected", {{b, 800}, {500, 800}, {500}}, {{"num_hidden", 500}}});
    c.push_back(
        {"lenet_fc10", "FullyConnected", {{b, 500}, {10, 500}, {10}}, {{"num_hidden", 10}}});
  }
  if (lenet) {  // the fused LSTM of a word language model: 2 layers, hidden 512, T=35, N=32
    int64_t h4 = 4 * 512, params = h4 * (512 + 512 + 2) * 2;
    c.push_back({"lstm_2x512_t35",
                 "RNN",
                 {{35, 32, 512}, {params}, {2, 32, 512}, {2, 32, 512}},
                 {{"mode", "lstm"}, {"state_size", 512}, {"num_layers", 2}}});
  }
  return c;
}

// Each layer's median comes from at least this much running time (bench::MedianSecondsFor),
// on both sides.
constexpr double kMinSeconds = 0.3;

double OursSeconds(const LayerCase& c, int reps, mx::Context ctx) {
  std::vector<mx::NDArray> in;
  for (const mx::Shape& s : c.inputs)
    in.push_back(mx::nd::random::uniform(0, 1, s).AsInContext(ctx));
  mx::ParamMap pm = mx::ToParamMap(c.params);
  mx::InvokeOptions train;
  train.is_train = true;
  std::vector<mx::NDArray> probe = mx::InvokeAll(c.op, in, pm, train);
  mx::NDArray head = mx::nd::ones(probe[0].shape()).AsInContext(ctx);
  return MedianSecondsFor(reps, kMinSeconds, [&] {
    std::vector<mx::NDArray> out = mx::InvokeAll(c.op, in, pm, train);
    for (const mx::NDArray& g : mx::Backward(c.op, in, pm, out, {head}))
      if (!g.is_none()) g.WaitToRead();
  });
}

}  // namespace

int main(int argc, char** argv) {
  bench::UsePassiveOpenMP(argv);
  bool quick = false, on_gpu = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    quick |= std::string(argv[i]) == "--quick";
    on_gpu |= std::string(argv[i]) == "--gpu";
    if (std::string(argv[i]) == "--case" && i + 1 < argc) only = argv[++i];
  }
  if (on_gpu && mx::GpuCount() == 0) {
    std::fprintf(stderr, "layer_bench --gpu: no GPU on this machine\n");
    return 1;
  }
  mx::Context ctx = on_gpu ? mx::gpu(0) : mx::cpu();
  int threads = mx::CpuKernelThreads();
  std::printf("# device=%s threads=%d (ours: OpenMP + OpenBLAS; PyTorch: torch.set_num_threads)\n",
              on_gpu ? "gpu(0)" : "cpu", threads);
  struct Config {
    int64_t n, h, lenet;
    int reps;
  };
  std::vector<Config> configs = quick    ? std::vector<Config>{{2, 28, 8, 3}}
                                : on_gpu ? std::vector<Config>{{64, 28, 64, 25}, {32, 224, 0, 15}}
                                         : std::vector<Config>{{64, 28, 64, 5}, {8, 224, 0, 3}};
  try {
    for (const Config& cfg : configs) {
      std::map<std::string, double> peer = bench::RunTorchPeer(
          "torch_layers.py", std::to_string(cfg.n) + " " + std::to_string(cfg.h) + " " +
                                 std::to_string(cfg.lenet) + " " + std::to_string(threads) + " " +
                                 std::to_string(cfg.reps) + (on_gpu ? " cuda " : " cpu ") +
                                 std::to_string(kMinSeconds));
      for (const LayerCase& c : Cases(cfg.n, cfg.h, cfg.lenet)) {
        if (c.name.find(only) == std::string::npos) continue;
        double ours = OursSeconds(c, cfg.reps, ctx);
        auto it = peer.find(c.name);
        double theirs = it == peer.end() ? 0 : it->second;
        // Image layers are named by their input size and batch; the LSTM's name has its shape.
        bool lstm = c.name.rfind("lstm", 0) == 0;
        std::string size = lstm ? "" : "_" + std::to_string(cfg.h) + "x" + std::to_string(cfg.h);
        int64_t batch = lstm ? 32 : c.name.rfind("lenet", 0) == 0 ? cfg.lenet : cfg.n;
        std::printf("BENCH %s%s_b%lld ours=%.4g peer=%.4g unit=s ratio=%.3f peer_name=pytorch-%s\n",
                    c.name.c_str(), size.c_str(), static_cast<long long>(batch), ours, theirs,
                    ours > 0 && theirs > 0 ? theirs / ours : 0.0,
                    it == peer.end() ? "missing"
                    : on_gpu         ? "cuda"
                                     : "1.13-cpu");
        std::fflush(stdout);
      }
    }
  } catch (const mx::Error& e) {
    std::fprintf(stderr, "layer_bench failed: %s\n", e.what());
    return 1;
  }
  return 0;
}
