// Optimizers and learning-rate schedules against MXNet's update rules computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::ExpectNDArrayNear;

TEST(Optimizer, SgdAppliesRescaleWeightDecayAndLrMult) {
  auto sgd = opt::Create("sgd", {{"learning_rate", 0.1}, {"wd", 0.01}, {"rescale_grad", 0.5}});
  NDArray w = nd::array({1.0, -2.0}), g = nd::array({2.0, 4.0});
  std::vector<NDArray> state = sgd->CreateState(0, w);
  EXPECT_TRUE(state.empty());
  sgd->Update(0, w, g, &state);
  // w - lr * (rescale * g + wd * w)
  ExpectNDArrayNear(w, {1 - 0.1 * (1 + 0.01), -2 - 0.1 * (2 - 0.02)}, 1e-6);
  sgd->SetParamNames({{0, "fc_weight"}, {1, "fc_bias"}});
  sgd->SetLrMult({{"fc_bias", 2.0}});
  NDArray b = nd::array({1.0});
  sgd->Update(1, b, nd::array({2.0}), &state);
  ExpectNDArrayNear(b, {1 - 0.2 * 1.0}, 1e-6);  // lr x2, and no weight decay on a bias
  EXPECT_EQ(sgd->num_update(), 1);
  EXPECT_EQ(sgd->update_counts().at(0), 1);
}

TEST(Optimizer, SgdMomentumFollowsMXNet) {
  auto sgd = opt::Create("sgd", {{"learning_rate", 0.1}, {"momentum", 0.9}});
  NDArray w = nd::array({1.0}), g = nd::array({1.0});
  std::vector<NDArray> s = sgd->CreateState(0, w);
  ASSERT_EQ(s.size(), 1u);
  sgd->Update(0, w, g, &s);  // mom = -0.1; w = 0.9
  sgd->Update(0, w, g, &s);  // mom = 0.9 * -0.1 - 0.1 = -0.19; w = 0.71
  ExpectNDArrayNear(w, {0.71}, 1e-6);
  ExpectNDArrayNear(s[0], {-0.19}, 1e-6);
}

TEST(Optimizer, MultiPrecisionSgdKeepsAFloat32MasterCopy) {
  auto sgd =
      opt::Create("sgd", {{"learning_rate", 0.1}, {"momentum", 0.5}, {"multi_precision", true}});
  NDArray w = nd::array({1.0, -1.0}).AsType(kFloat16);
  std::vector<NDArray> s = sgd->CreateState(0, w);
  ASSERT_EQ(s.size(), 2u);  // momentum and the float32 master weight
  EXPECT_EQ(s[0].dtype(), kFloat32);
  EXPECT_EQ(s[1].dtype(), kFloat32);
  // Many tiny steps: the float32 master accumulates what float16 alone would round away.
  NDArray g = nd::array({0.001, 0.001}).AsType(kFloat16);
  for (int i = 0; i < 10; ++i) sgd->Update(0, w, g, &s);
  std::vector<float> master = s[1].ToVector<float>();
  EXPECT_LT(master[0], 1.0f - 0.0015f);
  EXPECT_NEAR(w.AsType(kFloat32).ToVector<float>()[0], master[0], 1e-3);
}

TEST(Optimizer, AdamFoldsBiasCorrectionIntoTheRate) {
  auto adam = opt::Create("adam", {{"learning_rate", 0.01}});
  NDArray w = nd::array({1.0, 1.0}), g = nd::array({0.5, -3.0});
  std::vector<NDArray> s = adam->CreateState(0, w);
  adam->Update(0, w, g, &s);
  // Step 1: m_hat / sqrt(v_hat) = sign(g), so w moves by lr against the gradient.
  ExpectNDArrayNear(w, {0.99, 1.01}, 1e-5);
  adam->Update(0, w, g, &s);
  ExpectNDArrayNear(w, {0.98, 1.02}, 1e-5);
}

TEST(Optimizer, OtherOptimizersStepDownhill) {
  for (const char* name :
       {"nag", "rmsprop", "adagrad", "signum", "lamb", "adadelta", "adamax", "nadam", "ftrl"}) {
    auto o = opt::Create(name, {{"learning_rate", 0.01}});
    NDArray w = nd::array({1.0, -1.0}), g = nd::array({1.0, -1.0});
    std::vector<NDArray> s = o->CreateState(0, w);
    o->Update(0, w, g, &s);
    std::vector<float> v = w.ToVector<float>();
    EXPECT_LT(v[0], 1.0f) << name;
    EXPECT_GT(v[1], -1.0f) << name;
  }
}

