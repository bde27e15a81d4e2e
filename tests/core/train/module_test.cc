// Module: the call order it enforces, one SGD step against the executor's gradients, Fit on a
// learnable problem with MXNet's log lines, Score, Predict and checkpoints.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/tessera.h"
#include "examples/models/networks.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

Symbol Classifier() {
  Symbol fc = sym::FullyConnected(sym::Variable("data"), {{"num_hidden", 2}}, "fc");
  return sym::SoftmaxOutput(fc, {}, "softmax");
}

// Two Gaussian blobs in 4-D, labels 0 and 1: linearly separable.
std::unique_ptr<io::NDArrayIter> Blobs(int64_t n, int64_t batch, uint32_t seed,
                                       bool shuffle = true) {
  random::Seed(seed);
  NDArray x = nd::random::normal(0, 0.5, {n, 4});
  std::vector<float> xv = x.ToVector<float>(), lv(n);
  for (int64_t i = 0; i < n; ++i) {
    lv[i] = static_cast<float>(i % 2);
    for (int j = 0; j < 4; ++j) xv[i * 4 + j] += lv[i] ? 1.5f : -1.5f;
  }
  io::NDArrayIterOptions o;
  o.batch_size = batch;
  o.shuffle = shuffle;
  o.seed = seed;
  return std::make_unique<io::NDArrayIter>(
      std::vector<std::pair<std::string, NDArray>>{{"data", NDArray(xv.data(), {n, 4}, kFloat32)}},
      std::vector<std::pair<std::string, NDArray>>{
          {"softmax_label", NDArray(lv.data(), {n}, kFloat32)}},
      o);
}

TEST(Module, SaysWhichStepIsMissing) {
  mod::Module m(Classifier());
  io::DataBatch batch({nd::zeros({2, 4})}, {nd::zeros({2})});
  try {
    m.Forward(batch);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("Module::Forward called before Bind(...)"),
              std::string::npos)
        << e.what();
  }
  m.Bind({{"data", {2, 4}}}, {{"softmax_label", {2}}});
  EXPECT_THROW(m.InitOptimizer(), ValueError);  // before InitParams
  m.InitParams();
  EXPECT_THROW(m.Update(), ValueError);  // before InitOptimizer
  EXPECT_THROW(mod::Module(Classifier(), {cpu()}, {"pixels"}), ValueError);
}

TEST(Module, ASharedModuleTrainsTheSameArraysWithTheSameOptimizerStates) {
  // A and B (bound with A as shared module) take turns; C alone takes the same two steps of
  // SGD with momentum: the momentum of A's step must carry into B's.
  mod::Module a(Classifier()), b(Classifier()), c(Classifier());
  a.Bind({{"data", {4, 4}}}, {{"softmax_label", {4}}});
  c.Bind({{"data", {4, 4}}}, {{"softmax_label", {4}}});
  a.InitParams(mod::InitParamsOptions{std::make_shared<init::Uniform>(0.5)});
  auto [start, start_aux] = a.GetParams();
  mod::InitParamsOptions from_a;
  from_a.arg_params = start;
  c.InitParams(from_a);
  b.Bind({{"data", {4, 4}}}, {{"softmax_label", {4}}}, true, false, false, GradReq::kWrite, &a);
  EXPECT_TRUE(b.params_initialized());
  EXPECT_THROW(b.InitOptimizer("local", "sgd"), ValueError);
  Params sgd = {{"learning_rate", 0.5}, {"momentum", 0.9}};
  a.InitOptimizer("local", "sgd", sgd);
  c.InitOptimizer("local", "sgd", sgd);
  EXPECT_TRUE(b.optimizer_initialized());
  io::DataBatch first({testing::Rand({4, 4}).AsType(kFloat32)}, {nd::array({0, 1, 1, 0})});
  io::DataBatch second({testing::Rand({4, 4}).AsType(kFloat32)}, {nd::array({1, 1, 0, 0})});
  for (auto [m, batch] : {std::pair{&a, &first}, std::pair{&b, &second}}) {
    m->Forward(*batch);
    m->Backward();
    m->Update();
  }
  for (const io::DataBatch* batch : {&first, &second}) {
    c.Forward(*batch);
    c.Backward();
    c.Update();
  }
  auto [pa, aa] = a.GetParams();
  auto [pb, ab] = b.GetParams();
  auto [pc, ac] = c.GetParams();
  for (const char* name : {"fc_weight", "fc_bias"}) {
    testing::ExpectNDArrayNear(pb.at(name), pa.at(name), 0, name);
    testing::ExpectNDArrayNear(pa.at(name), pc.at(name), 1e-6, name);
  }
  // A symbol with a parameter of its own cannot share A's.
  Symbol other = sym::SoftmaxOutput(
      sym::FullyConnected(sym::Variable("data"), {{"num_hidden", 2}}, "other"), {}, "softmax");
  mod::Module d(other);
  EXPECT_THROW(
      d.Bind({{"data", {4, 4}}}, {{"softmax_label", {4}}}, true, false, false, GradReq::kWrite, &a),
      ValueError);
}

