#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::AwayFromZero;
using testing::CheckAddTo;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

std::vector<NDArray> Train(const std::string& op, const std::vector<NDArray>& in, const Params& p) {
  InvokeOptions o;
  o.is_train = true;
  return InvokeAll(op, in, ToParamMap(p), o);
}

TEST(Dropout, TrainingDropsAndScalesInferenceIsIdentity) {
  NDArray x = nd::ones({100, 100}, cpu(), kFloat64);
  random::Seed(5);
  std::vector<NDArray> out = Train("Dropout", {x}, {{"p", 0.3}});
  std::vector<double> y = out[0].ToVector<double>(), m = out[1].ToVector<double>();
  int kept = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    ASSERT_TRUE(y[i] == 0 || std::fabs(y[i] - 1 / 0.7) < 1e-12) << y[i];
    ASSERT_EQ(y[i], m[i]);
    kept += y[i] != 0;
  }
  EXPECT_NEAR(kept / 10000.0, 0.7, 0.03);
  random::Seed(5);
  EXPECT_EQ(Train("Dropout", {x}, {{"p", 0.3}})[0].ToVector<double>(), y);  // seeded
  EXPECT_EQ(nd::Op1("Dropout", {x}, {{"p", 0.3}}).ToVector<double>(), x.ToVector<double>());
  EXPECT_NE(nd::Op1("Dropout", {x}, {{"p", 0.3}, {"mode", "always"}}).ToVector<double>(),
            x.ToVector<double>());
  // Shared axes: one draw per row.
  std::vector<double> r = Train("Dropout", {x}, {{"p", 0.5}, {"axes", {1}}})[0].ToVector<double>();
  for (int i = 0; i < 100; ++i)
    for (int j = 1; j < 100; ++j) ASSERT_EQ(r[i * 100 + j], r[i * 100]);
  // Gradient is the mask.
  std::vector<NDArray> o2 = Train("Dropout", {x}, {{"p", 0.3}});
  NDArray g = Backward("Dropout", {x}, ToParamMap({{"p", 0.3}}), o2,
                       {nd::full({100, 100}, 2.0, cpu(), kFloat64)})[0];
  std::vector<double> gv = g.ToVector<double>(), mv = o2[1].ToVector<double>();
  for (size_t i = 0; i < gv.size(); ++i) ASSERT_EQ(gv[i], 2 * mv[i]);
  EXPECT_THROW(nd::Op1("Dropout", {x}, {{"p", 1.0}}), ValueError);
}

TEST(LeakyReLU, EveryTypeForwardAndGradient) {
  NDArray x = AwayFromZero({2, 3, 4});
  for (const char* t : {"leaky", "elu", "selu", "gelu"}) {
    CheckGradient("LeakyReLU", {x}, {{"act_type", t}, {"slope", 0.2}});
    CheckAddTo("LeakyReLU", {x}, {{"act_type", t}});
  }
  std::vector<double> xv = x.ToVector<double>();
  std::vector<double> y = nd::Op1("LeakyReLU", {x}, {{"slope", 0.1}}).ToVector<double>();
  for (size_t i = 0; i < xv.size(); ++i) EXPECT_NEAR(y[i], xv[i] > 0 ? xv[i] : 0.1 * xv[i], 1e-15);
  NDArray gamma = Rand({3}, 0.1, 0.5);
  CheckGradient("LeakyReLU", {x, gamma}, {{"act_type", "prelu"}});
  EXPECT_THROW(nd::Op1("LeakyReLU", {x}, {{"act_type", "rrelu"}}), ValueError);
}

TEST(Embedding, LooksUpRowsAndAccumulatesGradients) {
  NDArray w = Rand({5, 3});
  NDArray idx = nd::array({{4, 0}, {4, 2}}, kFloat64);
  NDArray y = nd::Op1("Embedding", {idx, w}, {{"input_dim", 5}, {"output_dim", 3}});
  ASSERT_EQ(y.shape(), Shape({2, 2, 3}));
  std::vector<double> W = w.ToVector<double>(), Y = y.ToVector<double>();
  for (int j = 0; j < 3; ++j) {
    EXPECT_EQ(Y[j], W[12 + j]);
    EXPECT_EQ(Y[3 + j], W[j]);
  }
  CheckGradient("Embedding", {idx, w}, {{"input_dim", 5}, {"output_dim", 3}}, {.inputs = {1}});
  EXPECT_THROW(nd::Op1("Embedding", {idx, Rand({4, 3})}, {{"input_dim", 5}, {"output_dim", 3}}),
               ShapeError);
}

TEST(RegressionOutputs, GradientsFollowMXNet) {
  NDArray x = Rand({4, 2}), label = Rand({4, 2});
  std::vector<double> X = x.ToVector<double>(), L = label.ToVector<double>();
  for (const char* op :
       {"LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"}) {
    Params p = {{"grad_scale", 3.0}};
    std::vector<NDArray> out = Train(op, {x, label}, p);
    std::vector<double> y = out[0].ToVector<double>();
    std::vector<double> g =
        Backward(op, {x, label}, ToParamMap(p), out, {nd::full({4, 2}, 9.0, cpu(), kFloat64)})[0]
            .ToVector<double>();
    for (int i = 0; i < 8; ++i) {
      std::string s = op;
      double want_y = s.find("Logistic") != std::string::npos ? 1 / (1 + std::exp(-X[i])) : X[i];
      EXPECT_NEAR(y[i], want_y, 1e-12) << op;
      double d = want_y - L[i];
      if (s.find("MAE") != std::string::npos) d = d > 0 ? 1 : -1;
      EXPECT_NEAR(g[i], d * 3.0 / 2, 1e-12) << op;  // 2 outputs per sample
    }
  }
}

TEST(MakeLossAndBlockGrad, Gradients) {
  NDArray x = Rand({4, 3}, 0.5, 1);
  std::vector<NDArray> out = Train("MakeLoss", {x}, {{"normalization", "batch"}});
  NDArray g = Backward("MakeLoss", {x}, ToParamMap({{"normalization", "batch"}}), out,
                       {nd::ones({4, 3}, cpu(), kFloat64)})[0];
  ExpectNDArrayNear(g, std::vector<double>(12, 0.25), 1e-15, "MakeLoss batch");
  std::vector<NDArray> b = Train("BlockGrad", {x}, {});
  ExpectNDArrayNear(b[0], x.ToVector<double>(), 0, "BlockGrad forward");
  EXPECT_TRUE(Backward("BlockGrad", {x}, {}, b, {nd::ones({4, 3}, cpu(), kFloat64)})[0].is_none());
}

}  // namespace
}  // namespace mx
