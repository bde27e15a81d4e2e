// Initializers: MXNet's name patterns, ranges and scales, __init__ attributes.
#include <gtest/gtest.h>

#include <cmath>

#include "core/tessera.h"

namespace mx {
namespace {

std::pair<double, double> MinMax(const NDArray& a) {
  std::vector<float> v = a.ToVector<float>();
  return {*std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end())};
}

TEST(Initializer, NamePatternsDecideTheFill) {
  init::Uniform u(0.5);
  NDArray w = nd::zeros({50, 40}), b = nd::ones({7}), g = nd::zeros({7}), mv = nd::zeros({7});
  u("fc_weight", w);
  u("fc_bias", b);
  u("bn_gamma", g);
  u("bn_moving_var", mv);
  auto [lo, hi] = MinMax(w);
  EXPECT_GE(lo, -0.5);
  EXPECT_LE(hi, 0.5);
  EXPECT_LT(lo, -0.4);  // 2000 draws cover the range
  EXPECT_GT(hi, 0.4);
  EXPECT_EQ(MinMax(b), std::make_pair(0.0, 0.0));
  EXPECT_EQ(MinMax(g), std::make_pair(1.0, 1.0));
  EXPECT_EQ(MinMax(mv), std::make_pair(1.0, 1.0));
  try {
    u("mystery", nd::zeros({2}));
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("mystery"), std::string::npos);
  }
}

TEST(Initializer, XavierScaleFollowsFans) {
  // uniform, avg, magnitude 3 on (64, 32, 3, 3): scale = sqrt(3 / ((288 + 576) / 2)).
  NDArray w = nd::zeros({64, 32, 3, 3});
  init::Xavier()("conv_weight", w);
  double scale = std::sqrt(3.0 / ((32 * 9 + 64 * 9) / 2.0));
  auto [lo, hi] = MinMax(w);
  EXPECT_GE(lo, -scale - 1e-6);
  EXPECT_LE(hi, scale + 1e-6);
  EXPECT_GT(hi, 0.95 * scale);
  EXPECT_THROW(init::Xavier()("v_weight", nd::zeros({5})), ValueError);
  EXPECT_THROW(init::Xavier("normal"), ValueError);
}

TEST(Initializer, InitAttributeAndCreate) {
  NDArray a = nd::zeros({3});
  init::Uniform().InitByAttr("bn_moving_var", "[\"one\", {}]", a);
  EXPECT_EQ(a.ToVector<float>(), (std::vector<float>{1, 1, 1}));
  init::Uniform().InitByAttr("custom", "[\"constant\", {\"value\": 2.5}]", a);
  EXPECT_EQ(a.ToVector<float>(), (std::vector<float>{2.5, 2.5, 2.5}));
  EXPECT_EQ(init::Create("[\"xavier\", {\"magnitude\": 2}]")->Describe().rfind("Xavier", 0), 0u);
  EXPECT_THROW(init::Create("glorot"), ValueError);
}

TEST(Initializer, OrthogonalRowsAreOrthonormal) {
  NDArray w = nd::zeros({4, 6});
  init::Orthogonal(1.0)("q_weight", w);
  std::vector<float> v = w.ToVector<float>();
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      double dot = 0;
      for (int k = 0; k < 6; ++k) dot += v[i * 6 + k] * v[j * 6 + k];
      EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-5);
    }
}

TEST(Initializer, MixedPicksTheFirstMatchingPattern) {
  init::Mixed m({"fc1_.*", ".*"},
                {std::make_shared<init::Constant>(3), std::make_shared<init::Constant>(7)});
  NDArray a = nd::zeros({2, 2}), b = nd::zeros({2, 2}), bias = nd::ones({2});
  m.Apply("fc1_weight", a);
  m.Apply("fc2_weight", b);
  m.Apply("fc1_bias", bias);  // the bias pattern still wins inside the chosen initializer
  EXPECT_EQ(MinMax(a), std::make_pair(3.0, 3.0));
  EXPECT_EQ(MinMax(b), std::make_pair(7.0, 7.0));
  EXPECT_EQ(MinMax(bias), std::make_pair(0.0, 0.0));
}

}  // namespace
}  // namespace mx
