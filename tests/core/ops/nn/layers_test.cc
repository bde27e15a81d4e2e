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

TEST(Activation, ForwardGradientAddTo) {
  NDArray x = AwayFromZero({3, 5});
  std::vector<double> xv = x.ToVector<double>();
  for (const char* t : {"relu", "sigmoid", "tanh", "softrelu", "softsign"}) {
    NDArray y = nd::Op1("Activation", {x}, {{"act_type", t}});
    std::vector<double> want;
    for (double v : xv) {
      std::string s = t;
      want.push_back(s == "relu"       ? std::max(v, 0.0)
                     : s == "sigmoid"  ? 1 / (1 + std::exp(-v))
                     : s == "tanh"     ? std::tanh(v)
                     : s == "softrelu" ? std::log1p(std::exp(v))
                                       : v / (1 + std::fabs(v)));
    }
    ExpectNDArrayNear(y, want, 1e-12, t);
    CheckGradient("Activation", {x}, {{"act_type", t}});
    CheckAddTo("Activation", {x}, {{"act_type", t}});
  }
  EXPECT_THROW(nd::Op1("Activation", {x}, {{"act_type", "swish"}}), ValueError);
}

TEST(Pooling, MaxAvgSumMatchNaive) {
  NDArray x = Rand({2, 3, 5, 6});
  std::vector<double> X = x.ToVector<double>();
  auto naive = [&](const std::string& type, int k, int s, int p, bool full) {
    int64_t h = 5, w = 6;
    auto out = [&](int64_t n) {
      return full ? (n + 2 * p - k + s - 1) / s + 1 : (n + 2 * p - k) / s + 1;
    };
    int64_t oh = out(h), ow = out(w);
    std::vector<double> y;
    for (int nc = 0; nc < 6; ++nc)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          int64_t hs = i * s - p, ws = j * s - p;
          int64_t he = std::min<int64_t>(hs + k, h + p), we = std::min<int64_t>(ws + k, w + p);
          double count = (he - hs) * (we - ws);
          double acc = type == "max" ? -INFINITY : 0;
          for (int64_t a = std::max<int64_t>(hs, 0); a < std::min(he, h); ++a)
            for (int64_t b = std::max<int64_t>(ws, 0); b < std::min(we, w); ++b) {
              double v = X[(nc * h + a) * w + b];
              acc = type == "max" ? std::max(acc, v) : acc + v;
            }
          y.push_back(type == "avg" ? acc / count : acc);
        }
    return y;
  };
  for (const char* t : {"max", "avg", "sum"}) {
    for (bool full : {false, true}) {
      Params p = {{"kernel", {2, 2}},
                  {"stride", {2, 2}},
                  {"pad", {1, 1}},
                  {"pool_type", t},
                  {"pooling_convention", full ? "full" : "valid"}};
      NDArray y = nd::Op1("Pooling", {x}, p);
      ExpectNDArrayNear(y, naive(t, 2, 2, 1, full), 1e-12, std::string(t) + (full ? " full" : ""));
      CheckGradient("Pooling", {x}, p);
      CheckAddTo("Pooling", {x}, p);
    }
  }
  NDArray g =
      nd::Op1("Pooling", {x}, {{"global_pool", true}, {"pool_type", "avg"}, {"kernel", {1, 1}}});
  EXPECT_EQ(g.shape(), Shape({2, 3, 1, 1}));
  EXPECT_NEAR(g.ToVector<double>()[0], nd::mean(x.At(0).At(0)).ToVector<double>()[0], 1e-12);
  // count_include_pad=False divides by the cells inside the data.
  NDArray ones = nd::ones({1, 1, 2, 2}, cpu(), kFloat64);
  EXPECT_EQ(
      nd::Op1(
          "Pooling", {ones},
          {{"kernel", {2, 2}}, {"pad", {1, 1}}, {"pool_type", "avg"}, {"count_include_pad", false}})
          .ToVector<double>()[0],
      1.0);
  EXPECT_EQ(nd::Op1("Pooling", {ones}, {{"kernel", {2, 2}}, {"pad", {1, 1}}, {"pool_type", "avg"}})
                .ToVector<double>()[0],
            0.25);
  EXPECT_THROW(nd::Op1("Pooling", {x}, {{"kernel", {2}}}), ValueError);
  EXPECT_EQ(nd::Op1("Pooling", {Rand({1, 2, 7})},
                    {{"kernel", {2}}, {"stride", {2}}, {"pooling_convention", "same"}})
                .shape(),
            Shape({1, 2, 4}));
}

