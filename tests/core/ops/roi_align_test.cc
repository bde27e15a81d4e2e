// _contrib_ROIAlign on inputs with known answers (bilinear sampling of a linear ramp is exact,
// position-sensitive channel choice, empty and outside rois) and its data gradient against
// central differences (float64); ROIPooling on hand-worked bins (quadrants, single pixels, a
// malformed and an invalid roi) and its gradient.
#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/op/autograd.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;

// data (1, 2, 6, 8): channel 0 = x, channel 1 = 10 * y.
NDArray Ramps() {
  D v;
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < 6; ++y)
      for (int x = 0; x < 8; ++x) v.push_back(c == 0 ? x : 10.0 * y);
  return nd::array(v, Shape{1, 2, 6, 8}, kFloat64);
}

TEST(ROIAlign, AveragesBilinearSamples) {
  // roi x 0..4, y 0..4 at scale 1, 2x2 bins of 2x2 samples: bin centres x = 1, 3; y = 1, 3.
  NDArray rois = nd::array({0, 0, 0, 4, 4}, Shape{1, 5}, kFloat64);
  Params p = {{"pooled_size", "(2, 2)"}, {"spatial_scale", 1.0}, {"sample_ratio", 2}};
  NDArray y = nd::Op1("_contrib_ROIAlign", {Ramps(), rois}, p);
  ASSERT_EQ(y.shape(), Shape({1, 2, 2, 2}));
  ExpectNDArrayNear(y, D{1, 3, 1, 3, 10, 10, 30, 30}, 1e-12);
  // Scale 0.5 halves the roi (x 0..2, y 0..2): centres 0.5 and 1.5; adaptive grid gives 1 sample.
  NDArray big = nd::array({0, 0, 0, 4, 4}, Shape{1, 5}, kFloat64);
  ExpectNDArrayNear(nd::Op1("_contrib_ROIAlign", {Ramps(), big},
                            {{"pooled_size", "(2, 2)"}, {"spatial_scale", 0.5}}),
                    D{0.5, 1.5, 0.5, 1.5, 5, 5, 15, 15}, 1e-12);
  // aligned shifts by half a pixel: roi 1..5 maps to 0.5..4.5, centres 1.5 and 3.5.
  NDArray r2 = nd::array({0, 1, 1, 5, 5}, Shape{1, 5}, kFloat64);
  Params a = p;
  a.push_back({"aligned", true});
  ExpectNDArrayNear(nd::Op1("_contrib_ROIAlign", {Ramps(), r2}, a),
                    D{1.5, 3.5, 1.5, 3.5, 15, 15, 35, 35}, 1e-12);
  // A negative batch index gives 0; samples past the map's edge count as 0.
  NDArray none = nd::array({-1, 0, 0, 4, 4}, Shape{1, 5}, kFloat64);
  ExpectNDArrayNear(nd::Op1("_contrib_ROIAlign", {Ramps(), none}, p), D(8, 0.0), 0);
  NDArray out = nd::array({0, 20, 0, 24, 4}, Shape{1, 5}, kFloat64);
  ExpectNDArrayNear(nd::Op1("_contrib_ROIAlign", {Ramps(), out}, p), D(8, 0.0), 0);
}

TEST(ROIAlign, PositionSensitiveReadsOneChannelPerBin) {
  D v;
  for (int c = 0; c < 8; ++c)
    for (int i = 0; i < 16; ++i) v.push_back(c);
  NDArray data = nd::array(v, Shape{1, 8, 4, 4}, kFloat64);
  NDArray rois = nd::array({0, 0, 0, 3, 3}, Shape{1, 5}, kFloat64);
  NDArray y = nd::Op1("_contrib_ROIAlign", {data, rois},
                      {{"pooled_size", "(2, 2)"}, {"spatial_scale", 1.0},
                       {"position_sensitive", true}});
  ASSERT_EQ(y.shape(), Shape({1, 2, 2, 2}));
  ExpectNDArrayNear(y, D{0, 1, 2, 3, 4, 5, 6, 7}, 1e-12);  // channel (c * 2 + ph) * 2 + pw
  EXPECT_THROW(nd::Op1("_contrib_ROIAlign", {nd::zeros({1, 6, 4, 4}), rois},
                       {{"pooled_size", "(2, 2)"}, {"spatial_scale", 1.0},
                        {"position_sensitive", true}}),
               ShapeError);
}