TEST(Module, UpdateIsOneSgdStepOnTheBatchMeanGradient) {
  mod::Module m(Classifier());
  m.Bind({{"data", {4, 4}}}, {{"softmax_label", {4}}});
  m.InitParams(mod::InitParamsOptions{std::make_shared<init::Uniform>(0.5)});
  m.InitOptimizer("local", "sgd", {{"learning_rate", 0.5}});
  auto [before, aux0] = m.GetParams();
  NDArray x = testing::Rand({4, 4}).AsType(kFloat32);
  NDArray y = nd::array({0, 1, 1, 0});
  m.Forward(io::DataBatch({x}, {y}));
  m.Backward();
  m.Update();
  auto [after, aux1] = m.GetParams();
  // SoftmaxOutput's gradient: (softmax - onehot); dW = that^T x, summed; rescale 1/batch.
  std::vector<float> p = m.GetOutputs()[0].ToVector<float>();
  std::vector<float> xv = x.ToVector<float>(), w0 = before.at("fc_weight").ToVector<float>();
  std::vector<float> w1 = after.at("fc_weight").ToVector<float>();
  std::vector<float> lab = {0, 1, 1, 0};
  for (int c = 0; c < 2; ++c)
    for (int k = 0; k < 4; ++k) {
      double g = 0;
      for (int n = 0; n < 4; ++n) g += (p[n * 2 + c] - (lab[n] == c)) * xv[n * 4 + k];
      EXPECT_NEAR(w1[c * 4 + k], w0[c * 4 + k] - 0.5 * g / 4, 1e-5);
    }
}

TEST(Module, FitLearnsAndLogsAsMXNet) {
  std::unique_ptr<io::NDArrayIter> train = Blobs(200, 10, 1), val = Blobs(60, 10, 2);
  mod::Module m(Classifier());
  std::vector<std::string> lines;
  mod::FitOptions fit;
  fit.eval_data = val.get();
  fit.num_epoch = 3;
  fit.optimizer_params = {{"learning_rate", 0.1}};
  fit.logger = [&](const std::string& l) { lines.push_back(l); };
  int batches = 0;
  fit.batch_end_callback.push_back([&](const mod::BatchEndParam& p) {
    ++batches;
    EXPECT_NE(p.eval_metric, nullptr);
  });
  std::vector<int> epochs_ended;
  fit.epoch_end_callback.push_back(
      [&](int epoch, const Symbol&, const mod::ParamDict& arg, const mod::ParamDict&) {
        epochs_ended.push_back(epoch);
        EXPECT_EQ(arg.count("fc_weight"), 1u);
      });
  m.Fit(train.get(), fit);
  EXPECT_EQ(batches, 60);
  EXPECT_EQ(epochs_ended, (std::vector<int>{0, 1, 2}));
  ASSERT_EQ(lines.size(), 9u);
  EXPECT_EQ(lines[0].rfind("Epoch[0] Train-accuracy=", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("Epoch[0] Time cost=", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("Epoch[0] Validation-accuracy=", 0), 0u) << lines[2];
  EXPECT_EQ(lines[8], "Epoch[2] Validation-accuracy=1.000000");
  metric::Accuracy acc;
  EXPECT_EQ(m.Score(val.get(), &acc)[0].second, 1.0);
}

TEST(Module, PredictDropsPaddingAndCheckpointsRoundTrip) {
  std::unique_ptr<io::NDArrayIter> data = Blobs(10, 4, 3, /*shuffle=*/false);
  mod::Module m(Classifier());
  m.Bind(data->ProvideData(), data->ProvideLabel(), false);
  m.InitParams();
  std::vector<NDArray> out = m.Predict(data.get());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), Shape({10, 2}));
  std::string prefix = ::testing::TempDir() + "/blobs";
  m.SaveCheckpoint(prefix, 3);
  auto [symbol, arg, aux] = mod::LoadCheckpoint(prefix, 3);
  EXPECT_EQ(symbol.ListArguments(), m.symbol().ListArguments());
  mod::Module back(symbol);
  back.Bind(data->ProvideData(), data->ProvideLabel(), false);
  back.SetParams(arg, aux);
  testing::ExpectNDArrayNear(back.Predict(data.get())[0], out[0], 0, "restored predictions");
  EXPECT_THROW(mod::LoadCheckpoint(prefix, 4), IOError);
  // do_checkpoint as an epoch-end callback: epoch 1 ends -> prefix-0002.params.
  auto [arg2, aux2] = m.GetParams();
  mod::DoCheckpoint(prefix, 2)(0, m.symbol(), arg2, aux2);  // period 2: epoch 0 writes nothing
  EXPECT_THROW(mod::LoadCheckpoint(prefix, 1), IOError);
  mod::DoCheckpoint(prefix, 2)(1, m.symbol(), arg2, aux2);
  EXPECT_EQ(std::get<1>(mod::LoadCheckpoint(prefix, 2)).size(), arg.size());
  std::remove((prefix + "-0002.params").c_str());
  std::remove((prefix + "-symbol.json").c_str());
  std::remove((prefix + "-0003.params").c_str());
}

