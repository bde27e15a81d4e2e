// 3-D (NCDHW) Convolution, Deconvolution and Pooling against naive references written here,
// and their gradients against central differences (float64). conv_dnnl_test.cc checks the
// float32 (oneDNN) path of 3-D Convolution against the float64 one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckAddTo;
using testing::Dot;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

struct Axis3 {
  int64_t d, h, w;
};

// Direct 3-D convolution with groups, stride s, pad p and dilation dl per axis.
std::vector<double> NaiveConv3D(const NDArray& x, const NDArray& w, const std::vector<double>& b,
                                Axis3 s, Axis3 p, Axis3 dl, int groups, Axis3* out) {
  Shape xs = x.shape(), ws = w.shape();
  int64_t n = xs[0], c = xs[1], D = xs[2], H = xs[3], W = xs[4];
  int64_t f = ws[0], kd = ws[2], kh = ws[3], kw = ws[4];
  int64_t od = (D + 2 * p.d - (dl.d * (kd - 1) + 1)) / s.d + 1;
  int64_t oh = (H + 2 * p.h - (dl.h * (kh - 1) + 1)) / s.h + 1;
  int64_t ow = (W + 2 * p.w - (dl.w * (kw - 1) + 1)) / s.w + 1;
  *out = Axis3{od, oh, ow};
  std::vector<double> X = x.ToVector<double>(), Wt = w.ToVector<double>();
  std::vector<double> y(n * f * od * oh * ow, 0);
  int64_t cg = c / groups, fg = f / groups;
  for (int64_t ni = 0; ni < n; ++ni)
    for (int64_t fi = 0; fi < f; ++fi)
      for (int64_t z = 0; z < od; ++z)
        for (int64_t yy = 0; yy < oh; ++yy)
          for (int64_t xx = 0; xx < ow; ++xx) {
            double acc = b.empty() ? 0 : b[fi];
            int64_t g = fi / fg;
            for (int64_t ci = 0; ci < cg; ++ci)
              for (int64_t a = 0; a < kd; ++a)
                for (int64_t i = 0; i < kh; ++i)
                  for (int64_t j = 0; j < kw; ++j) {
                    int64_t iz = z * s.d - p.d + a * dl.d, iy = yy * s.h - p.h + i * dl.h,
                            ix = xx * s.w - p.w + j * dl.w;
                    if (iz < 0 || iz >= D || iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                    acc += X[(((ni * c + g * cg + ci) * D + iz) * H + iy) * W + ix] *
                           Wt[(((fi * cg + ci) * kd + a) * kh + i) * kw + j];
                  }
            y[(((ni * f + fi) * od + z) * oh + yy) * ow + xx] = acc;
          }
  return y;
}

TEST(Convolution3D, MatchesTheNaiveReference) {
  struct Case {
    Shape data, weight;
    Axis3 s, p, dl;
    int groups;
    bool bias;
  };
  // The islproject model's kernels (1,3,3), (3,1,1) and (5,7,7) with stride 2, and a grouped,
  // dilated one.
  std::vector<Case> cases = {
      {{1, 2, 4, 6, 6}, {3, 2, 1, 3, 3}, {1, 1, 1}, {0, 1, 1}, {1, 1, 1}, 1, true},
      {{2, 3, 5, 4, 4}, {2, 3, 3, 1, 1}, {1, 1, 1}, {1, 0, 0}, {1, 1, 1}, 1, false},
      {{1, 2, 7, 11, 10}, {4, 2, 5, 7, 7}, {2, 2, 2}, {2, 3, 3}, {1, 1, 1}, 1, true},
      {{2, 4, 6, 5, 7}, {6, 2, 2, 3, 2}, {2, 1, 3}, {1, 2, 0}, {2, 1, 2}, 2, true},
  };
  for (const Case& c : cases) {
    NDArray x = Rand(c.data), w = Rand(c.weight), b = Rand({c.weight[0]});
    Params p = {{"kernel", {c.weight[2], c.weight[3], c.weight[4]}},
                {"stride", {c.s.d, c.s.h, c.s.w}},
                {"pad", {c.p.d, c.p.h, c.p.w}},
                {"dilate", {c.dl.d, c.dl.h, c.dl.w}},
                {"num_filter", static_cast<int>(c.weight[0])},
                {"num_group", c.groups},
                {"no_bias", !c.bias}};
    std::vector<NDArray> in = {x, w};
    if (c.bias) in.push_back(b);
    Axis3 o;
    std::vector<double> want = NaiveConv3D(
        x, w, c.bias ? b.ToVector<double>() : std::vector<double>(), c.s, c.p, c.dl, c.groups, &o);
    NDArray y = nd::Op1("Convolution", in, p);
    ASSERT_EQ(y.shape(), Shape({c.data[0], c.weight[0], o.d, o.h, o.w})) << c.data;
    ExpectNDArrayNear(y, want, 1e-10, "3-D convolution of " + c.data.ToString());
  }
}

TEST(Convolution3D, GradientShapesAndErrors) {
  CheckGradient("Convolution", {Rand({2, 4, 3, 4, 3}), Rand({4, 2, 2, 3, 2}), Rand({4})},
                {{"kernel", {2, 3, 2}},
                 {"stride", {1, 2, 1}},
                 {"pad", {1, 1, 0}},
                 {"dilate", {1, 1, 2}},
                 {"num_filter", 4},
                 {"num_group", 2}});
  CheckAddTo("Convolution", {Rand({1, 2, 3, 4, 4}), Rand({3, 2, 3, 3, 3}), Rand({3})},
             {{"kernel", {3, 3, 3}}, {"pad", {1, 1, 1}}, {"num_filter", 3}});
  // A depth-1 3-D convolution is the 2-D one.
  NDArray x = Rand({2, 3, 5, 6}), w = Rand({4, 3, 3, 3}), b = Rand({4});
  Params p2 = {{"kernel", {3, 3}}, {"pad", {1, 0}}, {"stride", {2, 1}}, {"num_filter", 4}};
  Params p3 = {{"kernel", {1, 3, 3}}, {"pad", {0, 1, 0}}, {"stride", {1, 2, 1}}, {"num_filter", 4}};
  NDArray y2 = nd::Op1("Convolution", {x, w, b}, p2);
  NDArray y3 =
      nd::Op1("Convolution", {x.Reshape({2, 3, 1, 5, 6}), w.Reshape({4, 3, 1, 3, 3}), b}, p3);
  ExpectNDArrayNear(y3.Reshape(y2.shape().dims()), y2, 1e-12, "depth-1 3-D against 2-D");
  // Errors: rank, layout, a 4-D kernel.
  EXPECT_THROW(nd::Op1("Convolution", {Rand({1, 3, 4, 4}), w, b}, p3), ShapeError);
  Params bad_layout = p3;
  bad_layout.push_back({"layout", "NDHWC"});
  EXPECT_THROW(
      nd::Op1("Convolution", {Rand({1, 3, 2, 5, 6}), w.Reshape({4, 3, 1, 3, 3}), b}, bad_layout),
      NotImplementedError);
  try {
    nd::Op1("Convolution", {Rand({1, 1, 2, 2, 2, 2}), Rand({1, 1, 1, 1, 1, 1})},
            {{"kernel", {1, 1, 1, 1}}, {"num_filter", 1}, {"no_bias", true}});
    ADD_FAILURE() << "a 4-D kernel was accepted";
  } catch (const NotImplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("3-D (NCDHW)"), std::string::npos) << e.what();
  }
}

