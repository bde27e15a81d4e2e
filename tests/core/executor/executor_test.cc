// Executor: binding (and its errors), forward and backward values, grad_req semantics, head
// gradients, Reshape, the monitor, and real MXNet models run forward.
#include <gtest/gtest.h>

#include <cmath>

#include "examples/models/networks.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::ExpectNDArrayNear;
using Strings = std::vector<std::string>;

TEST(Executor, RunsTheSeedExample) {
  Symbol s = sym::Variable("data_c") * (sym::Variable("data_a") + sym::Variable("data_b"));
  BindArgs a;
  a.args = {{"data_a", nd::array({1, 2, 3})},
            {"data_b", nd::array({4, 5, 6})},
            {"data_c", nd::array({2, 3, 4})}};
  Executor e = Executor::Bind(s, cpu(), a);
  ExpectNDArrayNear(e.Forward()[0], {10, 21, 36}, 0);
  EXPECT_EQ(e.outputs()[0].shape(), Shape({3}));
  EXPECT_TRUE(e.grad_dict().empty());
  EXPECT_THROW(e.Backward(), ValueError);
}

TEST(Executor, FullyConnectedForwardAndBackwardMatchHandComputedValues) {
  Symbol fc = sym::FullyConnected(sym::Variable("x"), {{"num_hidden", 2}}, "fc");
  BindArgs a;
  a.args = {{"x", nd::array({{1, 2}, {3, 4}})},
            {"fc_weight", nd::array({{1, 0}, {1, -1}})},
            {"fc_bias", nd::array({0.5, 0})}};
  a.args_grad = {{"fc_weight", nd::zeros({2, 2})}, {"fc_bias", nd::zeros({2})}};
  Executor e = Executor::Bind(fc, cpu(), a);
  ExpectNDArrayNear(e.Forward(true)[0], {1.5, -1, 3.5, -1}, 1e-6);
  e.Backward();  // head gradient ones
  ExpectNDArrayNear(e.grad_dict().at("fc_weight"), {4, 6, 4, 6}, 1e-6);
  ExpectNDArrayNear(e.grad_dict().at("fc_bias"), {2, 2}, 1e-6);
  EXPECT_EQ(e.grad_dict().count("x"), 0u);
  // Explicit head gradients replace the ones; the next plain Backward uses ones again.
  e.Backward({nd::array({{1, 0}, {0, 2}})});
  ExpectNDArrayNear(e.grad_dict().at("fc_weight"), {1, 2, 6, 8}, 1e-6);
  e.Backward();
  ExpectNDArrayNear(e.grad_dict().at("fc_bias"), {2, 2}, 1e-6);
}

TEST(Executor, GradReqAddAccumulatesAndNullSkips) {
  Symbol y = sym::Variable("a") * sym::Variable("b");
  BindArgs args;
  args.args = {{"a", nd::array({1, 2})}, {"b", nd::array({3, 4})}};
  args.args_grad = {{"a", nd::ones({2})}, {"b", nd::zeros({2})}};
  args.grad_req = {{"a", GradReq::kAdd}, {"b", GradReq::kNull}};
  Executor e = Executor::Bind(y, cpu(), args);
  e.Forward(true);
  e.Backward();
  e.Backward();
  ExpectNDArrayNear(e.grad_dict().at("a"), {1 + 3 + 3, 1 + 4 + 4}, 1e-6);
  EXPECT_EQ(e.grad_dict().count("b"), 0u);
  ExpectNDArrayNear(args.args_grad.at("b"), {0, 0}, 0);
  EXPECT_EQ(ParseGradReq("add"), GradReq::kAdd);
  EXPECT_THROW(ParseGradReq("accumulate"), ValueError);
}

