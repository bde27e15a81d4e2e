#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using V = std::vector<float>;

TEST(Elemwise, SeedArithmetic) {
  NDArray a = nd::array({1, 2, 3}), b = nd::array({4, 5, 6}), c = nd::array({2, 3, 4});
  EXPECT_EQ((c * (a + b)).ToString(), "[10. 21. 36.]\n<NDArray 3 @cpu(0)>");
}

TEST(Elemwise, BroadcastingFollowsNumpy) {
  NDArray a = nd::arange(0, 6).Reshape({2, 3});
  NDArray row = nd::array({10, 20, 30});
  NDArray col = nd::array({{100}, {200}});
  EXPECT_EQ((a + row).ToVector<float>(), (V{10, 21, 32, 13, 24, 35}));
  EXPECT_EQ((a + col).ToVector<float>(), (V{100, 101, 102, 203, 204, 205}));
  EXPECT_EQ((row + col).shape(), Shape({2, 3}));
  EXPECT_EQ((row - col).ToVector<float>(), (V{-90, -80, -70, -190, -180, -170}));
  NDArray x = nd::arange(0, 8).Reshape({2, 1, 4});
  NDArray y = nd::arange(0, 3).Reshape({3, 1});
  NDArray r = x * y;  // (2,1,4) x (3,1) -> (2,3,4)
  ASSERT_EQ(r.shape(), Shape({2, 3, 4}));
  std::vector<float> rv = r.ToVector<float>();
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) EXPECT_EQ(rv[(i * 3 + j) * 4 + k], (i * 4 + k) * j);
}

TEST(Elemwise, BroadcastShapeMismatchNamesBothShapes) {
  try {
    (nd::ones({2, 3}) + nd::ones({4})).WaitToRead();
    FAIL();
  } catch (const ShapeError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("broadcast_add"), std::string::npos) << m;
    EXPECT_NE(m.find("(2,3)"), std::string::npos) << m;
    EXPECT_NE(m.find("(4)"), std::string::npos) << m;
  }
  EXPECT_THROW(nd::Op1("elemwise_add", {nd::ones({2}), nd::ones({3})}), ShapeError);
}

TEST(Elemwise, ScalarOpsBothSides) {
  NDArray a = nd::array({1, 2, 4});
  EXPECT_EQ((a + 1).ToVector<float>(), (V{2, 3, 5}));
  EXPECT_EQ((10 - a).ToVector<float>(), (V{9, 8, 6}));
  EXPECT_EQ((a - 10).ToVector<float>(), (V{-9, -8, -6}));
  EXPECT_EQ((8 / a).ToVector<float>(), (V{8, 4, 2}));
  EXPECT_EQ((a / 2).ToVector<float>(), (V{0.5, 1, 2}));
  EXPECT_EQ((a * 3).ToVector<float>(), (V{3, 6, 12}));
  EXPECT_EQ((-a).ToVector<float>(), (V{-1, -2, -4}));
  EXPECT_EQ((a > 1.5).ToVector<float>(), (V{0, 1, 1}));
  EXPECT_EQ((a == 2).ToVector<float>(), (V{0, 1, 0}));
  EXPECT_EQ(nd::Op1("_rpower_scalar", {a}, {{"scalar", 2}}).ToVector<float>(), (V{2, 4, 16}));
}

TEST(Elemwise, ModTakesTheDivisorSign) {
  NDArray a = nd::array({5, -5, 5, -5}), b = nd::array({3, 3, -3, -3});
  EXPECT_EQ((a % b).ToVector<float>(), (V{2, 1, -1, -2}));
  EXPECT_EQ((nd::array({7, -7}, kInt32) % 3.0).ToVector<int>(), (std::vector<int>{1, 2}));
  EXPECT_EQ((nd::array({1}) % 0.0).ToVector<float>(), (V{0}));
}

