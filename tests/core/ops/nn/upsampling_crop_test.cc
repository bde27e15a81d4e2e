// UpSampling (nearest) and Crop against naive references, their gradients against central
// differences (float64).
#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckAddTo;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;
using D = std::vector<double>;

// out[n, off + c, y, x] = in[n, c, y / s, x / s] for an (N, C, H, W) input, naively.
void NaiveUp(const std::vector<double>& in, const Shape& s, int64_t scale, int64_t c_out,
             int64_t off, bool add, std::vector<double>* out) {
  int64_t oh = s[2] * scale, ow = s[3] * scale;
  for (int64_t n = 0; n < s[0]; ++n)
    for (int64_t c = 0; c < s[1]; ++c)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
          double v = in[((n * s[1] + c) * s[2] + y / scale) * s[3] + x / scale];
          double& o = (*out)[((n * c_out + off + c) * oh + y) * ow + x];
          o = add ? o + v : v;
        }
}

TEST(UpSampling, NearestRepeatsPixelsAndCombinesInputs) {
  NDArray a = Rand({2, 3, 2, 3}), b = Rand({2, 2, 1, 3});
  NDArray up = nd::Op1("UpSampling", {a},
                       {{"scale", 2}, {"sample_type", "nearest"}, {"num_args", 1}});
  EXPECT_EQ(up.shape(), Shape({2, 3, 4, 6}));
  std::vector<double> want(up.size());
  NaiveUp(a.ToVector<double>(), a.shape(), 2, 3, 0, false, &want);
  ExpectNDArrayNear(up, want, 0);
  // concat: b (1 x 3) is repeated 4 x 2 to reach (4, 6), after a's 3 channels.
  NDArray cat = nd::Op1("UpSampling", {a, b},
                        {{"scale", 2}, {"sample_type", "nearest"}, {"num_args", 2}});
  EXPECT_EQ(cat.shape(), Shape({2, 5, 4, 6}));
  std::vector<double> want_cat(cat.size());
  NaiveUp(a.ToVector<double>(), a.shape(), 2, 5, 0, false, &want_cat);
  std::vector<double> vb = b.ToVector<double>();
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 2; ++c)
      for (int64_t y = 0; y < 4; ++y)
        for (int64_t x = 0; x < 6; ++x)
          want_cat[((n * 5 + 3 + c) * 4 + y) * 6 + x] = vb[(n * 2 + c) * 3 + x / 2];
  ExpectNDArrayNear(cat, want_cat, 0);
  // sum: equal channels, added.
  NDArray c2 = Rand({2, 3, 1, 1});
  NDArray sum = nd::Op1("UpSampling", {a, c2},
                        {{"scale", 2},
                         {"sample_type", "nearest"},
                         {"num_args", 2},
                         {"multi_input_mode", "sum"}});
  std::vector<double> want_sum(sum.size());
  NaiveUp(a.ToVector<double>(), a.shape(), 2, 3, 0, false, &want_sum);
  std::vector<double> vc = c2.ToVector<double>();
  for (size_t i = 0; i < want_sum.size(); ++i) want_sum[i] += vc[(i / 24) % 6];
  ExpectNDArrayNear(sum, want_sum, 1e-12);
}

TEST(UpSampling, GradientsAndErrors) {
  CheckGradient("UpSampling", {Rand({1, 2, 2, 2})},
                {{"scale", 3}, {"sample_type", "nearest"}, {"num_args", 1}});
  CheckGradient("UpSampling", {Rand({1, 2, 2, 2}), Rand({1, 1, 1, 2})},
                {{"scale", 2}, {"sample_type", "nearest"}, {"num_args", 2}});
  CheckGradient("UpSampling", {Rand({1, 2, 2, 2}), Rand({1, 2, 4, 4})},
                {{"scale", 2}, {"sample_type", "nearest"}, {"num_args", 2},
                 {"multi_input_mode", "sum"}});
  CheckAddTo("UpSampling", {Rand({1, 2, 2, 2})},
             {{"scale", 2}, {"sample_type", "nearest"}, {"num_args", 1}});
  EXPECT_THROW(nd::Op1("UpSampling", {Rand({1, 2, 2, 2}), Rand({3, 1, 4, 4})},
                       {{"scale", 2}, {"sample_type", "bilinear"}, {"num_args", 2},
                        {"num_filter", 3}}),
               ShapeError);  // num_filter must be the 2 channels
  EXPECT_THROW(nd::Op1("UpSampling", {Rand({1, 2, 2, 2}), Rand({1, 2, 3, 3})},
                       {{"scale", 2}, {"sample_type", "nearest"}, {"num_args", 2}}),
               ShapeError);  // 3 does not divide 4
}

