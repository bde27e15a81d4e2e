// LeNet on Fashion-MNIST (Debian's dataset-fashion-mnist) with Module::Fit: a Speedometer,
// validation on the test set after each epoch and a final "Test-accuracy=" line. SGD with
// momentum 0.9, the rate halved every two epochs.
//   train [--data DIR] [--epochs N] [--batch-size B] [--lr R]
//         [--kvstore local|device|nccl|dist_sync|dist_async|dist_sync_device]
//         [--contexts cpu(0),cpu(1)] [--checkpoint PREFIX] [--resume] [--max-batches N]
// (--max-batches: stop after N batches in all, for quick runs; --checkpoint-every N: the
// mid-epoch checkpoint interval, default 200; --warmup-epochs E: the learning rate rises
// linearly from 0 over the first E epochs.) With a dist kvstore, run it under
// `launch -n WORKERS -s SERVERS -- train ...`: each worker trains on its 1/WORKERS of the training
// set with batches of --batch-size (the global batch is WORKERS times that); checkpoints then hold
// every worker's and server's part (core/module/dist_checkpoint.h) and --resume continues the whole
// job exactly. With --checkpoint each epoch end writes PREFIX-symbol.json, PREFIX-%04d.params
// (MXNet's files) and PREFIX-%04d.states, and every 200 batches PREFIX-latest.*; --resume continues
// exactly from the newest intact one (core/module/checkpoint.h).
#include <cstdio>
#include <iostream>
#include <string>

#include "core/tessera.h"

namespace {

struct Args {
  std::string data = "/usr/share/datasets/fashion-mnist";
  int epochs = 8;
  int64_t batch_size = 64;
  double lr = 0.05;
  std::string kvstore = "local";
  std::string contexts = "cpu(0)";
  std::string checkpoint;
  bool resume = false;
  int64_t max_batches = -1;  // -1: no limit
  int checkpoint_every = 200;
  double warmup_epochs = 0;  // linear warm-up of the learning rate from 0
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    if (f == "--resume") {
      a.resume = true;
      continue;
    }
    MX_CHECK_AS(ValueError, i + 1 < argc) << f << " needs a value.";
    std::string v = argv[++i];
    if (f == "--data")
      a.data = v;
    else if (f == "--epochs")
      a.epochs = std::stoi(v);
    else if (f == "--batch-size")
      a.batch_size = std::stoll(v);
    else if (f == "--lr")
      a.lr = std::stod(v);
    else if (f == "--kvstore")
      a.kvstore = v;
    else if (f == "--contexts")
      a.contexts = v;
    else if (f == "--checkpoint")
      a.checkpoint = v;
    else if (f == "--warmup-epochs")
      a.warmup_epochs = std::stod(v);
    else if (f == "--checkpoint-every")
      a.checkpoint_every = std::stoi(v);
    else if (f == "--max-batches")
      a.max_batches = std::stoll(v);
    else
      MX_THROW(ValueError) << "unknown flag " << f << "; see the comment at the top of train.cc.";
  }
  return a;
}

std::vector<mx::Context> Contexts(const std::string& list) {
  std::vector<mx::Context> out;
  size_t pos = 0;
  while (pos < list.size()) {
    size_t end = list.find(',', pos);
    std::string c = list.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    int id = 0;
    if (std::sscanf(c.c_str(), "cpu(%d)", &id) == 1)
      out.push_back(mx::cpu(id));
    else if (std::sscanf(c.c_str(), "gpu(%d)", &id) == 1)
      out.push_back(mx::gpu(id));
    else
      MX_THROW(ValueError) << "--contexts: '" << c << "' is not cpu(N) or gpu(N).";
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out;
}

mx::Symbol LeNet() {
  namespace sym = mx::sym;
  mx::Symbol x = sym::Variable("data");
  x = sym::Convolution(x, {{"kernel", {5, 5}}, {"num_filter", 20}}, "conv1");
  x = sym::Activation(x, {{"act_type", "relu"}}, "relu1");
  x = sym::Pooling(x, {{"pool_type", "max"}, {"kernel", {2, 2}}, {"stride", {2, 2}}}, "pool1");
  x = sym::Convolution(x, {{"kernel", {5, 5}}, {"num_filter", 50}}, "conv2");
  x = sym::Activation(x, {{"act_type", "relu"}}, "relu2");
  x = sym::Pooling(x, {{"pool_type", "max"}, {"kernel", {2, 2}}, {"stride", {2, 2}}}, "pool2");
  x = sym::FullyConnected(sym::Flatten(x, {}, "flatten"), {{"num_hidden", 500}}, "fc1");
  x = sym::Activation(x, {{"act_type", "relu"}}, "relu3");
  x = sym::FullyConnected(x, {{"num_hidden", 10}}, "fc2");
  return sym::SoftmaxOutput(x, {}, "softmax");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Args a = Parse(argc, argv);
    // A dist store first: in the scheduler and server processes this call runs their role and
    // exits; in a worker it tells which shard of the data is this worker's.
    std::shared_ptr<mx::kv::KVStore> store;
    if (a.kvstore.rfind("dist", 0) == 0) store = mx::kv::Create(a.kvstore);
    int rank = store ? store->rank() : 0;
    mx::io::MNISTIterOptions o;
    o.image = a.data + "/train-images-idx3-ubyte.gz";
    o.label = a.data + "/train-labels-idx1-ubyte.gz";
    o.batch_size = a.batch_size;
    o.seed = 1;
    o.num_parts = store ? store->num_workers() : 1;
    o.part_index = rank;
    mx::io::MNISTIter train(o);
    o.num_parts = 1;
    o.part_index = 0;
    o.image = a.data + "/t10k-images-idx3-ubyte.gz";
    o.label = a.data + "/t10k-labels-idx1-ubyte.gz";
    o.batch_size = 100;
    o.shuffle = false;
    mx::io::MNISTIter test(o);

    mx::mod::Module mod(LeNet(), Contexts(a.contexts));
    mx::mod::FitOptions fit;
    fit.eval_data = &test;
    fit.num_epoch = a.epochs;
    fit.kvstore = a.kvstore;
    fit.kvstore_instance = store;
    fit.max_batches = a.max_batches;
    fit.optimizer_params = {{"learning_rate", a.lr}, {"momentum", 0.9}, {"wd", 1e-4}};
    fit.initializer = std::make_shared<mx::init::Xavier>();
    fit.batch_end_callback.push_back(mx::mod::Speedometer(a.batch_size, 200));
    int64_t epoch_batches = train.num_samples() / a.batch_size;
    int warmup = static_cast<int>(a.warmup_epochs * static_cast<double>(epoch_batches));
    fit.lr_scheduler =
        std::make_shared<mx::opt::FactorScheduler>(2 * epoch_batches, 0.5, 1e-8, a.lr, warmup, 0.0);
    fit.checkpoint_prefix = a.checkpoint;  // dist: every worker and server writes its part
    fit.checkpoint_every = fit.checkpoint_prefix.empty() ? 0 : a.checkpoint_every;
    MX_CHECK_AS(ValueError, !a.resume || !a.checkpoint.empty())
        << "--resume needs --checkpoint PREFIX.";
    fit.resume = a.resume;
    mod.Fit(&train, fit);
    mx::metric::Accuracy acc;
    double test_acc = mod.Score(&test, &acc)[0].second;
    std::printf("Test-accuracy=%.4f\n", test_acc);
    mx::WaitAll();  // mx.nd.waitall(): the work queued is done, and its errors thrown here
  } catch (const mx::Error& e) {
    std::cerr << "fashion_mnist train failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
