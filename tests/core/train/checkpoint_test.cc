// Exact resume: 4 epochs straight equal 2.4 epochs, a stop, and a resumed run, bit for bit
// (momentum, batch norm statistics, dropout's generator and the shuffled order all restored);
// a corrupt newest checkpoint is skipped for the next newest, which resumes exactly too.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

Symbol Net() {
  Symbol h = sym::FullyConnected(sym::Variable("data"), {{"num_hidden", 8}}, "fc1");
  h = sym::BatchNorm(h, {{"fix_gamma", false}}, "bn1");
  h = sym::Dropout(sym::Activation(h, {{"act_type", "relu"}}, "relu1"), {{"p", 0.2}}, "drop");
  return sym::SoftmaxOutput(sym::FullyConnected(h, {{"num_hidden", 3}}, "fc2"), {}, "softmax");
}

std::unique_ptr<io::NDArrayIter> Data() {
  random::Seed(3);
  NDArray x = nd::random::uniform(-1, 1, {40, 5});
  NDArray y = nd::round(nd::random::uniform(0, 2, {40}));
  io::NDArrayIterOptions o;
  o.batch_size = 8;
  o.shuffle = true;
  o.seed = 17;
  return std::make_unique<io::NDArrayIter>(
      std::vector<std::pair<std::string, NDArray>>{{"data", x}},
      std::vector<std::pair<std::string, NDArray>>{{"softmax_label", y}}, o);
}

struct TrainRun {
  mod::ParamDict arg, aux;
  std::vector<std::string> log;
};

TrainRun Train(uint32_t seed, const std::string& prefix, int64_t max_batches, bool resume,
               const std::string& optimizer = "sgd",
               const Params& optimizer_params = {{"learning_rate", 0.1}, {"momentum", 0.9}}) {
  std::unique_ptr<io::NDArrayIter> data = Data();
  random::Seed(seed);
  mod::Module m(Net());
  mod::FitOptions fit;
  fit.num_epoch = 4;
  fit.optimizer = optimizer;
  fit.optimizer_params = optimizer_params;
  fit.checkpoint_prefix = prefix;
  fit.max_batches = max_batches;
  fit.resume = resume;
  TrainRun r;
  fit.logger = [&](const std::string& l) { r.log.push_back(l); };
  m.Fit(data.get(), fit);
  std::tie(r.arg, r.aux) = m.GetParams();
  return r;
}

void ExpectSameParams(const TrainRun& a, const TrainRun& b) {
  ASSERT_EQ(a.arg.size(), b.arg.size());
  for (const auto& kv : a.arg)
    testing::ExpectNDArrayNear(b.arg.at(kv.first), kv.second, 0, kv.first);
  for (const auto& kv : a.aux)
    testing::ExpectNDArrayNear(b.aux.at(kv.first), kv.second, 0, kv.first);
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

TEST(Checkpoint, StopAndResumeMidEpochIsBitIdentical) {
  TrainRun straight = Train(5, "", -1, false);
  std::string prefix = ::testing::TempDir() + "/exact";
  TrainRun first = Train(5, prefix, 12, false);  // 2 epochs and 2 of 5 batches
  EXPECT_NE(Join(first.log).find("Stopped after batch 2"), std::string::npos) << Join(first.log);
  TrainRun resumed = Train(999, prefix, -1, true);  // another seed: everything must come from disk
  EXPECT_NE(Join(resumed.log).find("Resuming from " + prefix + "-latest at epoch 2, batch 2"),
            std::string::npos)
      << Join(resumed.log);
  ExpectSameParams(straight, resumed);
  // The epoch-end files are MXNet checkpoints.
  auto [symbol, arg, aux] = mod::LoadCheckpoint(prefix, 2);
  EXPECT_EQ(symbol.ListArguments(), Net().ListArguments());
  EXPECT_EQ(aux.count("bn1_moving_mean"), 1u);
}

// Every optimizer's state (Nadam's momentum schedule too) survives a mid-epoch stop exactly.
TEST(Checkpoint, EveryOptimizerResumesBitIdentical) {
  for (const char* name : {"nag", "adam", "rmsprop", "adagrad", "signum", "lamb", "adadelta",
                           "adamax", "nadam", "ftrl"}) {
    Params p = {{"learning_rate", 0.01}, {"wd", 0.001}};
    TrainRun straight = Train(5, "", -1, false, name, p);
    std::string prefix = ::testing::TempDir() + "/every_" + name;
    Train(5, prefix, 7, false, name, p);
    TrainRun resumed = Train(999, prefix, -1, true, name, p);
    SCOPED_TRACE(name);
    ExpectSameParams(straight, resumed);
  }
}

TEST(Checkpoint, CorruptNewestFallsBackToTheNextAndStillResumesExactly) {
  TrainRun straight = Train(5, "", -1, false);
  std::string prefix = ::testing::TempDir() + "/fallback";
  Train(5, prefix, 12, false);
  std::string latest = prefix + "-latest.states";
  std::string bytes;
  {
    std::ifstream in(latest, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  bytes[bytes.size() / 2] ^= 0x5a;
  std::ofstream(latest, std::ios::binary) << bytes;
  TrainRun resumed = Train(999, prefix, -1, true);
  std::string log = Join(resumed.log);
  EXPECT_NE(log.find("Skipping checkpoint"), std::string::npos) << log;
  EXPECT_NE(log.find("corrupt"), std::string::npos) << log;
  EXPECT_NE(log.find("Resuming from " + prefix + "-0002 at epoch 2, batch 0"), std::string::npos)
      << log;
  ExpectSameParams(straight, resumed);
}

TEST(Checkpoint, OptimizerStatesRoundTripThroughAFile) {
  mod::Module m(Net());
  m.Bind({{"data", {4, 5}}}, {{"softmax_label", {4}}});
  m.InitParams();
  m.InitOptimizer("local", "adam", {{"learning_rate", 0.01}});
  m.Forward(io::DataBatch({nd::ones({4, 5})}, {nd::array({0, 1, 2, 0})}));
  m.Backward();
  m.Update();
  std::string path = ::testing::TempDir() + "/opt.states";
  m.SaveOptimizerStates(path);
  mod::Module n(Net());
  n.Bind({{"data", {4, 5}}}, {{"softmax_label", {4}}});
  n.InitParams();
  n.InitOptimizer("local", "adam", {{"learning_rate", 0.01}});
  n.LoadOptimizerStates(path);
  EXPECT_EQ(n.optimizer()->num_update(), 1);
  std::map<std::string, NDArray> a = m.OptimizerStateArrays(), b = n.OptimizerStateArrays();
  testing::ExpectNDArrayNear(b.at("state:fc1_weight:1"), a.at("state:fc1_weight:1"), 0);
  mod::Module s(Net());
  s.Bind({{"data", {4, 5}}}, {{"softmax_label", {4}}});
  s.InitParams();
  s.InitOptimizer("local", "sgd");
  EXPECT_THROW(s.LoadOptimizerStates(path), ValueError);
}

}  // namespace
}  // namespace mx
