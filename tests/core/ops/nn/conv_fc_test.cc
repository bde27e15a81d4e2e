#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::AwayFromZero;
using testing::CheckAddTo;
using testing::Dot;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

// Direct 2-D convolution, NCHW, one group.
std::vector<double> NaiveConv(const NDArray& x, const NDArray& w, const NDArray& b, int sh, int sw,
                              int ph, int pw, int dh, int dw, int groups) {
  Shape xs = x.shape(), ws = w.shape();
  int64_t n = xs[0], c = xs[1], h = xs[2], wd = xs[3], f = ws[0], kh = ws[2], kw = ws[3];
  int64_t oh = (h + 2 * ph - (dh * (kh - 1) + 1)) / sh + 1;
  int64_t ow = (wd + 2 * pw - (dw * (kw - 1) + 1)) / sw + 1;
  std::vector<double> X = x.ToVector<double>(), W = w.ToVector<double>(), B = b.ToVector<double>();
  std::vector<double> y(n * f * oh * ow, 0);
  int64_t cg = c / groups, fg = f / groups;
  for (int64_t ni = 0; ni < n; ++ni)
    for (int64_t fi = 0; fi < f; ++fi)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          double acc = B[fi];
          int64_t g = fi / fg;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                int64_t iy = oy * sh - ph + i * dh, ix = ox * sw - pw + j * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                acc += X[((ni * c + g * cg + ci) * h + iy) * wd + ix] *
                       W[((fi * cg + ci) * kh + i) * kw + j];
              }
          y[((ni * f + fi) * oh + oy) * ow + ox] = acc;
        }
  return y;
}

TEST(Convolution, SeedImperativeConvolution) {
  NDArray data = nd::arange(0, 28).Reshape({1, 1, 4, 7});
  NDArray y = nd::Op1("Convolution", {data, nd::ones({10, 1, 3, 3}), nd::zeros({10})},
                      {{"num_filter", 10}, {"kernel", {3, 3}}});
  ASSERT_EQ(y.shape(), Shape({1, 10, 2, 5}));
  std::vector<float> v = y.ToVector<float>();
  std::vector<float> row = {72, 81, 90, 99, 108, 135, 144, 153, 162, 171};
  for (int f = 0; f < 10; ++f)
    for (int i = 0; i < 10; ++i) EXPECT_EQ(v[f * 10 + i], row[i]);
}

TEST(Convolution, ShapeInferenceAndErrors) {
  const OpDef& op = OpRegistry::Get()->Find("Convolution");
  OpAttrs a = op.MakeAttrs(ToParamMap({{"num_filter", 128}, {"kernel", {3, 3}}, {"pad", {1, 1}}}));
  std::vector<Shape> in = {{1, 3, 10, 10}, {}, {}}, out(1);
  ASSERT_TRUE(op.infer_shape()(a, &in, &out));
  EXPECT_EQ(in[1], Shape({128, 3, 3, 3}));
  EXPECT_EQ(in[2], Shape({128}));
  EXPECT_EQ(out[0], Shape({1, 128, 10, 10}));
  // Wrong weight shape given by the user: the error names both shapes.
  std::vector<Shape> bad = {{1, 3, 10, 10}, {128, 4, 3, 3}, {}};
  try {
    op.infer_shape()(a, &bad, &out);
    FAIL();
  } catch (const ShapeError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("(128,4,3,3)"), std::string::npos) << m;
    EXPECT_NE(m.find("(128,3,3,3)"), std::string::npos) << m;
  }
  EXPECT_THROW(nd::Op1("Convolution", {Rand({1, 3, 5}), Rand({4, 3, 3, 3}), Rand({4})},
                       {{"num_filter", 4}, {"kernel", {3, 3}}}),
               ShapeError);
  EXPECT_THROW(nd::Op1("Convolution", {Rand({1, 3, 5, 5}), Rand({4, 3, 3, 3}), Rand({4})},
                       {{"num_filter", 4}, {"kernel", {3, 3}}, {"num_group", 2}}),
               ValueError);
  EXPECT_THROW(nd::Op1("Convolution", {Rand({1, 3, 5, 5}), Rand({4, 3, 3, 3}), Rand({4})},
                       {{"num_filter", 4}, {"kernal", {3, 3}}}),
               ValueError);
}

struct ConvCase {
  int sh, sw, ph, pw, dh, dw, groups;
};

