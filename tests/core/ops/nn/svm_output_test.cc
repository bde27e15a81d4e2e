// SVMOutput: identity forward, MXNet's L1/L2 hinge gradients worked by hand, shapes.
#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::ExpectNDArrayNear;

D SVMGradient(const Params& p, const NDArray& x, const NDArray& label) {
  InvokeOptions train;
  train.is_train = true;
  std::vector<NDArray> out = InvokeAll("SVMOutput", {x, label}, ToParamMap(p), train);
  ExpectNDArrayNear(out[0], x.ToVector<double>(), 0);
  // The head gradient (here 7) is ignored, as in MXNet.
  return Backward("SVMOutput", {x, label}, ToParamMap(p), out,
                  {nd::full(x.shape(), 7.0, cpu(), kFloat64)})[0]
      .ToVector<double>();
}

TEST(SVMOutput, HingeGradientsAsMXNet) {
  NDArray x = nd::array({0.5, -2, 1.5, -0.2, 0.3, 2}, Shape{2, 3}, kFloat64);
  NDArray label = nd::array({0, 2}, Shape{2}, kFloat64);
  // L2: own class -2(m - x) where m > x; others 2(m + x) where m > -x.
  D l2 = SVMGradient({}, x, label);
  D want2 = {-1, 0, 5, 1.6, 2.6, 0};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(l2[i], want2[i], 1e-12) << i;
  // L1 with coefficient 0.5 and margin 1: -0.5 [m > x] own, 0.5 [m > -x] others.
  D l1 = SVMGradient({{"use_linear", true}, {"regularization_coefficient", 0.5}}, x, label);
  D want1 = {-0.5, 0, 0.5, 0.5, 0.5, 0};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(l1[i], want1[i], 1e-12) << i;
  // margin 3: row 1's own class (x = 2 < 3) now counts: -2 (3 - 2).
  D m3 = SVMGradient({{"margin", 3.0}}, x, label);
  EXPECT_NEAR(m3[5], -2.0, 1e-12);
  EXPECT_NEAR(m3[1], 2 * (3 - 2.0), 1e-12);
}

TEST(SVMOutput, LabelShapeIsTheDatasWithoutItsLastAxis) {
  NDArray x = nd::zeros({2, 4, 3});
  EXPECT_EQ(nd::Op1("SVMOutput", {x, nd::zeros({2, 4})}).shape(), Shape({2, 4, 3}));
  EXPECT_THROW(nd::Op1("SVMOutput", {x, nd::zeros({2})}), ShapeError);
}

}  // namespace
}  // namespace mx
