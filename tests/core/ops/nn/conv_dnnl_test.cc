// CPU float32 convolution (oneDNN when built in) against the float64 im2col path, forward and
// backward, over strides, padding, dilation, groups, 1-D, no bias and kAddTo accumulation; and
// oneDNN convolutions run from several threads at once (the executor does).
#include "core/ops/nn/conv_dnnl.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

struct Case {
  Shape data, weight;
  Params params;
};

std::vector<Case> Cases() {
  return {
      {{2, 3, 9, 8}, {4, 3, 3, 3}, {{"kernel", {3, 3}}, {"num_filter", 4}, {"pad", {1, 1}}}},
      {{2, 4, 10, 9},
       {6, 2, 3, 2},
       {{"kernel", {3, 2}},
        {"num_filter", 6},
        {"num_group", 2},
        {"stride", {2, 1}},
        {"dilate", {1, 2}},
        {"pad", {2, 0}}}},
      {{3, 2, 11}, {5, 2, 3}, {{"kernel", {3}}, {"num_filter", 5}, {"stride", {2}}}},
      {{1, 3, 7, 7}, {2, 3, 5, 5}, {{"kernel", {5, 5}}, {"num_filter", 2}, {"no_bias", true}}},
      // Enough channels for oneDNN's blocked layouts (reordered in and out); the cases above
      // run in plain layouts.
      {{2, 32, 6, 6}, {32, 32, 3, 3}, {{"kernel", {3, 3}}, {"num_filter", 32}, {"pad", {1, 1}}}},
      // 3-D (NCDHW): few channels (plain layouts), grouped and strided, and blocked.
      {{1, 3, 5, 9, 8},
       {4, 3, 1, 3, 3},
       {{"kernel", {1, 3, 3}}, {"num_filter", 4}, {"pad", {0, 1, 1}}, {"stride", {1, 2, 2}}}},
      {{2, 4, 6, 5, 5},
       {6, 2, 3, 1, 1},
       {{"kernel", {3, 1, 1}}, {"num_filter", 6}, {"num_group", 2}, {"pad", {1, 0, 0}}}},
      {{1, 32, 4, 5, 5},
       {16, 32, 3, 3, 3},
       {{"kernel", {3, 3, 3}}, {"num_filter", 16}, {"pad", {1, 1, 1}}, {"dilate", {1, 2, 1}}}},
  };
}

void ExpectMatchesFloat64(const Case& c) {
  {
    bool bias = true;
    for (const auto& kv : c.params) bias = bias && kv.first != "no_bias";
    std::vector<NDArray> in64 = {testing::Rand(c.data), testing::Rand(c.weight)};
    if (bias) in64.push_back(testing::Rand({c.weight[0]}));
    std::vector<NDArray> in32;
    for (const NDArray& a : in64) in32.push_back(a.AsType(kFloat32));
    ParamMap pm = ToParamMap(c.params);
    InvokeOptions train;
    train.is_train = true;
    NDArray y64 = InvokeAll("Convolution", in64, pm, train)[0];
    NDArray y32 = InvokeAll("Convolution", in32, pm, train)[0];
    testing::ExpectNDArrayNear(y32, y64, 1e-4, "forward " + c.data.ToString());
    NDArray head64 = testing::Rand(y64.shape());
    std::vector<NDArray> g64 = Backward("Convolution", in64, pm, {y64}, {head64});
    std::vector<NDArray> g32 = Backward("Convolution", in32, pm, {y32}, {head64.AsType(kFloat32)});
    for (size_t i = 0; i < g64.size(); ++i)
      testing::ExpectNDArrayNear(g32[i], g64[i], 1e-3,
                                 "gradient " + std::to_string(i) + " of " + c.data.ToString());
    // kAddTo: forward into a preset output adds.
    NDArray preset = nd::ones(y32.shape());
    InvokeOptions add = train;
    add.out = {preset};
    add.req = OpReq::kAddTo;
    InvokeAll("Convolution", in32, pm, add);
    testing::ExpectNDArrayNear(preset, y64 + 1.0, 1e-4, "kAddTo " + c.data.ToString());
  }
}

TEST(ConvolutionFloat32, MatchesTheFloat64PathForwardAndBackward) {
  for (const Case& c : Cases()) ExpectMatchesFloat64(c);
}