// Gradients bound in another host context (cpu_shared, as Module::Fit with a dist store):
// the same bits as on the executor's own; a GPU context for them is refused.
TEST(Executor, GradientsOnCpuSharedMatchThoseOnCpu) {
  Symbol fc = sym::FullyConnected(sym::Variable("x"), {{"num_hidden", 3}}, "fc");
  Symbol y = sym::Activation(fc, {{"act_type", "tanh"}});
  SimpleBindArgs a;
  a.shapes = {{"x", Shape({4, 5})}};
  a.grad_reqs = {{"x", GradReq::kNull}};
  Executor plain = Executor::SimpleBind(y, cpu(), a);
  a.grad_ctx = cpu_shared();
  Executor shared = Executor::SimpleBind(y, cpu(), a);
  for (Executor* e : {&plain, &shared}) {
    e->arg_dict().at("x").SyncCopyFromCPU(std::vector<float>(20, 0.5f).data(), 20);
    nd::arange(0, 15, 1, 1, cpu()).Reshape({3, 5}).CopyTo(e->arg_dict().at("fc_weight"));
    e->Forward(true);
    e->Backward();
  }
  for (const char* name : {"fc_weight", "fc_bias"}) {
    NDArray g = shared.grad_dict().at(name);
    EXPECT_EQ(g.context(), cpu_shared()) << name;
    EXPECT_EQ(g.ToVector<float>(), plain.grad_dict().at(name).ToVector<float>()) << name;
    EXPECT_NE(g.ToVector<float>()[0], 0.0f) << name;
  }
  a.grad_ctx = gpu(0);
  EXPECT_THROW(Executor::SimpleBind(y, cpu(), a), ContextError);
}

TEST(Executor, BindErrorsNameWhatIsWrong) {
  Symbol fc = sym::FullyConnected(sym::Variable("x"), {{"num_hidden", 2}}, "fc");
  BindArgs a;
  a.args = {{"x", nd::zeros({3, 4})}, {"fc_weight", nd::zeros({2, 4})}};
  try {
    Executor::Bind(fc, cpu(), a);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("fc_bias"), std::string::npos) << e.what();
  }
  a.args["fc_bias"] = nd::zeros({3});
  try {
    Executor::Bind(fc, cpu(), a);
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("fc (FullyConnected)"), std::string::npos) << m;
    EXPECT_NE(m.find("(3)"), std::string::npos) << m;
  }
  a.args["fc_bias"] = nd::zeros({2});
  a.args["y"] = nd::zeros({2});
  EXPECT_THROW(Executor::Bind(fc, cpu(), a), ValueError);
  a.args.erase("y");
  a.args["fc_bias"] = nd::zeros({2}, cpu(), kFloat64);
  EXPECT_THROW(Executor::Bind(fc, cpu(), a), TypeError);
  a.args["fc_bias"] = nd::zeros({2});
  a.grad_req = {{"x", GradReq::kWrite}};
  EXPECT_THROW(Executor::Bind(fc, cpu(), a), ValueError);  // no gradient array for x
}

TEST(Executor, GradientThroughAnOperatorWithoutOneIsAClearError) {
  Symbol x = sym::Variable("x");
  Symbol y = sym::Op("argmax", {x}, {{"axis", 1}}) + sym::Variable("z");
  SimpleBindArgs a;
  a.shapes = {{"x", {2, 3}}, {"z", {2}}};
  try {
    Executor::SimpleBind(y, cpu(), a);
    FAIL() << "expected NotImplementedError";
  } catch (const NotImplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("argmax"), std::string::npos) << e.what();
  }
  a.grad_reqs = {{"x", GradReq::kNull}};
  Executor e = Executor::SimpleBind(y, cpu(), a);
  EXPECT_EQ(e.grad_dict().size(), 1u);
}