TEST(Deconvolution3D, IsTheAdjointOfConvolutionAndHasGradients) {
  // <conv(y; W), x> == <y, deconv(x; W)>, stride (2, 1, 2), pad (1, 0, 1), adj (0, 0, 1).
  NDArray w = Rand({4, 2, 3, 2, 3});
  NDArray y = Rand({2, 2, 5, 4, 6}), x = Rand({2, 4, 3, 3, 3});
  Params common = {
      {"kernel", {3, 2, 3}}, {"stride", {2, 1, 2}}, {"pad", {1, 0, 1}}, {"no_bias", true}};
  Params conv = common, deconv = common;
  conv.push_back({"num_filter", 4});
  deconv.push_back({"num_filter", 2});
  deconv.push_back({"adj", {0, 0, 1}});
  NDArray cy = nd::Op1("Convolution", {y, w}, conv);
  ASSERT_EQ(cy.shape(), Shape({2, 4, 3, 3, 3}));
  NDArray dx = nd::Op1("Deconvolution", {x, w}, deconv);
  // Per axis s (x - 1) + k - 2 pad + adj: 2*2+3-2 = 5, 1*2+2 = 4, 2*2+3-2+1 = 6.
  ASSERT_EQ(dx.shape(), Shape({2, 2, 5, 4, 6}));
  EXPECT_NEAR(Dot(cy, x), Dot(y, dx), 1e-10);
  // target_shape picks pad and adj per axis.
  NDArray t = nd::Op1("Deconvolution", {x, w},
                      {{"kernel", {3, 2, 3}},
                       {"stride", {2, 2, 2}},
                       {"num_filter", 2},
                       {"target_shape", {4, 6, 6}}});
  EXPECT_EQ(t.shape(), Shape({2, 2, 4, 6, 6}));
  CheckGradient("Deconvolution", {Rand({1, 4, 2, 3, 2}), Rand({4, 1, 2, 3, 2}), Rand({2})},
                {{"kernel", {2, 3, 2}},
                 {"stride", {2, 1, 2}},
                 {"pad", {0, 1, 1}},
                 {"num_filter", 2},
                 {"num_group", 2},
                 {"no_bias", false}});
  CheckAddTo("Deconvolution", {x, w}, {{"kernel", {3, 2, 3}}, {"num_filter", 2}});
}

