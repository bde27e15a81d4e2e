// A small elastic training job for elastic_test: Module::Fit of an MLP on synthetic rows over a
// dist_sync store, whose iterator reports which rows each worker trained.
//   elastic_train [--epochs E] [--rows N] [--batch B] [--sleep-ms MS]
//                 [--die-rank R --die-epoch E --die-batch K] [--checkpoint PREFIX]
// Row i's first feature is i / N, so the rows a worker is handed can be told apart. At the end
// of every epoch each worker prints "rows epoch E: i j k ..." (the rows it trained, sorted) and,
// at the end, "params sum S" (the sum of every parameter, the same on every worker of a
// dist_sync job). The first process of rank R (not a replacement) kills itself with SIGKILL
// before batch K of epoch E.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "core/tessera.h"
#include "tests/testing/int_flags.h"

namespace {

constexpr int kFeatures = 6, kClasses = 3;

// Forwards to an NDArrayIter and keeps the rows it hands out in the current epoch.
class RecordingIter : public mx::io::DataIter {
 public:
  RecordingIter(std::unique_ptr<mx::io::NDArrayIter> inner, int64_t rows)
      : inner_(std::move(inner)), rows_(rows) {
    batch_size_ = inner_->batch_size();
  }
  void Reset() override { inner_->Reset(); }
  bool Next(mx::io::DataBatch* batch) override {
    if (!inner_->Next(batch)) return false;
    std::vector<float> first = batch->data[0].ToVector<float>();
    for (size_t i = 0; i < first.size(); i += kFeatures)
      seen_.push_back(std::lround(first[i] * static_cast<double>(rows_)));
    return true;
  }
  std::vector<mx::io::DataDesc> ProvideData() const override { return inner_->ProvideData(); }
  std::vector<mx::io::DataDesc> ProvideLabel() const override { return inner_->ProvideLabel(); }
  void SetPartition(int num_parts, int part_index) override {
    inner_->SetPartition(num_parts, part_index);
  }
  std::string SaveState() const override { return inner_->SaveState(); }
  void LoadState(const std::string& state) override { inner_->LoadState(state); }
  // The rows handed out since the last call, sorted.
  std::vector<int64_t> TakeSeen() {
    std::vector<int64_t> s;
    s.swap(seen_);
    std::sort(s.begin(), s.end());
    return s;
  }

 private:
  std::unique_ptr<mx::io::NDArrayIter> inner_;
  int64_t rows_;
  std::vector<int64_t> seen_;
};

}  // namespace

int main(int argc, char** argv) {
  int64_t epochs = 6, sleep_ms = 0, die_rank = -1, die_epoch = -1, die_batch = -1;
  int64_t rows = 240, batch = 8;
  std::string checkpoint;
  if (!mx::testing::ParseIntFlags("elastic_train", argc, argv,
                                  {{"--epochs", &epochs},
                                   {"--rows", &rows},
                                   {"--batch", &batch},
                                   {"--sleep-ms", &sleep_ms},
                                   {"--die-rank", &die_rank},
                                   {"--die-epoch", &die_epoch},
                                   {"--die-batch", &die_batch}},
                                  {{"--checkpoint", &checkpoint}}))
    return 2;
  try {
    std::shared_ptr<mx::kv::KVStore> store = mx::kv::Create("dist_sync");
    int rank = store->rank();
    bool original = !store->is_replacement();
    std::vector<float> x, y;
    for (int64_t i = 0; i < rows; ++i) {
      x.push_back(static_cast<float>(i) / static_cast<float>(rows));
      for (int j = 1; j < kFeatures; ++j) x.push_back(static_cast<float>(std::sin(0.37 * i + j)));
      y.push_back(static_cast<float>((i * 7 + i / 3) % kClasses));
    }
    mx::io::NDArrayIterOptions io;
    io.batch_size = batch;
    io.shuffle = true;
    io.seed = 5;
    io.last_batch_handle = "discard";
    io.num_parts = store->num_workers();
    io.part_index = rank;
    RecordingIter train(std::make_unique<mx::io::NDArrayIter>(
                            std::vector<std::pair<std::string, mx::NDArray>>{
                                {"data", mx::NDArray(x.data(), {rows, kFeatures}, mx::kFloat32)}},
                            std::vector<std::pair<std::string, mx::NDArray>>{
                                {"softmax_label", mx::NDArray(y.data(), {rows}, mx::kFloat32)}},
                            io),
                        rows);

    namespace sym = mx::sym;
    mx::Symbol net = sym::Variable("data");
    net = sym::FullyConnected(net, {{"num_hidden", 16}}, "fc1");
    net = sym::Activation(net, {{"act_type", "relu"}}, "relu1");
    net = sym::FullyConnected(net, {{"num_hidden", kClasses}}, "fc2");
    net = sym::SoftmaxOutput(net, {}, "softmax");
    mx::mod::Module mod(net, {mx::cpu()});
    mx::random::Seed(3);
    mx::mod::FitOptions fit;
    fit.num_epoch = static_cast<int>(epochs);
    fit.kvstore_instance = store;
    fit.optimizer_params = {{"learning_rate", 0.1}, {"momentum", 0.9}};
    fit.initializer = std::make_shared<mx::init::Xavier>();
    fit.batch_end_callback.push_back([&](const mx::mod::BatchEndParam& p) {
      if (original && rank == die_rank && p.epoch == die_epoch && p.nbatch + 1 == die_batch) {
        std::printf("worker %d kills itself before batch %d of epoch %d\n", rank,
                    static_cast<int>(die_batch), static_cast<int>(die_epoch));
        std::fflush(stdout);
        kill(getpid(), SIGKILL);
      }
      if (sleep_ms) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    });
    fit.epoch_end_callback.push_back(
        [&](int epoch, const mx::Symbol&, const mx::mod::ParamDict&, const mx::mod::ParamDict&) {
          std::string line = "rows epoch " + std::to_string(epoch) + ":";
          for (int64_t r : train.TakeSeen()) line += " " + std::to_string(r);
          std::printf("%s\n", line.c_str());
          std::fflush(stdout);
        });
    fit.checkpoint_prefix = checkpoint;  // epoch ends; none while a worker is missing
    mod.Fit(&train, fit);
    auto [args, aux] = mod.GetParams();
    double sum = 0;
    for (const auto& [name, a] : args)
      for (double v : a.AsType(mx::kFloat64).ToVector<double>()) sum += v;
    std::printf("params sum %.17g\n", sum);
  } catch (const mx::Error& e) {
    std::cerr << "elastic_train failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