TEST(BatchNorm, TrainingForwardGradientAndMovingStats) {
  NDArray x = Rand({4, 3, 2, 2});
  NDArray gamma = Rand({3}, 0.5, 1.5), beta = Rand({3});
  NDArray mm = nd::zeros({3}, cpu(), kFloat64), mv = nd::ones({3}, cpu(), kFloat64);
  Params p = {{"fix_gamma", false}, {"eps", 1e-5}, {"momentum", 0.9}};
  InvokeOptions train;
  train.is_train = true;
  std::vector<NDArray> out = InvokeAll("BatchNorm", {x, gamma, beta, mm, mv}, ToParamMap(p), train);
  // Naive per-channel normalization.
  std::vector<double> X = x.ToVector<double>(), G = gamma.ToVector<double>(),
                      B = beta.ToVector<double>();
  std::vector<double> want(X.size()), means(3), vars(3);
  for (int c = 0; c < 3; ++c) {
    double s = 0, s2 = 0;
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 4; ++i) s += X[(n * 3 + c) * 4 + i];
    double mean = s / 16;
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 4; ++i) s2 += std::pow(X[(n * 3 + c) * 4 + i] - mean, 2);
    double var = s2 / 16;
    means[c] = mean;
    vars[c] = var;
    for (int n = 0; n < 4; ++n)
      for (int i = 0; i < 4; ++i) {
        int k = (n * 3 + c) * 4 + i;
        want[k] = (X[k] - mean) / std::sqrt(var + 1e-5) * G[c] + B[c];
      }
  }
  ExpectNDArrayNear(out[0], want, 1e-12, "BatchNorm train");
  std::vector<double> mm_want, mv_want;
  for (int c = 0; c < 3; ++c) {
    mm_want.push_back(0.1 * means[c]);
    mv_want.push_back(0.9 + 0.1 * vars[c]);
  }
  ExpectNDArrayNear(mm, mm_want, 1e-12, "moving_mean after one training step");
  ExpectNDArrayNear(mv, mv_want, 1e-12, "moving_var after one training step");
  CheckGradient("BatchNorm", {x, gamma, beta, mm, mv}, p, {.inputs = {0, 1, 2}});
  CheckGradient("BatchNorm", {x, gamma, beta, mm, mv}, {{"fix_gamma", true}}, {.inputs = {0, 2}});
  CheckAddTo("BatchNorm", {x, gamma, beta, mm, mv}, p);
}

TEST(BatchNorm, InferenceUsesMovingStatsAndLeavesThem) {
  NDArray x = Rand({2, 3});
  NDArray mm = nd::array({0.5, -0.5, 0}, Shape{3}, kFloat64);
  NDArray mv = nd::array({4, 1, 0.25}, Shape{3}, kFloat64);
  NDArray y = nd::Op1("BatchNorm",
                      {x, nd::ones({3}, cpu(), kFloat64), nd::zeros({3}, cpu(), kFloat64), mm, mv},
                      {{"eps", 0.0}});
  std::vector<double> X = x.ToVector<double>(), want(6);
  double M[3] = {0.5, -0.5, 0}, S[3] = {2, 1, 0.5};
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 3; ++c) want[n * 3 + c] = (X[n * 3 + c] - M[c]) / S[c];
  ExpectNDArrayNear(y, want, 1e-12, "BatchNorm inference");
  ExpectNDArrayNear(mm, {0.5, -0.5, 0}, 0, "moving_mean unchanged");
  EXPECT_EQ(nd::Op("BatchNorm",
                   {x, nd::ones({3}, cpu(), kFloat64), nd::zeros({3}, cpu(), kFloat64), mm, mv},
                   {{"output_mean_var", true}})
                .size(),
            3u);
  EXPECT_THROW(nd::Op1("BatchNorm", {x, nd::ones({4}, cpu(), kFloat64),
                                     nd::zeros({3}, cpu(), kFloat64), mm, mv}),
               ShapeError);
  CheckGradient("BatchNorm", {x, Rand({3}, 0.5, 1), Rand({3}), mm, mv},
                {{"use_global_stats", true}, {"fix_gamma", false}}, {.inputs = {0, 1, 2}});
}

