// Numeric gradient checks (float64) of the element-wise, broadcast, scalar, reduction, dot and
// layout operators' gradients.
#include <gtest/gtest.h>

#include <cmath>

#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/ops/elemwise/elemwise-inl.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::AwayFromZero;
using testing::CheckAddTo;
using testing::CheckGradient;
using testing::Rand;

TEST(Gradient, UnaryMath) {
  NDArray x = Rand({3, 4}, 0.2, 0.9);  // inside every domain used below
  for (const char* op :
       {"_copy",   "negative", "abs",    "sqrt",     "rsqrt", "cbrt",    "square", "reciprocal",
        "exp",     "expm1",    "log",    "log1p",    "log2",  "log10",   "sin",    "cos",
        "tan",     "arcsin",   "arccos", "arctan",   "sinh",  "cosh",    "tanh",   "arcsinh",
        "arctanh", "sigmoid",  "relu",   "softsign", "erf",   "degrees", "radians"})
    CheckGradient(op, {x}, {});
  CheckGradient("arccosh", {Rand({5}, 1.5, 3)}, {});
  // gamma and gammaln through digamma, on both sides of 0 and past the recurrence's 10.
  // gamma stops at 7.5: gamma(12) = 4e7 would dominate the summed loss of the check and
  // drown the central differences of the other elements in rounding (a flaky failure).
  NDArray g = nd::array({-2.5, -0.7, 0.3, 1.5, 4.2, 7.5, 12.0}, Shape{7}, kFloat64);
  CheckGradient("gamma", {nd::array({-2.5, -0.7, 0.3, 1.5, 4.2, 7.5}, Shape{6}, kFloat64)}, {});
  CheckGradient("gammaln", {g}, {});
}

TEST(Gradient, DigammaValues) {
  // psi at known points: psi(1) = -gamma_E, psi(1/2) = -gamma_E - 2 ln 2, psi(10), psi(-0.5).
  std::vector<double> v = nd::Op1("_digamma", {nd::array({1.0, 0.5, 10.0, -0.5}, Shape{4},
                                                         kFloat64)})
                              .ToVector<double>();
  EXPECT_NEAR(v[0], -0.5772156649015329, 1e-12);
  EXPECT_NEAR(v[1], -1.9635100260214235, 1e-12);
  EXPECT_NEAR(v[2], 2.251752589066721, 1e-12);
  EXPECT_NEAR(v[3], 0.03648997397857652, 1e-12);
  EXPECT_TRUE(std::isnan(
      nd::Op1("_digamma", {nd::array({-2.0}, Shape{1}, kFloat64)}).ToVector<double>()[0]));
}

TEST(Gradient, BroadcastAndElemwiseBinary) {
  NDArray a = Rand({2, 3, 4}, 0.5, 1.5), b = Rand({3, 1}, 0.5, 1.5);
  for (const char* op : {"broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
                         "broadcast_power", "broadcast_hypot"})
    CheckGradient(op, {a, b}, {});
  NDArray c = Rand({2, 3, 4}, 0.5, 1.5);
  // maximum/minimum away from ties.
  CheckGradient("broadcast_maximum", {a, nd::full({3, 1}, 1.0, cpu(), kFloat64)}, {});
  for (const char* op : {"elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div"})
    CheckGradient(op, {a, c}, {});
}

TEST(Gradient, ScalarOps) {
  NDArray x = Rand({4, 3}, 0.5, 1.5);
  for (const char* op : {"_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar",
                         "_div_scalar", "_rdiv_scalar", "_power_scalar", "_rpower_scalar",
                         "_maximum_scalar", "_minimum_scalar", "_hypot_scalar"})
    CheckGradient(op, {x}, {{"scalar", 0.7}});
  // scalar mod x, away from the jumps (floor(2.5 / x) constant nearby): -floor(2.5 / x).
  CheckGradient("_rmod_scalar", {nd::array({0.7, 1.1, 2.0, 3.1}, Shape{4}, kFloat64)},
                {{"scalar", 2.5}});
}

TEST(Gradient, ComparisonsPassNoGradient) {
  NDArray a = Rand({3}), b = Rand({3});
  std::vector<NDArray> out = Invoke("broadcast_greater", {a, b});
  std::vector<NDArray> g =
      Backward("broadcast_greater", {a, b}, {}, out, {nd::ones({3}, cpu(), kFloat64)});
  EXPECT_TRUE(g[0].is_none());
  EXPECT_TRUE(g[1].is_none());
}