TEST(Convolution, ForwardMatchesNaiveLoop) {
  for (ConvCase c : {ConvCase{1, 1, 0, 0, 1, 1, 1}, ConvCase{2, 1, 1, 2, 1, 1, 1},
                     ConvCase{1, 2, 1, 0, 2, 1, 1}, ConvCase{1, 1, 1, 1, 1, 1, 2}}) {
    NDArray x = Rand({2, 4, 7, 6}), w = Rand({6, 4 / c.groups, 3, 2}), b = Rand({6});
    NDArray y = nd::Op1("Convolution", {x, w, b},
                        {{"num_filter", 6},
                         {"kernel", {3, 2}},
                         {"stride", {c.sh, c.sw}},
                         {"pad", {c.ph, c.pw}},
                         {"dilate", {c.dh, c.dw}},
                         {"num_group", c.groups}});
    ExpectNDArrayNear(
        y, NaiveConv(x, w, b, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, c.groups), 1e-12,
        "conv stride " + std::to_string(c.sh) + " groups " + std::to_string(c.groups));
  }
}

// Large enough that the CPU kernel splits the batch into several GEMM chunks (~64 MB each).
TEST(Convolution, ChunkedBatchesMatchPerImageResults) {
  NDArray x = Rand({7, 16, 100, 100}), w = Rand({16, 16, 3, 3}), b = Rand({16});
  Params p = {{"num_filter", 16}, {"kernel", {3, 3}}, {"pad", {1, 1}}};
  NDArray y = nd::Op1("Convolution", {x, w, b}, p);
  ExpectNDArrayNear(y, NaiveConv(x, w, b, 1, 1, 1, 1, 1, 1, 1), 1e-10, "chunked forward");
  NDArray og = Rand({7, 16, 100, 100});
  ParamMap pm = ToParamMap(p);
  std::vector<NDArray> all = Invoke("_backward_Convolution", {og, x, w}, pm);
  std::vector<double> dw_sum(w.size(), 0.0);
  for (int n = 0; n < 7; ++n) {
    std::vector<NDArray> one =
        Invoke("_backward_Convolution", {og.Slice(n, n + 1), x.Slice(n, n + 1), w}, pm);
    ExpectNDArrayNear(all[0].At(n), one[0].ToVector<double>(), 1e-10,
                      "dx of image " + std::to_string(n));
    std::vector<double> dw = one[1].ToVector<double>();
    for (size_t i = 0; i < dw.size(); ++i) dw_sum[i] += dw[i];
  }
  ExpectNDArrayNear(all[1], dw_sum, 1e-8, "dw summed over images");
}

TEST(Convolution, OneDimensional) {
  NDArray x = Rand({2, 3, 9}), w = Rand({4, 3, 3}), b = Rand({4});
  NDArray y = nd::Op1("Convolution", {x, w, b},
                      {{"num_filter", 4}, {"kernel", {3}}, {"stride", {2}}, {"pad", {1}}});
  ASSERT_EQ(y.shape(), Shape({2, 4, 5}));
  NDArray y2 =
      nd::Op1("Convolution", {x.Reshape({2, 3, 1, 9}), w.Reshape({4, 3, 1, 3}), b},
              {{"num_filter", 4}, {"kernel", {1, 3}}, {"stride", {1, 2}}, {"pad", {0, 1}}});
  ExpectNDArrayNear(y, y2.ToVector<double>(), 1e-12, "1-D vs 2-D");
}

TEST(Convolution, NumericGradient) {
  CheckGradient("Convolution", {Rand({2, 3, 5, 4}), Rand({4, 3, 3, 2}), Rand({4})},
                {{"num_filter", 4}, {"kernel", {3, 2}}, {"stride", {2, 1}}, {"pad", {1, 1}}});
  CheckGradient("Convolution", {Rand({1, 4, 5, 5}), Rand({2, 2, 2, 2})},
                {{"num_filter", 2},
                 {"kernel", {2, 2}},
                 {"num_group", 2},
                 {"dilate", {2, 1}},
                 {"no_bias", true}});
}

TEST(Convolution, AddTo) {
  CheckAddTo("Convolution", {Rand({2, 3, 5, 4}), Rand({4, 3, 3, 2}), Rand({4})},
             {{"num_filter", 4}, {"kernel", {3, 2}}});
  CheckAddTo("_backward_Convolution", {Rand({2, 4, 3, 3}), Rand({2, 3, 5, 4}), Rand({4, 3, 3, 2})},
             {{"num_filter", 4}, {"kernel", {3, 2}}});
}

TEST(Deconvolution, IsTheAdjointOfConvolution) {
  // <conv(y; W), x> == <y, deconv(x; W)> for conv from 3 to 4 channels, stride 2, pad 1.
  NDArray w = Rand({4, 3, 3, 3});
  NDArray y = Rand({2, 3, 7, 6}), x = Rand({2, 4, 4, 3});
  Params common = {{"kernel", {3, 3}}, {"stride", {2, 2}}, {"pad", {1, 1}}, {"no_bias", true}};
  Params conv = common, deconv = common;
  conv.push_back({"num_filter", 4});
  deconv.push_back({"num_filter", 3});
  deconv.push_back({"adj", {0, 1}});
  NDArray cy = nd::Op1("Convolution", {y, w}, conv);
  ASSERT_EQ(cy.shape(), Shape({2, 4, 4, 3}));
  NDArray dx = nd::Op1("Deconvolution", {x, w}, deconv);
  ASSERT_EQ(dx.shape(), Shape({2, 3, 7, 6}));  // 2*(4-1)+3-2 = 7; 2*(3-1)+3-2+1 = 6
  EXPECT_NEAR(Dot(cy, x), Dot(y, dx), 1e-10);
}