TEST(Optimizer, AdaDeltaAndAdamaxFirstSteps) {
  auto ada = opt::Create("adadelta");
  NDArray w = nd::array({1.0}), g = nd::array({1.0});
  std::vector<NDArray> s = ada->CreateState(0, w);
  ada->Update(0, w, g, &s);
  // acc_g = 0.1; delta = sqrt(1e-5) / sqrt(0.1 + 1e-5) * 1
  ExpectNDArrayNear(w, {1.0 - std::sqrt(1e-5) / std::sqrt(0.1 + 1e-5)}, 1e-6);
  // Weight decay as MXNet 1.x: w -= delta + wd * w, the gradient statistics without it.
  auto decayed = opt::Create("adadelta", {{"wd", 0.1}});
  NDArray u = nd::array({2.0});
  std::vector<NDArray> su = decayed->CreateState(0, u);
  decayed->Update(0, u, nd::array({1.0}), &su);
  ExpectNDArrayNear(u, {2.0 - std::sqrt(1e-5) / std::sqrt(0.1 + 1e-5) - 0.1 * 2.0}, 1e-6);
  ExpectNDArrayNear(su[0], {0.1}, 1e-7);
  auto amax = opt::Create("adamax", {{"learning_rate", 0.002}});
  NDArray v = nd::array({1.0, 1.0});
  std::vector<NDArray> t = amax->CreateState(0, v);
  amax->Update(0, v, nd::array({0.5, -2.0}), &t);
  // lr / (1 - beta1) * (0.1 g) / |g| = 0.002 * sign(g)
  ExpectNDArrayNear(v, {0.998, 1.002}, 1e-6);
}

TEST(Optimizer, BadNamesAreClearErrors) {
  try {
    opt::Create("sgd", {{"learning_rat", 0.1}});
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("learning_rate"), std::string::npos) << e.what();
  }
  EXPECT_THROW(opt::Create("adamw"), ValueError);
}

TEST(LRScheduler, SchedulesMatchTheirFormulas) {
  opt::FactorScheduler f(2, 0.5, 1e-8, 1.0);
  EXPECT_DOUBLE_EQ(f(1), 1.0);
  EXPECT_DOUBLE_EQ(f(2), 1.0);
  EXPECT_DOUBLE_EQ(f(3), 0.5);
  EXPECT_DOUBLE_EQ(f(5), 0.25);
  opt::MultiFactorScheduler m({2, 4}, 0.1, 1.0);
  EXPECT_DOUBLE_EQ(m(2), 1.0);
  EXPECT_NEAR(m(3), 0.1, 1e-12);
  EXPECT_NEAR(m(5), 0.01, 1e-12);
  opt::PolyScheduler p(10, 1.0, 2);
  EXPECT_NEAR(p(5), 0.25, 1e-12);
  opt::CosineScheduler c(10, 1.0);
  EXPECT_NEAR(c(5), 0.5, 1e-12);
  EXPECT_NEAR(c(10), 0.0, 1e-12);
  opt::FactorScheduler warm(100, 1.0, 1e-8, 1.0, 4, 0.0);
  EXPECT_NEAR(warm(2), 0.5, 1e-12);
  EXPECT_THROW(opt::PolyScheduler(3, 1.0, 2, 0, 5), ValueError);
}

TEST(LRScheduler, DrivesTheOptimizerByUpdateCount) {
  auto sgd = opt::Create("sgd", {{"learning_rate", 1.0}});
  sgd->set_lr_scheduler(std::make_shared<opt::FactorScheduler>(1, 0.5, 1e-8, 1.0));
  NDArray w = nd::array({0.0});
  std::vector<NDArray> s;
  sgd->Update(0, w, nd::array({1.0}), &s);  // lr 1
  sgd->Update(0, w, nd::array({1.0}), &s);  // lr 0.5
  ExpectNDArrayNear(w, {-1.5}, 1e-6);
  sgd->RestoreCounts({{0, 5}});
  EXPECT_EQ(sgd->num_update(), 5);
  EXPECT_NEAR(sgd->learning_rate(), 1.0 / 16, 1e-12);
}

}  // namespace
}  // namespace mx