TEST(ROIAlign, DataGradient) {
  NDArray data = testing::Rand({2, 3, 5, 6});
  NDArray rois = nd::array({0, 0.5, 0.3, 4.2, 3.9,  1, 1.0, 0.0, 5.5, 4.5,  0, 2, 1, 3, 2},
                           Shape{3, 5}, kFloat64);
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};
  CheckGradient("_contrib_ROIAlign", {data, rois},
                {{"pooled_size", "(2, 3)"}, {"spatial_scale", 0.9}}, data_only);
  CheckGradient("_contrib_ROIAlign", {testing::Rand({1, 4, 5, 5}), rois.Slice(0, 1)},
                {{"pooled_size", "(2, 2)"}, {"spatial_scale", 1.0}, {"sample_ratio", 2},
                 {"position_sensitive", true}},
                data_only);
  EXPECT_THROW(nd::Op1("_contrib_ROIAlign", {data, nd::zeros({3, 4})},
                       {{"pooled_size", "(2, 2)"}, {"spatial_scale", 1.0}}),
               ShapeError);
}

TEST(ROIPooling, MaxOfEachBinAsMXNet) {
  D v;
  for (int i = 0; i < 16; ++i) v.push_back(i);
  NDArray data = nd::array(v, Shape{1, 1, 4, 4}, kFloat64);
  NDArray rois = nd::array({0, 0, 0, 3, 3,    // the whole map: quadrant maxima
                            0, 1, 1, 2, 2,    // 2x2 region: one pixel a bin
                            0, 3, 3, 1, 1,    // x2 < x1: forced to 1x1 at (3, 3)
                            3, 0, 0, 3, 3},   // batch index 3 of 1: zeros
                           Shape{4, 5}, kFloat64);
  Params p = {{"pooled_size", "(2, 2)"}, {"spatial_scale", 1.0}};
  std::vector<NDArray> out = InvokeAll("ROIPooling", {data, rois}, ToParamMap(p));
  ASSERT_EQ(out.size(), 2u);
  ExpectNDArrayNear(out[0], {5, 7, 13, 15, 5, 6, 9, 10, 15, 15, 15, 15, 0, 0, 0, 0}, 0);
  EXPECT_EQ(out[1].ToVector<int64_t>(),
            (std::vector<int64_t>{5, 7, 13, 15, 5, 6, 9, 10, 15, 15, 15, 15, -1, -1, -1, -1}));
  EXPECT_EQ(Invoke("ROIPooling", {data, rois}, ToParamMap(p)).size(), 1u);  // maxidx is hidden
  // spatial_scale 0.5 rounds (2, 2, 6, 6) to (1, 1, 3, 3).
  NDArray half = nd::array({0, 2, 2, 6, 6}, Shape{1, 5}, kFloat64);
  ExpectNDArrayNear(nd::Op1("ROIPooling", {data, half},
                            {{"pooled_size", "(1, 1)"}, {"spatial_scale", 0.5}}),
                    {15}, 0);
  EXPECT_THROW(nd::Op1("ROIPooling", {data, nd::zeros({2, 4})}, p), ShapeError);
}

TEST(ROIPooling, GradientMatchesCentralDifferences) {
  NDArray rois = nd::array({0, 2, 0, 8, 6, 1, 0, 2, 6, 8, 1, 4, 4, 6, 6}, Shape{3, 5}, kFloat64);
  Params p = {{"pooled_size", "(2, 3)"}, {"spatial_scale", 0.5}};
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};  // a roi's batch index is truncated: no difference quotient there
  NDArray data = testing::Rand({2, 3, 5, 5});
  CheckGradient("ROIPooling", {data, rois}, p, data_only);
  std::vector<NDArray> out = InvokeAll("ROIPooling", {data, rois}, ToParamMap(p));
  std::vector<NDArray> g =
      Backward("ROIPooling", {data, rois}, ToParamMap(p), out, {nd::ones(out[0].shape())});
  ExpectNDArrayNear(g[1], D(15, 0.0), 0, "rois get zeros");
}

}  // namespace
}  // namespace mx
