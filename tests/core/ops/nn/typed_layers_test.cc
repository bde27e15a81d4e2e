// Layers on every {device} x {dtype} case (the typed fixture): forward against values computed
// here in double, and kAddTo accumulation.
#include <gtest/gtest.h>

#include <cmath>

#include "core/op/imperative.h"
#include "tests/testing/device_dtype.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

template <typename Case>
class TypedLayers : public testing::DeviceDTypeTest<Case> {};
TYPED_TEST_SUITE(TypedLayers, testing::DeviceDTypes);

TYPED_TEST(TypedLayers, ActivationsMatchTheirFormulas) {
  std::vector<double> x = {-2.5, -0.3, 0.0, 0.01, 0.7, 3.0};
  NDArray in = this->Make(x, {2, 3});
  for (const char* act : {"relu", "sigmoid", "tanh", "softrelu", "softsign"}) {
    std::vector<double> want;
    for (double v : x) {
      std::string a = act;
      want.push_back(a == "relu"       ? std::max(v, 0.0)
                     : a == "sigmoid"  ? 1 / (1 + std::exp(-v))
                     : a == "tanh"     ? std::tanh(v)
                     : a == "softrelu" ? std::log1p(std::exp(v))
                                       : v / (1 + std::fabs(v)));
    }
    NDArray out = nd::Op1("Activation", {in}, {{"act_type", act}});
    EXPECT_EQ(out.context(), this->ctx());
    EXPECT_EQ(out.dtype(), this->dtype());
    testing::ExpectNDArrayNear(out.AsInContext(cpu()).AsType(kFloat64), want,
                               this->Tolerance() * 10, act);
  }
}

TYPED_TEST(TypedLayers, FullyConnectedAddsIntoPresetOutput) {
  NDArray x = this->Make({1, 2, 3, 4, 5, 6}, {2, 3});
  NDArray w = this->Make({1, 0, -1, 0.5, 0.5, 0.5}, {2, 3});
  NDArray b = this->Make({0.25, -1}, {2});
  NDArray out = this->Make({10, 10, 10, 10}, {2, 2});
  InvokeOptions o;
  o.out = {out};
  o.req = OpReq::kAddTo;
  Invoke("FullyConnected", {x, w, b}, ToParamMap({{"num_hidden", 2}}), o);
  // x w^T + b = [[-2+0.25, 3-1], [-2+0.25, 7.5-1]], plus the preset 10s.
  testing::ExpectNDArrayNear(out.AsInContext(cpu()).AsType(kFloat64),
                             {8.25, 12.0, 8.25, 16.5}, this->Tolerance());
}

}  // namespace
}  // namespace mx