TEST(Elemwise, UnaryMathMatchesLibm) {
  std::vector<double> xs = {-2.5, -0.5, 0.0, 0.5, 1.5, 2.5};
  NDArray a = nd::array(xs, Shape{6});
  struct Case {
    const char* name;
    double (*f)(double);
  };
  std::vector<Case> cases = {
      {"exp", [](double x) { return std::exp(x); }},
      {"tanh", [](double x) { return std::tanh(x); }},
      {"sigmoid", [](double x) { return 1 / (1 + std::exp(-x)); }},
      {"relu", [](double x) { return x > 0 ? x : 0.0; }},
      {"abs", [](double x) { return std::fabs(x); }},
      {"sign", [](double x) { return double((x > 0) - (x < 0)); }},
      {"round", [](double x) { return std::round(x); }},
      {"rint", [](double x) { return std::nearbyint(x); }},
      {"floor", [](double x) { return std::floor(x); }},
      {"ceil", [](double x) { return std::ceil(x); }},
      {"square", [](double x) { return x * x; }},
      {"softsign", [](double x) { return x / (1 + std::fabs(x)); }},
      {"erf", [](double x) { return std::erf(x); }},
  };
  for (const Case& c : cases) {
    std::vector<float> got = nd::Op1(c.name, {a}).ToVector<float>();
    for (size_t i = 0; i < xs.size(); ++i)
      EXPECT_NEAR(got[i], c.f(static_cast<float>(xs[i])), 1e-6) << c.name << "(" << xs[i] << ")";
  }
  EXPECT_EQ(nd::round(nd::array({0.5, 1.5, -0.5})).ToVector<float>(), (V{1, 2, -1}));
  std::vector<float> s = nd::sqrt(nd::array({4, 9})).ToVector<float>();
  EXPECT_EQ(s, (V{2, 3}));
  EXPECT_TRUE(std::isnan(nd::log(nd::array({-1})).ToVector<float>()[0]));
}

TEST(Elemwise, IntegerAndHalfDTypes) {
  NDArray i8 = nd::array({100, -100}, kInt8);
  EXPECT_EQ((i8 + i8).dtype(), kInt8);
  EXPECT_EQ((nd::array({3, 4}, kInt64) * nd::array({5, 6}, kInt64)).ToVector<int64_t>(),
            (std::vector<int64_t>{15, 24}));
  EXPECT_EQ((nd::array({1.5, 2.5}, kFloat16) + 1).ToVector<float>(), (V{2.5, 3.5}));
  EXPECT_EQ((nd::array({250}, kUint8) + 10).ToVector<int>(), (std::vector<int>{4}));  // wraps
  EXPECT_THROW(nd::array({1}, kInt8) + nd::array({1}), TypeError);
  EXPECT_THROW((nd::array({1}, kBool) + nd::array({1}, kBool)).WaitToRead(), TypeError);
}

TEST(Elemwise, InPlaceOperatorsWriteIntoTheArray) {
  NDArray a = nd::array({1, 2, 3});
  NDArray alias = a;
  a += nd::array({10, 10, 10});
  a *= 2;
  EXPECT_EQ(alias.ToVector<float>(), (V{22, 24, 26}));
  NDArray m = nd::ones({2, 3});
  m -= nd::array({1, 2, 3});  // broadcasts into m
  EXPECT_EQ(m.ToVector<float>(), (V{0, -1, -2, 0, -1, -2}));
  NDArray small = nd::ones({3});
  EXPECT_THROW(small += nd::ones({2, 3}), ShapeError);
}

TEST(Elemwise, ContextMismatchIsMXNetsMessage) {
  // A pinned-CPU array and a GPU array cannot meet; without a GPU we can still check the
  // message using contexts from two device types that both allocate here.
  if (GpuCount() == 0) {
    NDArray a = nd::ones({2});
    EXPECT_THROW(a.AsInContext(gpu(0)), ContextError);
    return;
  }
  NDArray e = nd::array({{-1, 2, 3, 4}, {5, 6, 7, 8}}).AsInContext(gpu(0));
  NDArray f = nd::array({{2, 3, 4, 5}, {6, 7, 8, 9}});
  try {
    (e + f).WaitToRead();
    FAIL();
  } catch (const ContextError& err) {
    EXPECT_NE(
        std::string(err.what())
            .find("Operator broadcast_add require all inputs live on the same context. But the "
                  "first argument is on gpu(0) while the 2-th argument is on cpu(0)"),
        std::string::npos)
        << err.what();
  }
}