TEST(Executor, BatchNormUpdatesMovingStatisticsOnlyInTraining) {
  Symbol bn = sym::BatchNorm(sym::Variable("x"), {{"fix_gamma", false}, {"momentum", 0.5}}, "bn");
  SimpleBindArgs a;
  a.shapes = {{"x", {4, 1}}};
  a.grad_req = GradReq::kNull;
  Executor e = Executor::SimpleBind(bn, cpu(), a);
  e.arg_dict().at("x").SyncCopyFromCPU(std::vector<float>{1, 2, 3, 6}.data(), 4);
  e.arg_dict().at("bn_gamma") = 1.0;
  e.aux_dict().at("bn_moving_var") = 1.0;
  e.Forward(false);
  ExpectNDArrayNear(e.aux_dict().at("bn_moving_mean"), {0}, 0);
  e.Forward(true);
  ExpectNDArrayNear(e.aux_dict().at("bn_moving_mean"), {0.5 * 3}, 1e-6);
  std::vector<float> out = e.outputs()[0].ToVector<float>();
  EXPECT_NEAR(out[0] + out[1] + out[2] + out[3], 0.0, 1e-5);
}

TEST(Executor, DropoutIsIdentityAtInferenceAndMasksInTraining) {
  Symbol d = sym::Dropout(sym::Variable("x"), {{"p", 0.5}}, "drop");
  SimpleBindArgs a;
  a.shapes = {{"x", {1000}}};
  Executor e = Executor::SimpleBind(d, cpu(), a);
  e.arg_dict().at("x") = 1.0;
  std::vector<float> eval = e.Forward(false)[0].ToVector<float>();
  EXPECT_EQ(eval, std::vector<float>(1000, 1.0f));
  std::vector<float> train = e.Forward(true)[0].ToVector<float>();
  int zeros = 0;
  for (float v : train) {
    EXPECT_TRUE(v == 0.0f || v == 2.0f) << v;
    zeros += v == 0.0f;
  }
  EXPECT_GT(zeros, 400);
  EXPECT_LT(zeros, 600);
  e.Backward();
  std::vector<float> g = e.grad_dict().at("x").ToVector<float>();
  for (size_t i = 0; i < g.size(); ++i) EXPECT_EQ(g[i], train[i]);  // mask * ones
}

TEST(Executor, ReshapeKeepsParametersAndFollowsTheNewBatch) {
  Symbol net = models::Mlp(3);
  SimpleBindArgs a;
  a.shapes = {{"data", {4, 5}}};
  Executor e = Executor::SimpleBind(net, cpu(), a);
  for (auto& [name, array] : e.arg_dict())
    testing::Rand(array.shape()).AsType(kFloat32).CopyTo(array);
  NDArray first_rows = e.arg_dict().at("data").Slice(0, 2).Copy();
  std::vector<float> big = e.Forward()[0].ToVector<float>();
  Executor small = e.Reshape({{"data", {2, 5}}});
  EXPECT_TRUE(small.arg_dict().at("fc1_weight").SharesMemoryWith(e.arg_dict().at("fc1_weight")));
  EXPECT_FALSE(small.arg_dict().at("data").SharesMemoryWith(e.arg_dict().at("data")));
  first_rows.CopyTo(small.arg_dict().at("data"));
  std::vector<float> out = small.Forward()[0].ToVector<float>();
  ASSERT_EQ(out.size(), 6u);
  for (size_t i = 0; i < 6; ++i) EXPECT_NEAR(out[i], big[i], 1e-5);
  EXPECT_EQ(small.outputs()[0].shape(), Shape({2, 3}));
}

TEST(Executor, MonitorSeesEveryOperatorOutputInOrder) {
  Symbol net = models::SeedNet(2, true);
  SimpleBindArgs a;
  a.shapes = {{"data", {1, 3, 4, 4}}};
  Executor e = Executor::SimpleBind(net, cpu(), a);
  Strings seen;
  e.SetMonitorCallback([&](const std::string& name, const NDArray& out) {
    seen.push_back(name);
    EXPECT_GT(out.size(), 0);
  });
  e.Forward(true);
  EXPECT_EQ(seen, (Strings{"conv1_output", "bn1_output", "relu1_output", "pool1_output",
                           "fc1_output", "softmax_output"}));
  seen.clear();
  e.Backward();
  EXPECT_FALSE(seen.empty());
}

