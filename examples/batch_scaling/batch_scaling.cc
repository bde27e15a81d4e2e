// Batch-size scaling study: LeNet on Fashion-MNIST trained by WORKERS dist_sync workers at
// global batch sizes 64 .. 4096 with the linear learning-rate scaling rule (lr = base_lr x
// batch / 64) and a linear warm-up (Goyal et al., "Accurate, Large Minibatch SGD"), each run a
// job of //launcher:launch. Prints one table row per batch size: epochs to reach the target
// test accuracy (88 % by default; "-" if never), training samples/s (60000 images an epoch over
// worker 0's epoch time), and the final test accuracy.
//   batch_scaling [--workers N] [--epochs E] [--sizes 64,256,1024,4096] [--base-lr R]
//                 [--warmup-epochs W] [--target A] [--max-batches N] [--data DIR]
// The validation set is the test set (as the training example reports it each epoch).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr double kTrainImages = 60000;  // Fashion-MNIST's training set

struct Options {
  int workers = 2, epochs = 4;
  std::vector<int> sizes = {64, 256, 1024, 4096};
  double base_lr = 0.05, warmup_epochs = 1, target = 0.88;
  long max_batches = -1;
  std::string data;
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr, "batch_scaling: %s (see the comment at the top of batch_scaling.cc)\n",
               why.c_str());
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    if (i + 1 >= argc) Usage(f + " needs a value");
    std::string v = argv[++i];
    if (f == "--workers")
      o.workers = std::atoi(v.c_str());
    else if (f == "--epochs")
      o.epochs = std::atoi(v.c_str());
    else if (f == "--base-lr")
      o.base_lr = std::atof(v.c_str());
    else if (f == "--warmup-epochs")
      o.warmup_epochs = std::atof(v.c_str());
    else if (f == "--target")
      o.target = std::atof(v.c_str());
    else if (f == "--max-batches")
      o.max_batches = std::atol(v.c_str());
    else if (f == "--data")
      o.data = v;
    else if (f == "--sizes") {
      o.sizes.clear();
      std::stringstream s(v);
      std::string item;
      while (std::getline(s, item, ',')) o.sizes.push_back(std::atoi(item.c_str()));
    } else {
      Usage("unknown flag " + f);
    }
  }
  if (o.workers < 1 || o.epochs < 1 || o.sizes.empty()) Usage("bad --workers, --epochs or --sizes");
  for (int b : o.sizes)
    if (b < o.workers || b % o.workers != 0)
      Usage("batch size " + std::to_string(b) + " is not a multiple of the " +
            std::to_string(o.workers) + " workers");
  return o;
}

// The directory holding the built binaries (bazel-bin/), from this binary's path.
std::string BinRoot() {
  char self[4096] = {0};
  ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  std::string p = len > 0 ? std::string(self, len) : "bazel-bin/examples/batch_scaling/x";
  p = p.substr(0, p.rfind('/'));         // .../examples/batch_scaling
  return p.substr(0, p.rfind('/') - 8);  // strip "examples"
}

struct Row {
  int batch;
  double lr;
  int epochs_to_target = -1;
  double samples_per_s = 0, final_acc = -1;
  int exit_code = 0;
};

Row Run(const Options& o, int batch) {
  Row r;
  r.batch = batch;
  r.lr = o.base_lr * batch / 64.0;
  std::string root = BinRoot();
  std::ostringstream cmd;
  cmd << root << "launcher/launch -n " << o.workers << " -s 1 --env OMP_WAIT_POLICY=passive "
      << "--env MXNET_OMP_MAX_THREADS=" << std::max(1L, sysconf(_SC_NPROCESSORS_ONLN) / o.workers)
      << " -- " << root << "examples/fashion_mnist/train --kvstore dist_sync --epochs " << o.epochs
      << " --batch-size " << batch / o.workers << " --lr " << r.lr << " --warmup-epochs "
      << o.warmup_epochs;
  if (o.max_batches > 0) cmd << " --max-batches " << o.max_batches;
  if (!o.data.empty()) cmd << " --data " << o.data;
  cmd << " 2>&1";
  FILE* p = popen(cmd.str().c_str(), "r");
  if (!p) return r;
  char line[2048];
  double seconds = 0;
  int epochs_timed = 0;
  while (std::fgets(line, sizeof(line), p)) {
    if (std::strncmp(line, "[worker 0]", 10) != 0) continue;
    int epoch = 0;
    const char* e = std::strstr(line, "Epoch[");
    if (e) std::sscanf(e, "Epoch[%d]", &epoch);
    if (const char* v = std::strstr(line, "Validation-accuracy=")) {
      double acc = std::atof(v + 20);
      if (e && r.epochs_to_target < 0 && acc >= o.target) r.epochs_to_target = epoch + 1;
    }
    if (const char* t = std::strstr(line, "Time cost=")) {
      seconds += std::atof(t + 10);
      ++epochs_timed;
    }
    if (const char* t = std::strstr(line, "Test-accuracy=")) r.final_acc = std::atof(t + 14);
  }
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  // The workers train their shards side by side: a whole epoch (all training images) per
  // epoch's time cost of worker 0.
  if (epochs_timed > 0) r.samples_per_s = kTrainImages * epochs_timed / seconds;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  std::printf(
      "LeNet on Fashion-MNIST, %d dist_sync workers, lr = %g x batch / 64, warm-up %g "
      "epoch(s), %d epoch(s), target test accuracy %.2f\n",
      o.workers, o.base_lr, o.warmup_epochs, o.epochs, o.target);
  std::printf("%10s %10s %16s %12s %14s\n", "batch", "lr", "epochs_to_target", "samples/s",
              "final_acc");
  std::fflush(stdout);
  int worst = 0;
  for (int b : o.sizes) {
    Row r = Run(o, b);
    std::string epochs = r.epochs_to_target > 0 ? std::to_string(r.epochs_to_target) : "-";
    std::printf("%10d %10.4g %16s %12.1f %14.4f\n", r.batch, r.lr, epochs.c_str(), r.samples_per_s,
                r.final_acc);
    std::fflush(stdout);
    if (r.exit_code != 0 || r.final_acc < 0) {
      std::fprintf(stderr, "batch_scaling: the run at batch %d failed (exit code %d)\n", b,
                   r.exit_code);
      worst = r.exit_code ? r.exit_code : 1;
    }
  }
  return worst;
}
