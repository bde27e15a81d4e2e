// _contrib_AdaptiveAvgPooling2D against a naive reference (MXNet's window bounds); its gradient
// against central differences (float64).
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

std::vector<double> Reference(const NDArray& x, int64_t oh, int64_t ow) {
  const Shape& s = x.shape();
  std::vector<double> v = x.ToVector<double>(), out;
  for (int64_t p = 0; p < s[0] * s[1]; ++p)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        int64_t h0 = static_cast<int64_t>(std::floor(double(i) * s[2] / oh));
        int64_t h1 = static_cast<int64_t>(std::ceil(double(i + 1) * s[2] / oh));
        int64_t w0 = static_cast<int64_t>(std::floor(double(j) * s[3] / ow));
        int64_t w1 = static_cast<int64_t>(std::ceil(double(j + 1) * s[3] / ow));
        double sum = 0;
        for (int64_t h = h0; h < h1; ++h)
          for (int64_t w = w0; w < w1; ++w) sum += v[(p * s[2] + h) * s[3] + w];
        out.push_back(sum / ((h1 - h0) * (w1 - w0)));
      }
  return out;
}

TEST(AdaptiveAvgPooling2D, MatchesTheReferenceAndItsGradient) {
  NDArray x = Rand({2, 3, 7, 5});
  const char* op = "_contrib_AdaptiveAvgPooling2D";
  NDArray y = nd::Op1(op, {x}, {{"output_size", "(3, 2)"}});
  ASSERT_EQ(y.shape(), Shape({2, 3, 3, 2}));
  ExpectNDArrayNear(y, Reference(x, 3, 2), 1e-12);
  ExpectNDArrayNear(nd::Op1(op, {x}), Reference(x, 1, 1), 1e-12);  // global average
  EXPECT_EQ(nd::Op1(op, {x}, {{"output_size", 4}}).shape(), Shape({2, 3, 4, 4}));
  ExpectNDArrayNear(nd::Op1(op, {x}, {{"output_size", "(9, 6)"}}), Reference(x, 9, 6), 1e-12);
  CheckGradient(op, {x}, {{"output_size", "(3, 2)"}});
  CheckGradient(op, {Rand({1, 2, 4, 6})}, {{"output_size", "(3, 4)"}});
  CheckAddTo(op, {x}, {{"output_size", 2}});
  EXPECT_THROW(nd::Op1(op, {Rand({2, 3, 4})}), ShapeError);
  EXPECT_THROW(nd::Op1(op, {x}, {{"output_size", "(1, 2, 3)"}}), ValueError);
}

}  // namespace
}  // namespace mx
