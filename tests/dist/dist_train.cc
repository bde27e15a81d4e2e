// A small deterministic training job for the multi-process dist tests: an MLP on synthetic data
// (every value a fixed function of its row, so every process can build any batch).
//   dist_train --kvstore TYPE [--contexts N] [--batch B] [--steps S] [--out FILE]
//              [--die-at STEP] [--sleep-ms MS] [--uneven K]
// With a dist kvstore (under launch or mpirun) worker r of W trains step s on global rows
// [s*B*W + r*B, s*B*W + (r+1)*B); with "local" and --contexts N one process trains the same
// global batches of B*N rows split over N CPU contexts, which is the same arithmetic. Worker 0
// (or the single process) writes the final parameters to --out. --die-at makes worker 1 kill
// itself with SIGKILL at that step; --sleep-ms slows every step down; --uneven K gives worker 1
// K fewer steps (uneven data: the epoch must still end cleanly).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "core/tessera.h"

namespace {

constexpr int kFeatures = 20, kClasses = 4;

mx::NDArray Rows(int64_t first, int64_t count, bool labels) {
  std::vector<float> v;
  for (int64_t i = first; i < first + count; ++i) {
    if (labels) {
      v.push_back(static_cast<float>((i * 7 + i / 3) % kClasses));
      continue;
    }
    for (int j = 0; j < kFeatures; ++j)
      v.push_back(static_cast<float>(std::sin(0.37 * i + 1.3 * j) + 0.1 * ((i + j) % 5)));
  }
  mx::Shape s = labels ? mx::Shape{count} : mx::Shape{count, kFeatures};
  return mx::NDArray(v.data(), s, mx::kFloat32);
}

mx::Symbol Mlp() {
  namespace sym = mx::sym;
  mx::Symbol x = sym::Variable("data");
  x = sym::FullyConnected(x, {{"num_hidden", 32}}, "fc1");
  x = sym::Activation(x, {{"act_type", "relu"}}, "relu1");
  x = sym::FullyConnected(x, {{"num_hidden", kClasses}}, "fc2");
  return sym::SoftmaxOutput(x, {}, "softmax");
}

}  // namespace

int main(int argc, char** argv) {
  std::string kvstore = "local", out;
  int contexts = 1, steps = 20, die_at = -1, sleep_ms = 0, uneven = 0;
  int64_t batch = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string f = argv[i], v = argv[i + 1];
    if (f == "--kvstore")
      kvstore = v;
    else if (f == "--contexts")
      contexts = std::stoi(v);
    else if (f == "--batch")
      batch = std::stoll(v);
    else if (f == "--steps")
      steps = std::stoi(v);
    else if (f == "--out")
      out = v;
    else if (f == "--die-at")
      die_at = std::stoi(v);
    else if (f == "--sleep-ms")
      sleep_ms = std::stoi(v);
    else if (f == "--uneven")
      uneven = std::stoi(v);
    else {
      std::cerr << "dist_train: unknown flag " << f << "\n";
      return 2;
    }
  }
  try {
    std::shared_ptr<mx::kv::KVStore> store;
    if (kvstore.rfind("dist", 0) == 0) store = mx::kv::Create(kvstore);
    int rank = store ? store->rank() : 0, workers = store ? store->num_workers() : 1;
    std::vector<mx::Context> ctxs;
    for (int c = 0; c < contexts; ++c) ctxs.push_back(mx::cpu(c));
    int64_t local = batch * contexts, global = local * workers;
    mx::mod::Module mod(Mlp(), ctxs);
    mod.Bind({{"data", {local, kFeatures}}}, {{"softmax_label", {local}}});
    mx::random::Seed(3);
    mx::mod::InitParamsOptions ip;
    ip.initializer = std::make_shared<mx::init::Xavier>();
    mod.InitParams(ip);
    mod.InitOptimizer(kvstore, "sgd", {{"learning_rate", 0.1}, {"momentum", 0.9}, {"wd", 1e-4}},
                      false, nullptr, store);
    int my_steps = rank == 1 ? steps - uneven : steps;
    for (int s = 0; s < my_steps; ++s) {
      if (s == die_at && rank == 1) {
        std::printf("worker 1 kills itself at step %d\n", s);
        std::fflush(stdout);
        kill(getpid(), SIGKILL);
      }
      if (sleep_ms) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
      int64_t first = s * global + rank * local;
      mx::io::DataBatch b({Rows(first, local, false)}, {Rows(first, local, true)});
      mod.Forward(b, true);
      mod.Backward();
      mod.Update();
    }
    if (store) store->EpochEnd();
    auto [args, aux] = mod.GetParams();
    if (rank == 0 && !out.empty()) mx::mod::SaveParamsFile(out, args, aux);
    std::printf("rank %d of %d done after %d steps\n", rank, workers, my_steps);
  } catch (const mx::Error& e) {
    std::cerr << "dist_train failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