// Bilinear: MXNet's depthwise deconvolution. With mx.init.Bilinear's weight for scale 2 (the
// taps 0.25, 0.75, 0.75, 0.25 each way) a 2x2 image of ones becomes the outer product of
// (0.75, 1, 1, 0.75); any weight gives Deconvolution's result and gradients.
TEST(UpSampling, BilinearIsADepthwiseDeconvolution) {
  D taps = {0.25, 0.75, 0.75, 0.25}, w;
  for (int c = 0; c < 2; ++c)
    for (double a : taps)
      for (double b : taps) w.push_back(a * b);
  NDArray weight = nd::array(w, Shape{2, 1, 4, 4}, kFloat64);
  Params p = {{"scale", 2}, {"sample_type", "bilinear"}, {"num_args", 2}, {"num_filter", 2}};
  NDArray up = nd::Op1("UpSampling", {nd::ones({1, 2, 2, 2}, cpu(), kFloat64), weight}, p);
  EXPECT_EQ(up.shape(), (Shape{1, 2, 4, 4}));
  D edge = {0.75, 1, 1, 0.75}, want;
  for (int c = 0; c < 2; ++c)
    for (double a : edge)
      for (double b : edge) want.push_back(a * b);
  ExpectNDArrayNear(up, want, 1e-12, "bilinear weight");
  NDArray x = Rand({2, 2, 3, 3}), k = Rand({2, 1, 4, 4});
  ExpectNDArrayNear(nd::Op1("UpSampling", {x, k}, p),
                    nd::Op1("Deconvolution", {x, k},
                            {{"kernel", "(4, 4)"}, {"stride", "(2, 2)"}, {"pad", "(1, 1)"},
                             {"num_filter", 2}, {"num_group", 2}, {"no_bias", true}}),
                    1e-12, "as Deconvolution");
  Params p3 = {{"scale", 3}, {"sample_type", "bilinear"}, {"num_args", 2}, {"num_filter", 2}};
  EXPECT_EQ(nd::Op1("UpSampling", {x, Rand({2, 1, 5, 5})}, p3).shape(), (Shape{2, 2, 9, 9}));
  CheckGradient("UpSampling", {Rand({1, 2, 2, 3}), Rand({2, 1, 4, 4})}, p);
}

TEST(Crop, ToCropLikeAtOffsetOrCenterAndItsGradient) {
  NDArray d = Rand({2, 2, 5, 6}), like = Rand({1, 1, 3, 2});
  std::vector<double> vd = d.ToVector<double>();
  auto naive = [&](int64_t h, int64_t w, int64_t oy, int64_t ox) {
    std::vector<double> out;
    for (int64_t nc = 0; nc < 4; ++nc)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) out.push_back(vd[(nc * 5 + y + oy) * 6 + x + ox]);
    return out;
  };
  NDArray c = nd::Op1("Crop", {d, like}, {{"num_args", 2}});
  EXPECT_EQ(c.shape(), Shape({2, 2, 3, 2}));
  ExpectNDArrayNear(c, naive(3, 2, 0, 0), 0);
  ExpectNDArrayNear(nd::Op1("Crop", {d, like}, {{"num_args", 2}, {"offset", {1, 3}}}),
                    naive(3, 2, 1, 3), 0);
  ExpectNDArrayNear(nd::Op1("Crop", {d}, {{"num_args", 1}, {"h_w", {2, 4}}, {"center_crop", true}}),
                    naive(2, 4, 1, 1), 0);
  CheckGradient("Crop", {Rand({1, 2, 4, 5}), Rand({1, 2, 2, 3})},
                {{"num_args", 2}, {"offset", {1, 2}}});
  CheckAddTo("Crop", {d}, {{"num_args", 1}, {"h_w", {2, 4}}, {"center_crop", true}});
  EXPECT_THROW(nd::Op1("Crop", {d}, {{"num_args", 1}, {"h_w", {2, 4}}, {"offset", {4, 0}}}),
               ShapeError);
  EXPECT_THROW(nd::Op1("Crop", {d}, {{"num_args", 1}}), ValueError);
}

}  // namespace
}  // namespace mx
