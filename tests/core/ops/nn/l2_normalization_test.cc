// L2Normalization in its three modes against a naive reference; gradients against central
// differences (float64).
#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckAddTo;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

// x of shape (N, C, S) normalized over the axes `mode` groups, naively.
std::vector<double> Naive(const std::vector<double>& x, int64_t n, int64_t c, int64_t s,
                          const std::string& mode, double eps) {
  std::vector<double> y(x.size());
  auto at = [&](int64_t i, int64_t j, int64_t k) { return (i * c + j) * s + k; };
  for (int64_t i = 0; i < n; ++i) {
    if (mode == "instance") {
      double ss = 0;
      for (int64_t j = 0; j < c * s; ++j) ss += x[i * c * s + j] * x[i * c * s + j];
      for (int64_t j = 0; j < c * s; ++j) y[i * c * s + j] = x[i * c * s + j] / std::sqrt(ss + eps);
    } else if (mode == "channel") {
      for (int64_t k = 0; k < s; ++k) {
        double ss = 0;
        for (int64_t j = 0; j < c; ++j) ss += x[at(i, j, k)] * x[at(i, j, k)];
        for (int64_t j = 0; j < c; ++j) y[at(i, j, k)] = x[at(i, j, k)] / std::sqrt(ss + eps);
      }
    } else {
      for (int64_t j = 0; j < c; ++j) {
        double ss = 0;
        for (int64_t k = 0; k < s; ++k) ss += x[at(i, j, k)] * x[at(i, j, k)];
        for (int64_t k = 0; k < s; ++k) y[at(i, j, k)] = x[at(i, j, k)] / std::sqrt(ss + eps);
      }
    }
  }
  return y;
}

TEST(L2Normalization, ModesMatchTheReference) {
  NDArray x = Rand({2, 3, 2, 2});
  for (const char* mode : {"instance", "channel", "spatial"}) {
    NDArray y = nd::Op1("L2Normalization", {x}, {{"mode", mode}, {"eps", 1e-4}});
    ExpectNDArrayNear(y, Naive(x.ToVector<double>(), 2, 3, 4, mode, 1e-4), 1e-12, mode);
    CheckGradient("L2Normalization", {x}, {{"mode", mode}, {"eps", 1e-4}});
    CheckAddTo("L2Normalization", {x}, {{"mode", mode}});
  }
  // a 2-D embedding (MobileFaceNet's fc1n): each row gets norm 1.
  std::vector<float> row =
      nd::Op1("L2Normalization", {nd::array({{3, 4}, {0, 5}})}).ToVector<float>();
  EXPECT_NEAR(row[0], 0.6f, 1e-6);
  EXPECT_NEAR(row[1], 0.8f, 1e-6);
  EXPECT_NEAR(row[3], 1.0f, 1e-6);
  EXPECT_THROW(nd::Op1("L2Normalization", {nd::ones({2, 3})}, {{"mode", "spatial"}}),
               ShapeError);
}

}  // namespace
}  // namespace mx