TEST(Executor, RunsMXNetLenetLikeTheImperativeOperators) {
  const std::string dir = "tests/data/mxnet-artifacts/";
  Symbol net = LoadSymbolFile(dir + "lenet-symbol.json");
  std::map<std::string, NDArray> params = nd::LoadDict(dir + "lenet-0001.params");
  BindArgs a;
  NDArray data = testing::Rand({2, 1, 28, 28}, 0, 1).AsType(kFloat32);
  a.args["data"] = data;
  for (const std::string& name : net.ListArguments()) {
    if (name == "data") continue;
    auto it = params.find(name);
    if (it == params.end()) it = params.find("arg:" + name);
    ASSERT_NE(it, params.end()) << name;
    a.args[name] = it->second;
  }
  Executor e = Executor::Bind(net, cpu(), a);
  NDArray out = e.Forward()[0];
  ASSERT_EQ(out.shape(), Shape({2, 10}));
  // The same network written with mx::nd calls.
  auto p = [&](const std::string& n) { return a.args.at("hybridsequential0_" + n); };
  NDArray x = nd::Op1("Convolution", {data, p("conv0_weight"), p("conv0_bias")},
                      {{"kernel", {5, 5}}, {"num_filter", 5}});
  x = nd::Op1("Activation", {x}, {{"act_type", "relu"}});
  x = nd::Op1("Pooling", {x}, {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}});
  x = nd::Op1("Convolution", {x, p("conv1_weight"), p("conv1_bias")},
              {{"kernel", {5, 5}}, {"num_filter", 5}});
  x = nd::Op1("Activation", {x}, {{"act_type", "relu"}});
  x = nd::Op1("Pooling", {x}, {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}});
  x = nd::Op1("FullyConnected", {nd::Flatten(x), p("dense0_weight"), p("dense0_bias")},
              {{"num_hidden", 32}});
  x = nd::Op1("Activation", {x}, {{"act_type", "relu"}});
  x = nd::Op1("FullyConnected", {x, p("dense1_weight"), p("dense1_bias")}, {{"num_hidden", 10}});
  ExpectNDArrayNear(out, x, 1e-4, "lenet output");
}

TEST(Executor, RunsMXNetMtcnnDet1) {
  const std::string dir = "tests/data/mxnet-artifacts/";
  Symbol net = LoadSymbolFile(dir + "det1-symbol.json");
  std::map<std::string, NDArray> params = nd::LoadDict(dir + "det1-0001.params");
  BindArgs a;
  a.args["data"] = testing::Rand({1, 3, 24, 24}, -1, 1).AsType(kFloat32);
  for (const std::string& name : net.ListArguments()) {
    if (name == "data") continue;
    auto it = params.find("arg:" + name);
    ASSERT_NE(it, params.end()) << name;
    a.args[name] = it->second;
  }
  Executor e = Executor::Bind(net, cpu(), a);
  e.Forward();
  // P-Net on 24x24: a 7x7 map of box offsets (4 channels) and of face probabilities (2).
  std::map<std::string, NDArray> outs = e.output_dict();
  ASSERT_EQ(outs.size(), 2u);
  NDArray prob = outs.at("prob1_output");
  ASSERT_EQ(prob.shape(), Shape({1, 2, 7, 7}));
  EXPECT_EQ(outs.at("conv4_2_output").shape(), Shape({1, 4, 7, 7}));
  std::vector<float> v = prob.ToVector<float>();
  for (int i = 0; i < 49; ++i) {
    EXPECT_NEAR(v[i] + v[49 + i], 1.0f, 1e-5);
    EXPECT_TRUE(v[i] > 0 && v[i] < 1);
  }
}

}  // namespace
}  // namespace mx
