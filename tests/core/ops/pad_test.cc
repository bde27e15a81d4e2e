// Pad in its three modes against numpy.pad's definitions, on 4-D data as MXNet requires and on
// other axes; gradients against central differences (float64).
#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckAddTo;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

// numpy.pad's source index for output o of an axis of length n padded by b before.
int64_t Source(int64_t o, int64_t n, int64_t b, const std::string& mode) {
  int64_t i = o - b;
  if (mode == "edge") return std::min(std::max<int64_t>(i, 0), n - 1);
  if (mode == "reflect") {
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
  }
  return (i >= 0 && i < n) ? i : -1;
}

std::vector<double> Reference(const NDArray& x, const std::vector<int64_t>& pw,
                              const std::string& mode, double value) {
  const Shape& s = x.shape();
  std::vector<double> v = x.ToVector<double>(), out;
  std::vector<int64_t> os(s.ndim());
  int64_t total = 1;
  for (int d = 0; d < s.ndim(); ++d) total *= os[d] = s[d] + pw[2 * d] + pw[2 * d + 1];
  for (int64_t e = 0; e < total; ++e) {
    int64_t rest = e, off = 0, stride = 1;
    bool border = false;
    for (int d = s.ndim() - 1; d >= 0; --d) {
      int64_t src = Source(rest % os[d], s[d], pw[2 * d], mode);
      rest /= os[d];
      border = border || src < 0;
      off += src * stride;
      stride *= s[d];
    }
    out.push_back(border ? value : v[off]);
  }
  return out;
}

TEST(Pad, MatchesNumpyPadInEveryMode) {
  NDArray x = Rand({2, 3, 4, 5});
  std::vector<int64_t> pw = {0, 0, 0, 0, 2, 1, 3, 2};
  for (std::string mode : {"constant", "edge", "reflect"}) {
    Params p = {{"mode", mode}, {"pad_width", "(0, 0, 0, 0, 2, 1, 3, 2)"},
                {"constant_value", 1.5}};
    NDArray y = nd::Op1("Pad", {x}, p);
    ASSERT_EQ(y.shape(), Shape({2, 3, 7, 10})) << mode;
    ExpectNDArrayNear(y, Reference(x, pw, mode, 1.5), 0, mode);
    CheckGradient("Pad", {x}, p);
    CheckAddTo("pad", {x}, p);
  }
  // Other axes than MXNet's last ones, and 2-D data.
  NDArray z = Rand({3, 4});
  for (std::string mode : {"edge", "reflect"}) {
    Params p = {{"mode", mode}, {"pad_width", "(2, 1, 0, 3)"}};
    ExpectNDArrayNear(nd::Op1("Pad", {z}, p), Reference(z, {2, 1, 0, 3}, mode, 0), 0, mode);
    CheckGradient("Pad", {z}, p);
  }
  EXPECT_THROW(nd::Op1("Pad", {x}, {{"pad_width", "(0, 0, 1, 1)"}}), ValueError);
  EXPECT_THROW(nd::Op1("Pad", {x}, {{"mode", "reflect"}, {"pad_width", "(0, 0, 0, 0, 4, 0, 0, 0)"}}),
               ValueError);
  EXPECT_THROW(nd::Op1("Pad", {x}, {{"mode", "wrap"}, {"pad_width", "(0, 0, 0, 0, 1, 1, 1, 1)"}}),
               ValueError);
}

}  // namespace
}  // namespace mx