TEST(Module, TwoContextsMatchOneWithTheSameTotalBatch) {
  Symbol net = sym::SoftmaxOutput(
      sym::FullyConnected(
          sym::Activation(sym::FullyConnected(sym::Variable("data"), {{"num_hidden", 6}}, "fc1"),
                          {{"act_type", "tanh"}}, "t1"),
          {{"num_hidden", 3}}, "fc2"),
      {}, "softmax");
  mod::Module one(net, {cpu()}), two(net, {cpu(0), cpu(1)});
  for (mod::Module* m : {&one, &two}) {
    m->Bind({{"data", {8, 5}}}, {{"softmax_label", {8}}});
    random::Seed(11);
    m->InitParams();
    m->InitOptimizer("local", "sgd", {{"learning_rate", 0.5}, {"momentum", 0.9}});
  }
  for (int step = 0; step < 3; ++step) {
    NDArray x = testing::Rand({8, 5}).AsType(kFloat32);
    NDArray y = nd::array({0, 1, 2, 0, 1, 2, 2, 1});
    for (mod::Module* m : {&one, &two}) {
      m->Forward(io::DataBatch({x}, {y}));
      m->Backward();
      m->Update();
    }
    testing::ExpectNDArrayNear(two.GetOutputs()[0], one.GetOutputs()[0], 1e-5, "outputs");
  }
  auto [p1, a1] = one.GetParams();
  auto [p2, a2] = two.GetParams();
  for (const auto& kv : p1) testing::ExpectNDArrayNear(p2.at(kv.first), kv.second, 1e-5, kv.first);
  metric::Accuracy acc1, acc2;
  NDArray y = nd::array({0, 1, 2, 0, 1, 2, 2, 1});
  one.UpdateMetric(&acc1, {y});
  two.UpdateMetric(&acc2, {y});
  EXPECT_EQ(acc1.GetNameValue(), acc2.GetNameValue());
  EXPECT_EQ(two.optimizer()->num_update(), 3);
}

TEST(Module, FixedParametersDoNotMove) {
  mod::Module m(Classifier(), {cpu()}, {"data"}, {"softmax_label"}, {"fc_weight"});
  m.Bind({{"data", {4, 4}}}, {{"softmax_label", {4}}});
  m.InitParams();
  m.InitOptimizer("local", "sgd", {{"learning_rate", 1.0}});
  auto [before, a0] = m.GetParams();
  m.Forward(io::DataBatch({testing::Rand({4, 4}).AsType(kFloat32)}, {nd::array({0, 1, 0, 1})}));
  m.Backward();
  m.Update();
  auto [after, a1] = m.GetParams();
  testing::ExpectNDArrayNear(after.at("fc_weight"), before.at("fc_weight"), 0);
  EXPECT_NE(after.at("fc_bias").ToVector<float>(), before.at("fc_bias").ToVector<float>());
}

}  // namespace
}  // namespace mx