// LeNet's second convolution (20 input channels: blocked layouts pad them to 32) runs in
// NHWC; with TESSERA_DNNL_NHWC=0 in blocked layouts. Both match the float64 path. (The rule is read
// when a geometry's primitives are built: each setting gets its own batch size.)
TEST(ConvolutionDnnl, PaddedChannelsRunInNhwcUnlessTurnedOff) {
  if (!DnnlAvailable()) GTEST_SKIP() << "built without oneDNN";
  for (int nhwc : {1, 0}) {
    setenv("TESSERA_DNNL_NHWC", std::to_string(nhwc).c_str(), 1);
    int64_t n = 3 + nhwc;
    Case c{{n, 20, 12, 12}, {50, 20, 5, 5}, {{"kernel", {5, 5}}, {"num_filter", 50}}};
    DnnlConvShape shape{n, 20, 12, 12, 50, 8, 8, 1, Window{5, 5}};
    EXPECT_EQ(DnnlConvUsesNhwc(shape, true), nhwc == 1);
    SCOPED_TRACE("TESSERA_DNNL_NHWC=" + std::to_string(nhwc));
    ExpectMatchesFloat64(c);
  }
  unsetenv("TESSERA_DNNL_NHWC");
  // One input channel (LeNet's first convolution) runs in NHWC too; three stay plain.
  Case one{{2, 1, 10, 10}, {4, 1, 5, 5}, {{"kernel", {5, 5}}, {"num_filter", 4}}};
  EXPECT_TRUE(DnnlConvUsesNhwc(DnnlConvShape{2, 1, 10, 10, 4, 6, 6, 1, Window{5, 5}}, true));
  ExpectMatchesFloat64(one);
  EXPECT_FALSE(DnnlConvUsesNhwc(DnnlConvShape{1, 3, 7, 7, 2, 3, 3, 1, Window{5, 5}}, false));
  // Channels that fill whole blocks stay blocked.
  EXPECT_FALSE(DnnlConvUsesNhwc(
      DnnlConvShape{2, 32, 6, 6, 32, 6, 6, 1, Window{3, 3, 1, 1, 1, 1, 1, 1}}, true));
}

TEST(ConvolutionFloat32, BackwardAddToAccumulatesEveryGradient) {
  Case c = Cases()[1];
  std::vector<NDArray> in = {testing::Rand(c.data).AsType(kFloat32),
                             testing::Rand(c.weight).AsType(kFloat32),
                             testing::Rand({c.weight[0]}).AsType(kFloat32)};
  ParamMap pm = ToParamMap(c.params);
  NDArray y = Invoke("Convolution", in, pm)[0];
  NDArray head = testing::Rand(y.shape()).AsType(kFloat32);
  std::vector<NDArray> once = InvokeAll("_backward_Convolution", {head, in[0], in[1]}, pm);
  std::vector<NDArray> acc = {nd::ones(in[0].shape()), nd::ones(in[1].shape()),
                              nd::ones(in[2].shape())};
  InvokeOptions add;
  add.out = acc;
  add.req = OpReq::kAddTo;
  InvokeAll("_backward_Convolution", {head, in[0], in[1]}, pm, add);
  for (size_t i = 0; i < 3; ++i)
    testing::ExpectNDArrayNear(acc[i], once[i] + 1.0, 1e-5, "gradient " + std::to_string(i));
}

// Four threads run the same convolution's forward and backward passes at once, 10 times each;
// every result must equal the one computed alone. (With oneDNN's process-wide scratchpad the
// GEMM-based passes of a 3-channel convolution overwrote each other's and crashed.)
TEST(ConvolutionDnnl, ConcurrentCallsFromSeveralThreads) {
  if (!DnnlAvailable()) GTEST_SKIP() << "built without oneDNN";
  DnnlConvShape s{4, 3, 32, 32, 16, 32, 32, 1, Window{3, 3, 1, 1, 1, 1, 1, 1}};
  auto rand = [](int64_t n) { return testing::Rand({n}).AsType(kFloat32).ToVector<float>(); };
  std::vector<float> x = rand(s.n * s.c * s.h * s.w), w = rand(s.f * s.c * 9), b = rand(s.f),
                     dy = rand(s.n * s.f * s.oh * s.ow);
  struct Result {
    std::vector<float> y, dx, dw, db;
  };
  auto run = [&](Result* r) {
    r->y.resize(dy.size());
    r->dx.resize(x.size());
    r->dw.resize(w.size());
    r->db.resize(b.size());
    ASSERT_TRUE(DnnlConvForward(s, x.data(), w.data(), b.data(), r->y.data(), false));
    ASSERT_TRUE(DnnlConvBackward(s, dy.data(), x.data(), w.data(), r->dx.data(), false,
                                 r->dw.data(), false, r->db.data(), false));
  };
  Result alone;
  run(&alone);
  std::vector<std::vector<Result>> results(4, std::vector<Result>(10));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (Result& r : results[t]) run(&r);
    });
  for (std::thread& t : threads) t.join();
  auto near = [](const std::vector<float>& a, const std::vector<float>& b) {
    for (size_t i = 0; i < a.size(); ++i)
      if (std::abs(a[i] - b[i]) > 1e-4f * (1 + std::abs(b[i]))) return false;
    return true;
  };
  for (int t = 0; t < 4; ++t)
    for (const Result& r : results[t]) {
      EXPECT_TRUE(near(r.y, alone.y)) << "thread " << t << ": output";
      EXPECT_TRUE(near(r.dx, alone.dx)) << "thread " << t << ": data gradient";
      EXPECT_TRUE(near(r.dw, alone.dw)) << "thread " << t << ": weight gradient";
      EXPECT_TRUE(near(r.db, alone.db)) << "thread " << t << ": bias gradient";
    }
}

}  // namespace
}  // namespace mx