TEST(Deconvolution, ShapesTargetShapeGradient) {
  NDArray x = Rand({1, 2, 3, 3}), w = Rand({2, 4, 4, 4}), b = Rand({4});
  NDArray y = nd::Op1("Deconvolution", {x, w, b},
                      {{"kernel", {4, 4}},
                       {"stride", {2, 2}},
                       {"pad", {1, 1}},
                       {"num_filter", 4},
                       {"no_bias", false}});
  EXPECT_EQ(y.shape(), Shape({1, 4, 6, 6}));
  NDArray t = nd::Op1(
      "Deconvolution", {x, w},
      {{"kernel", {4, 4}}, {"stride", {2, 2}}, {"num_filter", 4}, {"target_shape", {7, 7}}});
  EXPECT_EQ(t.shape(), Shape({1, 4, 7, 7}));
  // target_shape=(0, 0), the default MXNet writes into JSON, is "not set": pad and adj count.
  NDArray unset = nd::Op1("Deconvolution", {x, w, b},
                          {{"kernel", {4, 4}},
                           {"stride", {2, 2}},
                           {"pad", {1, 1}},
                           {"adj", {1, 1}},
                           {"num_filter", 4},
                           {"target_shape", "(0, 0)"},
                           {"no_bias", false}});
  EXPECT_EQ(unset.shape(), Shape({1, 4, 7, 7}));
  EXPECT_EQ(nd::Op1("Deconvolution", {Rand({1, 2, 5}), Rand({2, 3, 3})},
                    {{"kernel", {3}}, {"stride", {2}}, {"num_filter", 3}})
                .shape(),
            Shape({1, 3, 11}));
  CheckGradient("Deconvolution", {Rand({2, 2, 3, 2}), Rand({2, 2, 3, 3}), Rand({4})},
                {{"kernel", {3, 3}},
                 {"stride", {2, 1}},
                 {"pad", {1, 0}},
                 {"num_filter", 4},
                 {"num_group", 2},
                 {"no_bias", false}});
  CheckAddTo("Deconvolution", {x, w}, {{"kernel", {4, 4}}, {"num_filter", 4}});
  EXPECT_THROW(nd::Op1("Deconvolution", {x, w},
                       {{"kernel", {4, 4}}, {"num_filter", 4}, {"target_shape", {30, 30}}}),
               ShapeError);
}

TEST(FullyConnected, ForwardShapesAndGradient) {
  NDArray x = Rand({3, 2, 4}), w = Rand({5, 8}), b = Rand({5});
  NDArray y = nd::Op1("FullyConnected", {x, w, b}, {{"num_hidden", 5}});
  ASSERT_EQ(y.shape(), Shape({3, 5}));
  std::vector<double> X = x.ToVector<double>(), W = w.ToVector<double>(), B = b.ToVector<double>();
  std::vector<double> want(15);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) {
      want[i * 5 + j] = B[j];
      for (int k = 0; k < 8; ++k) want[i * 5 + j] += X[i * 8 + k] * W[j * 8 + k];
    }
  ExpectNDArrayNear(y, want, 1e-12, "FullyConnected");
  NDArray y2 = nd::Op1("FullyConnected", {x, Rand({5, 4})},
                       {{"num_hidden", 5}, {"flatten", false}, {"no_bias", true}});
  EXPECT_EQ(y2.shape(), Shape({3, 2, 5}));
  EXPECT_THROW(nd::Op1("FullyConnected", {x, Rand({5, 7}), b}, {{"num_hidden", 5}}), ShapeError);
  CheckGradient("FullyConnected", {x, w, b}, {{"num_hidden", 5}});
  CheckGradient("FullyConnected", {Rand({2, 3, 4}), Rand({2, 4})},
                {{"num_hidden", 2}, {"flatten", false}, {"no_bias", true}});
  CheckAddTo("FullyConnected", {x, w, b}, {{"num_hidden", 5}});
  CheckAddTo("_backward_FullyConnected", {Rand({3, 5}), x, w}, {{"num_hidden", 5}});
}

TEST(FullyConnected, Float32Works) {
  NDArray y = nd::Op1("FullyConnected", {nd::ones({2, 3}), nd::ones({4, 3}), nd::zeros({4})},
                      {{"num_hidden", 4}});
  EXPECT_EQ(y.ToVector<float>(), std::vector<float>(8, 3));
}

}  // namespace
}  // namespace mx