TEST(Softmax, SoftmaxLogSoftmaxAndGradients) {
  NDArray x = Rand({2, 3, 4});
  NDArray s = nd::Op1("softmax", {x});
  std::vector<double> sv = s.ToVector<double>();
  for (int r = 0; r < 6; ++r) {
    double sum = 0;
    for (int k = 0; k < 4; ++k) sum += sv[r * 4 + k];
    EXPECT_NEAR(sum, 1, 1e-12);
  }
  NDArray ls = nd::Op1("log_softmax", {x}, {{"axis", 1}});
  NDArray s1 = nd::Op1("softmax", {x}, {{"axis", 1}});
  ExpectNDArrayNear(nd::exp(ls), s1.ToVector<double>(), 1e-12, "exp(log_softmax)");
  for (const char* op : {"softmax", "log_softmax"}) {
    CheckGradient(op, {x}, {{"axis", 1}, {"temperature", 2.0}});
    CheckAddTo(op, {x}, {});
  }
  CheckGradient("SoftmaxActivation", {x}, {{"mode", "channel"}});
}

TEST(SoftmaxOutput, ForwardIsSoftmaxAndBackwardIsMXNets) {
  NDArray x = Rand({4, 3});
  NDArray label = nd::array({0, 2, 1, 2}, Shape{4}, kFloat64);
  InvokeOptions train;
  train.is_train = true;
  NDArray y = InvokeAll("SoftmaxOutput", {x, label}, {}, train)[0];
  ExpectNDArrayNear(y, nd::Op1("softmax", {x}).ToVector<double>(), 1e-12, "forward");
  std::vector<double> Y = y.ToVector<double>();
  auto grad = [&](const Params& p) {
    return Backward("SoftmaxOutput", {x, label}, ToParamMap(p), {y},
                    {nd::full({4, 3}, 7.0, cpu(), kFloat64)})[0]
        .ToVector<double>();
  };
  std::vector<double> g = grad({});
  double L[4] = {0, 2, 1, 2};
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 3; ++k)  // head gradient (7) ignored; no division by batch size
      EXPECT_NEAR(g[i * 3 + k], Y[i * 3 + k] - (k == L[i]), 1e-12);
  std::vector<double> gb = grad({{"normalization", "batch"}, {"grad_scale", 2.0}});
  EXPECT_NEAR(gb[0], (Y[0] - 1) * 2 / 4, 1e-12);
  std::vector<double> gi =
      grad({{"use_ignore", true}, {"ignore_label", 2}, {"normalization", "valid"}});
  EXPECT_EQ(gi[3], 0);                        // row 1 has label 2: ignored
  EXPECT_NEAR(gi[0], (Y[0] - 1) / 2, 1e-12);  // two valid labels
  std::vector<double> go = grad({{"out_grad", true}});
  EXPECT_NEAR(go[0], (Y[0] - 1) * 7, 1e-12);
  std::vector<double> gs = grad({{"smooth_alpha", 0.2}});
  EXPECT_NEAR(gs[0], Y[0] - 0.8, 1e-12);
  EXPECT_NEAR(gs[1], Y[1] - 0.1, 1e-12);
  // Shapes: the label is inferred as (N,); a wrong label shape is an error.
  EXPECT_THROW(nd::Op1("SoftmaxOutput", {x, nd::zeros({5}, cpu(), kFloat64)}), ShapeError);
  EXPECT_EQ(nd::Op1("Softmax", {x, label}).shape(), Shape({4, 3}));
}

TEST(SoftmaxOutput, MultiOutputDividesBySpatialSize) {
  NDArray x = Rand({2, 3, 4});
  NDArray label = nd::array({0, 1, 2, 0, 1, 1, 2, 0}, Shape{2, 4}, kFloat64);
  Params p = {{"multi_output", true}};
  InvokeOptions train;
  train.is_train = true;
  NDArray y = InvokeAll("SoftmaxOutput", {x, label}, ToParamMap(p), train)[0];
  ExpectNDArrayNear(y, nd::Op1("softmax", {x}, {{"axis", 1}}).ToVector<double>(), 1e-12, "forward");
  std::vector<double> g = Backward("SoftmaxOutput", {x, label}, ToParamMap(p), {y},
                                   {nd::ones({2, 3, 4}, cpu(), kFloat64)})[0]
                              .ToVector<double>();
  std::vector<double> Y = y.ToVector<double>();
  EXPECT_NEAR(g[0], (Y[0] - 1) / 4, 1e-12);  // n 0, class 0, position 0 has label 0
}

TEST(ShapeOps, FlattenAndReshapeGradients) {
  CheckGradient("Flatten", {Rand({2, 3, 2})}, {});
  CheckGradient("Reshape", {Rand({2, 6})}, {{"shape", {3, -1}}});
  CheckGradient("expand_dims", {Rand({2, 3})}, {{"axis", 1}});
}

}  // namespace
}  // namespace mx
