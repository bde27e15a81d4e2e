// _contrib_BilinearResize2D against hand-worked interpolations (corners aligned, pixel areas
// scaled, downsampling), MXNet's output-size modes, and its gradient against central
// differences.
#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::ExpectNDArrayNear;

NDArray Plane(const D& v, int64_t h, int64_t w) { return nd::array(v, Shape{1, 1, h, w}, kFloat64); }

TEST(BilinearResize2D, InterpolatesAsMXNet) {
  // Aligned corners: 2x2 -> 3x3 puts the midpoints between the corners.
  NDArray x = Plane({0, 1, 2, 3}, 2, 2);
  ExpectNDArrayNear(nd::Op1("_contrib_BilinearResize2D", {x}, {{"height", 3}, {"width", 3}}),
                    {0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3}, 1e-6, "aligned");
  // Pixel areas: 2x2 -> 4x4 samples at -0.25 (clamped), 0.25, 0.75, 1.25 (the last pixel).
  NDArray y = Plane({0, 4, 8, 12}, 2, 2);
  ExpectNDArrayNear(nd::Op1("_contrib_BilinearResize2D", {y},
                            {{"height", 4}, {"width", 4}, {"align_corners", false}}),
                    {0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12}, 1e-6, "areas");
  // Downsampling 1x4 -> 1x2 with aligned corners keeps the two ends.
  ExpectNDArrayNear(nd::Op1("_contrib_BilinearResize2D", {Plane({5, 6, 7, 9}, 1, 4)},
                            {{"height", 1}, {"width", 2}}),
                    {5, 9}, 1e-6, "down");
}

TEST(BilinearResize2D, OutputSizeModes) {
  NDArray x = nd::zeros({2, 3, 5, 6});
  auto shape = [&](const Params& p, std::vector<NDArray> in = {}) {
    if (in.empty()) in = {x};
    return nd::Op1("_contrib_BilinearResize2D", in, p).shape();
  };
  EXPECT_EQ(shape({{"height", 7}, {"width", 2}}), (Shape{2, 3, 7, 2}));
  EXPECT_EQ(shape({{"scale_height", 2.0}, {"scale_width", 0.5}}), (Shape{2, 3, 10, 3}));
  EXPECT_EQ(shape({{"mode", "odd_scale"}, {"scale_height", 2.0}, {"scale_width", 2.0}}),
            (Shape{2, 3, 9, 12}));  // odd 5: (5 - 1) * 2 + 1; even 6: 12
  EXPECT_EQ(shape({{"mode", "to_even_down"}}), (Shape{2, 3, 4, 6}));
  EXPECT_EQ(shape({{"mode", "to_even_up"}}), (Shape{2, 3, 6, 6}));
  EXPECT_EQ(shape({{"mode", "to_odd_down"}}), (Shape{2, 3, 5, 5}));
  EXPECT_EQ(shape({{"mode", "to_odd_up"}}), (Shape{2, 3, 5, 7}));
  EXPECT_EQ(shape({{"mode", "like"}}, {x, nd::zeros({1, 1, 4, 9})}), (Shape{2, 3, 4, 9}));
  EXPECT_THROW(shape({{"scale_height", 2.0}}), ValueError);
  EXPECT_THROW(nd::Op1("_contrib_BilinearResize2D", {nd::zeros({3, 5, 6})}), ShapeError);
}

TEST(BilinearResize2D, GradientMatchesCentralDifferences) {
  for (bool align : {true, false}) {
    testing::CheckGradient("_contrib_BilinearResize2D", {testing::Rand({2, 2, 4, 5})},
                           {{"height", 7}, {"width", 3}, {"align_corners", align}});
  }
  testing::CheckGradient("_contrib_BilinearResize2D",
                         {testing::Rand({1, 2, 3, 3}), testing::Rand({1, 1, 5, 2})},
                         {{"mode", "like"}, {"align_corners", false}});
}

}  // namespace
}  // namespace mx
