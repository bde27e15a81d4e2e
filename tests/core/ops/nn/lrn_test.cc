// LRN against a naive reference; its gradient against central differences (float64).
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

TEST(LRN, MatchesTheReferenceAndItsGradient) {
  const int64_t n = 2, c = 5, s = 3;
  NDArray x = Rand({n, c, 1, s});
  double alpha = 0.3, beta = 0.75, k = 2;
  std::vector<double> v = x.ToVector<double>(), want(v.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < s; ++p) {
        double sum = 0;
        for (int64_t j = std::max<int64_t>(0, ch - 1); j <= std::min<int64_t>(c - 1, ch + 1); ++j)
          sum += v[(i * c + j) * s + p] * v[(i * c + j) * s + p];
        want[(i * c + ch) * s + p] =
            v[(i * c + ch) * s + p] * std::pow(k + alpha / 3 * sum, -beta);
      }
  Params params = {{"alpha", alpha}, {"beta", beta}, {"knorm", k}, {"nsize", 3}};
  ExpectNDArrayNear(nd::Op1("LRN", {x}, params), want, 1e-12);
  CheckGradient("LRN", {x}, params);
  CheckGradient("LRN", {Rand({1, 7, 2, 2})}, {{"alpha", 0.5}, {"nsize", 5}});
  CheckAddTo("LRN", {x}, params);
  EXPECT_THROW(nd::Op1("LRN", {x}, {{"nsize", 4}}), ValueError);
}

}  // namespace
}  // namespace mx