TEST(Elemwise, UnknownOperatorAndParameterAreClear) {
  try {
    nd::Op1("broadcast_plux", {nd::ones({1}), nd::ones({1})});
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("broadcast_plux"), std::string::npos);
  }
  // broadcast_plus is MXNet's other name for broadcast_add
  EXPECT_EQ(nd::Op1("broadcast_plus", {nd::ones({1}), nd::ones({1})}).ToVector<float>(),
            std::vector<float>{2});
  try {
    nd::Op1("_plus_scalar", {nd::ones({1})}, {{"scalr", 1}});
    FAIL();
  } catch (const ValueError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("scalr"), std::string::npos) << m;
    EXPECT_NE(m.find("valid parameters are: scalar"), std::string::npos) << m;
  }
  EXPECT_THROW(nd::Op1("_plus_scalar", {nd::ones({1})}, {{"scalar", "abc"}}), ValueError);
}

TEST(Elemwise, KernelErrorsSurfaceAtTheNextWait) {
  NDArray idx = nd::array({0, 5});
  NDArray out = nd::take(nd::ones({3}), idx, {{"mode", "raise"}});
  try {
    out.WaitToRead();
    FAIL();
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("index 5"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mx

namespace mx {
namespace {

TEST(Elementwise, Float32TanhIsAccurateEverywhere) {
  std::vector<float> xs;
  for (double v = -20; v <= 20; v += 0.001) xs.push_back(static_cast<float>(v));
  for (float v : {1e-30f, 1e-8f, 3e-5f, 0.0624f, 0.0625f, 0.0626f, 8.99f, 9.0f, 9.01f, 88.0f})
    for (float s : {1.0f, -1.0f}) xs.push_back(s * v);
  xs.push_back(0.0f);
  NDArray in(xs.data(), {static_cast<int64_t>(xs.size())}, kFloat32);
  std::vector<float> got = nd::tanh(in).ToVector<float>();
  double worst = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    double want = std::tanh(static_cast<double>(xs[i]));
    double err = std::fabs(got[i] - want) / std::max(std::fabs(want), 1e-30);
    worst = std::max(worst, err);
    ASSERT_LE(err, 5e-7) << "tanh(" << xs[i] << ") = " << got[i] << ", want " << want;
  }
  float special[] = {std::numeric_limits<float>::infinity(),
                     -std::numeric_limits<float>::infinity(),
                     std::numeric_limits<float>::quiet_NaN()};
  std::vector<float> s = nd::tanh(NDArray(special, {3}, kFloat32)).ToVector<float>();
  EXPECT_EQ(s[0], 1.0f);
  EXPECT_EQ(s[1], -1.0f);
  EXPECT_TRUE(std::isnan(s[2]));
}

}  // namespace
}  // namespace mx

namespace mx {
namespace {

TEST(Elemwise, SmoothL1AndItsGradient) {
  // sigma 2: quadratic 2 x^2 inside |x| < 0.25, |x| - 0.125 outside.
  NDArray x = nd::array({-1.0, -0.2, 0.0, 0.1, 0.3, 2.0}, Shape{6}, kFloat64);
  std::vector<double> want = {0.875, 0.08, 0.0, 0.02, 0.175, 1.875};
  testing::ExpectNDArrayNear(nd::Op1("smooth_l1", {x}, {{"scalar", 2.0}}), want, 1e-12);
  NDArray away = nd::array({-1.0, -0.2, 0.1, 0.3, 2.0, -0.6}, Shape{6}, kFloat64);  // no kink
  testing::CheckGradient("smooth_l1", {away}, {{"scalar", 2.0}});
  testing::CheckGradient("smooth_l1", {away}, {});  // sigma 1: kink at |x| = 1
}

}  // namespace
}  // namespace mx
