// The CPU's specialised kernels against naive loops written here, on shapes that reach every
// part of them: 2x2/2 max pooling (pooling_max2x2.cc: odd sizes leave rows and columns outside
// every window, tied values test "first maximum"), BatchNorm's blocked sums (rows longer than
// the 8 partial sums, with a remainder) and the vectorized tanh.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <utility>

#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckAddTo;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

// Values from {0, 1, 2}: many windows hold tied maxima.
NDArray Ties(const Shape& s, DType dtype) {
  std::mt19937 rng(7);
  std::vector<double> v(s.Size());
  for (double& x : v) x = static_cast<double>(rng() % 3);
  return nd::array(v, s, dtype);
}

TEST(Max2x2Pooling, ForwardAndFirstMaximumBackwardMatchNaive) {
  // Widths 9 (four windows a row: the 4-wide vector step) and 31 (15: 8-wide, 4-wide, 3 left).
  const int64_t n = 2, c = 3;
  for (auto [h, w] : {std::pair<int64_t, int64_t>{7, 9}, {6, 31}})
    for (DType dt : {kFloat32, kFloat64}) {
      const int64_t oh = h / 2, ow = w / 2;
      NDArray x = Ties({n, c, h, w}, dt);
      Params p = {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}};
      InvokeOptions train;
      train.is_train = true;
      ParamMap pm = ToParamMap(p);
      std::vector<NDArray> out = InvokeAll("Pooling", {x}, pm, train);
      ASSERT_EQ(out[0].shape(), Shape({n, c, oh, ow}));
      NDArray dy = Rand({n, c, oh, ow}).AsType(dt);
      std::vector<NDArray> dx = Backward("Pooling", {x}, pm, out, {dy});
      std::vector<double> X = x.ToVector<double>(), DY = dy.ToVector<double>();
      std::vector<double> y_want, dx_want(X.size(), 0.0);
      for (int64_t pl = 0; pl < n * c; ++pl)
        for (int64_t i = 0; i < oh; ++i)
          for (int64_t j = 0; j < ow; ++j) {
            int64_t best = -1;
            for (int64_t a = 2 * i; a < 2 * i + 2; ++a)
              for (int64_t b = 2 * j; b < 2 * j + 2; ++b) {
                int64_t k = (pl * h + a) * w + b;
                if (best < 0 || X[k] > X[best]) best = k;
              }
            y_want.push_back(X[best]);
            dx_want[best] += DY[(pl * oh + i) * ow + j];
          }
      ExpectNDArrayNear(out[0], y_want, 0, "max pooling forward");
      ExpectNDArrayNear(dx[0], dx_want, 0, "max pooling backward (first maximum, 0 outside)");
    }
  Params p = {{"kernel", {2, 2}}, {"stride", {2, 2}}};
  CheckGradient("Pooling", {Rand({2, 2, 5, 6})}, p);
  CheckAddTo("Pooling", {Rand({2, 2, 5, 7})}, p);
}

TEST(BatchNorm, LongRowsMatchNaiveInTrainingAndWithGlobalStats) {
  const int64_t n = 3, c = 2, inner = 29;  // 3 blocks of 8 and a remainder of 5 per row
  NDArray x = Rand({n, c, inner}, 2, 5);   // an offset mean: the sums must stay accurate
  NDArray gamma = Rand({c}, 0.5, 1.5), beta = Rand({c});
  NDArray mm = nd::zeros({c}, cpu(), kFloat64), mv = nd::ones({c}, cpu(), kFloat64);
  Params p = {{"fix_gamma", false}, {"eps", 1e-5}};
  InvokeOptions train;
  train.is_train = true;
  std::vector<NDArray> out = InvokeAll("BatchNorm", {x, gamma, beta, mm, mv}, ToParamMap(p), train);
  std::vector<double> X = x.ToVector<double>(), G = gamma.ToVector<double>(),
                      B = beta.ToVector<double>(), want(X.size());
  for (int64_t ch = 0; ch < c; ++ch) {
    double s = 0, s2 = 0;
    for (int64_t o = 0; o < n; ++o)
      for (int64_t i = 0; i < inner; ++i) s += X[(o * c + ch) * inner + i];
    double mean = s / (n * inner);
    for (int64_t o = 0; o < n; ++o)
      for (int64_t i = 0; i < inner; ++i) s2 += std::pow(X[(o * c + ch) * inner + i] - mean, 2);
    double invstd = 1 / std::sqrt(s2 / (n * inner) + 1e-5);
    for (int64_t o = 0; o < n; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        int64_t k = (o * c + ch) * inner + i;
        want[k] = (X[k] - mean) * invstd * G[ch] + B[ch];
      }
  }
  ExpectNDArrayNear(out[0], want, 1e-12, "BatchNorm with 29-element rows");
  CheckGradient("BatchNorm", {x, gamma, beta, mm, mv}, p, {.inputs = {0, 1, 2}});
  CheckAddTo("BatchNorm", {x, gamma, beta, mm, mv}, p);
  CheckGradient("BatchNorm", {x, gamma, beta, mm, mv},
                {{"use_global_stats", true}, {"fix_gamma", false}}, {.inputs = {0, 1, 2}});
}

TEST(Activation, Float32TanhWithinTwoUlpOfLibm) {
  std::vector<double> v;
  for (int i = -200000; i <= 200000; ++i) v.push_back(i * 1e-4);  // [-20, 20]
  for (double e : {1e-30, 1e-8, 0.0625, 9.0, 1e30}) {
    v.push_back(e);
    v.push_back(-e);
  }
  NDArray x = nd::array(v, Shape{static_cast<int64_t>(v.size())}, kFloat32);
  std::vector<float> y = nd::Op1("Activation", {x}, {{"act_type", "tanh"}}).ToVector<float>();
  std::vector<float> xf = x.ToVector<float>();
  for (size_t i = 0; i < xf.size(); ++i) {
    float want = std::tanh(xf[i]);
    int32_t a, b;
    std::memcpy(&a, &y[i], 4);
    std::memcpy(&b, &want, 4);
    ASSERT_LE(std::abs(a - b), 2) << "tanh(" << xf[i] << ") = " << y[i] << ", libm " << want;
  }
  NDArray nan = nd::array({NAN}, Shape{1}, kFloat32);
  EXPECT_TRUE(
      std::isnan(nd::Op1("Activation", {nan}, {{"act_type", "tanh"}}).ToVector<float>()[0]));
}

}  // namespace
}  // namespace mx