// Naive 3-D pooling: each window's max, sum or mean (divided by the window inside the padded
// data, or inside the data without count_include_pad), "valid" or "full" rounding.
std::vector<double> NaivePool3D(const NDArray& x, const std::string& type, Axis3 k, Axis3 s,
                                Axis3 p, bool full, bool include_pad, Shape* out) {
  Shape xs = x.shape();
  int64_t nc = xs[0] * xs[1];
  int64_t in[3] = {xs[2], xs[3], xs[4]}, kk[3] = {k.d, k.h, k.w}, ss[3] = {s.d, s.h, s.w},
          pp[3] = {p.d, p.h, p.w}, o[3];
  for (int a = 0; a < 3; ++a) {
    int64_t span = in[a] + 2 * pp[a] - kk[a];
    o[a] = (full ? (span + ss[a] - 1) / ss[a] : span / ss[a]) + 1;
  }
  *out = Shape{xs[0], xs[1], o[0], o[1], o[2]};
  std::vector<double> X = x.ToVector<double>(), y;
  for (int64_t q = 0; q < nc; ++q)
    for (int64_t z = 0; z < o[0]; ++z)
      for (int64_t yy = 0; yy < o[1]; ++yy)
        for (int64_t xx = 0; xx < o[2]; ++xx) {
          int64_t lo[3] = {z * ss[0] - pp[0], yy * ss[1] - pp[1], xx * ss[2] - pp[2]}, hi[3];
          double padded = 1, inside = 1;
          for (int a = 0; a < 3; ++a) {
            hi[a] = std::min(lo[a] + kk[a], in[a] + pp[a]);
            padded *= static_cast<double>(hi[a] - lo[a]);
            hi[a] = std::min(hi[a], in[a]);
            lo[a] = std::max<int64_t>(lo[a], 0);
            inside *= static_cast<double>(hi[a] - lo[a]);
          }
          double acc = type == "max" ? -INFINITY : 0;
          for (int64_t a = lo[0]; a < hi[0]; ++a)
            for (int64_t b = lo[1]; b < hi[1]; ++b)
              for (int64_t c = lo[2]; c < hi[2]; ++c) {
                double v = X[((q * in[0] + a) * in[1] + b) * in[2] + c];
                acc = type == "max" ? std::max(acc, v) : acc + v;
              }
          if (type == "avg") acc /= include_pad ? padded : inside;
          y.push_back(acc);
        }
  return y;
}

TEST(Pooling3D, MaxAvgSumMatchTheNaiveReferenceWithGradients) {
  struct Case {
    std::string type;
    Axis3 k, s, p;
    bool full, include_pad;
  };
  std::vector<Case> cases = {
      {"max", {3, 3, 3}, {2, 2, 2}, {1, 1, 1}, false, true},
      {"max", {1, 3, 3}, {1, 2, 2}, {0, 1, 1}, true, true},
      {"avg", {2, 3, 2}, {2, 1, 2}, {1, 1, 0}, true, true},
      {"avg", {3, 2, 3}, {1, 2, 2}, {1, 1, 1}, false, false},
      {"sum", {2, 2, 2}, {1, 1, 1}, {0, 0, 1}, false, true},
  };
  NDArray x = Rand({2, 3, 5, 6, 7});
  for (const Case& c : cases) {
    Params p = {{"kernel", {c.k.d, c.k.h, c.k.w}},
                {"stride", {c.s.d, c.s.h, c.s.w}},
                {"pad", {c.p.d, c.p.h, c.p.w}},
                {"pool_type", c.type},
                {"pooling_convention", c.full ? "full" : "valid"},
                {"count_include_pad", c.include_pad}};
    Shape shape;
    std::vector<double> want = NaivePool3D(x, c.type, c.k, c.s, c.p, c.full, c.include_pad, &shape);
    NDArray y = nd::Op1("Pooling", {x}, p);
    ASSERT_EQ(y.shape(), shape) << c.type;
    ExpectNDArrayNear(y, want, 1e-12, "3-D " + c.type + " pooling");
    CheckGradient("Pooling", {Rand({1, 2, 4, 5, 4})}, p);
    CheckAddTo("Pooling", {x}, p);
  }
  // Global pooling over depth, height and width (the I3D models' last pooling).
  NDArray g =
      nd::Op1("Pooling", {x}, {{"global_pool", true}, {"pool_type", "avg"}, {"kernel", {1, 1, 1}}});
  ASSERT_EQ(g.shape(), Shape({2, 3, 1, 1, 1}));
  std::vector<double> X = x.ToVector<double>(), mean(6, 0);
  for (size_t i = 0; i < X.size(); ++i) mean[i / 210] += X[i] / 210;
  ExpectNDArrayNear(g, mean, 1e-12, "3-D global average pooling");
  EXPECT_THROW(nd::Op1("Pooling", {x}, {{"kernel", {2, 2}}}), ValueError);
  EXPECT_THROW(nd::Op1("Pooling", {x}, {{"kernel", {6, 2, 2}}}), ShapeError);
}

}  // namespace
}  // namespace mx