TEST(Gradient, AddNSumsEveryInputAndPassesTheGradientToEach) {
  NDArray a = Rand({2, 3}), b = Rand({2, 3}), c = Rand({2, 3});
  std::vector<double> va = a.ToVector<double>(), vb = b.ToVector<double>(),
                      vc = c.ToVector<double>(), expect(6);
  for (int i = 0; i < 6; ++i) expect[i] = va[i] + vb[i] + vc[i];
  testing::ExpectNDArrayNear(Invoke("add_n", {a, b, c}, {{"num_args", "3"}})[0], expect, 1e-12);
  testing::ExpectNDArrayNear(Invoke("ElementWiseSum", {a}, {{"num_args", "1"}})[0], va, 0);
  CheckGradient("add_n", {a, b, c}, {{"num_args", 3}});
  CheckAddTo("add_n", {a, b, c}, {{"num_args", 3}});
  CheckAddTo("add_n", {a}, {{"num_args", 1}});
  EXPECT_THROW(Invoke("add_n", {a, Rand({3, 2})}, {{"num_args", "2"}}), ShapeError);
}

TEST(Gradient, EveryElementwiseOperatorDeclaresItsGradient) {
  EXPECT_EQ(UndeclaredElemwiseGradients(), std::vector<std::string>{});
  // Declared not differentiable: an error where a gradient is needed, never zeros.
  NDArray x = Rand({3});
  std::vector<NDArray> out = Invoke("_digamma", {x});
  EXPECT_THROW(Backward("_digamma", {x}, {}, out, {nd::ones({3}, cpu(), kFloat64)}),
               NotImplementedError);
}

TEST(Gradient, Reductions) {
  NDArray x = Rand({3, 4, 2});
  for (const char* op : {"sum", "mean", "max", "min"}) {
    CheckGradient(op, {x}, {});
    CheckGradient(op, {x}, {{"axis", {1}}});
    CheckGradient(op, {x}, {{"axis", {0, 2}}, {"keepdims", true}});
  }
  CheckGradient("norm", {x}, {});
  CheckGradient("norm", {x}, {{"ord", 1}, {"axis", {1}}});
}

TEST(Gradient, DotTransposeClipWhere) {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      NDArray a = ta ? Rand({4, 3}) : Rand({3, 4});
      NDArray b = tb ? Rand({5, 4}) : Rand({4, 5});
      CheckGradient("dot", {a, b}, {{"transpose_a", ta}, {"transpose_b", tb}});
      NDArray ba = ta ? Rand({2, 4, 3}) : Rand({2, 3, 4});
      NDArray bb = tb ? Rand({2, 5, 4}) : Rand({2, 4, 5});
      CheckGradient("batch_dot", {ba, bb}, {{"transpose_a", ta}, {"transpose_b", tb}});
    }
  CheckGradient("dot", {Rand({2, 3, 4}), Rand({4, 5})}, {});
  CheckGradient("transpose", {Rand({2, 3, 4})}, {{"axes", {1, 2, 0}}});
  CheckGradient("transpose", {Rand({2, 3})}, {});
  std::vector<double> v = Rand({10}, -2, 2).ToVector<double>();
  for (double& e : v)
    if (std::fabs(std::fabs(e) - 1) < 0.05) e = 0.5;  // away from the clip points
  CheckGradient("clip", {nd::array(v, Shape{10}, kFloat64)}, {{"a_min", -1.0}, {"a_max", 1.0}});
  CheckGradient("where", {nd::array({1, 0, 1}, Shape{3}, kFloat64), Rand({3}), Rand({3})}, {},
                {.inputs = {1, 2}});
}

TEST(Gradient, JoinSplitSliceTakeCast) {
  NDArray a = Rand({2, 3}), b = Rand({2, 2});
  CheckGradient("Concat", {a, b}, {{"num_args", 2}, {"dim", 1}});
  CheckGradient("stack", {a, Rand({2, 3})}, {{"num_args", 2}, {"axis", 1}});
  CheckGradient("SliceChannel", {Rand({2, 6})}, {{"num_outputs", 3}, {"axis", 1}});
  CheckGradient("SliceChannel", {Rand({3, 2})},
                {{"num_outputs", 3}, {"axis", 0}, {"squeeze_axis", true}});
  CheckGradient("slice_axis", {Rand({4, 5})}, {{"axis", 1}, {"begin", 1}, {"end", 4}});
  CheckGradient("take", {Rand({5, 3}), nd::array({4, 0, 4, 2}, Shape{4}, kFloat64)}, {},
                {.inputs = {0}});
  CheckGradient("take", {Rand({3, 4}), nd::array({-1, 5}, Shape{2}, kFloat64)},
                {{"axis", 1}, {"mode", "wrap"}}, {.inputs = {0}});
  NDArray x = Rand({4});
  std::vector<NDArray> out = Invoke("Cast", {x}, ToParamMap({{"dtype", "float32"}}));
  NDArray og = nd::array({0.5, 1.5, -2, 4});
  std::vector<NDArray> g = Backward("Cast", {x}, ToParamMap({{"dtype", "float32"}}), out, {og});
  EXPECT_EQ(g[0].dtype(), kFloat64);
  EXPECT_EQ(g[0].ToVector<double>(), (std::vector<double>{0.5, 1.5, -2, 4}));
}

}  // namespace
}  // namespace mx
