// SSD's _contrib_MultiBoxPrior, _contrib_MultiBoxTarget and _contrib_MultiBoxDetection against
// a naive reference (priors) and hand-worked cases of MXNet 1.9's CPU algorithm (matching,
// mining, decoding, sorting, suppression, topk, padding).
#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::ExpectNDArrayNear;

// The prior boxes as MXNet's documentation defines them, in double.
D NaivePriors(int64_t h, int64_t w, const D& sizes, const D& ratios, double sy, double sx,
              double oy, double ox, bool clip) {
  D out;
  for (int64_t r = 0; r < h; ++r) {
    for (int64_t c = 0; c < w; ++c) {
      double cy = (r + oy) * sy, cx = (c + ox) * sx;
      std::vector<std::pair<double, double>> shapes;  // (size, ratio)
      for (double s : sizes) shapes.push_back({s, ratios[0]});
      for (size_t j = 1; j < ratios.size(); ++j) shapes.push_back({sizes[0], ratios[j]});
      for (auto [s, q] : shapes) {
        double hw = s * h / w * std::sqrt(q) / 2, hh = s / std::sqrt(q) / 2;
        for (double v : {cx - hw, cy - hh, cx + hw, cy + hh})
          out.push_back(clip ? std::min(1.0, std::max(0.0, v)) : v);
      }
    }
  }
  return out;
}

TEST(MultiBoxPrior, MatchesTheNaiveBoxes) {
  NDArray data = nd::zeros({2, 3, 2, 3});
  Params p = {{"sizes", "(0.5, 0.25)"}, {"ratios", "(1, 4, 0.5)"}};
  NDArray out = nd::Op1("_contrib_MultiBoxPrior", {data}, p);
  EXPECT_EQ(out.shape(), Shape({1, 2 * 3 * 4, 4}));
  ExpectNDArrayNear(out, NaivePriors(2, 3, {0.5, 0.25}, {1, 4, 0.5}, 0.5, 1.0 / 3, 0.5, 0.5, false),
                    1e-6);
  // The first box by hand: centre (1/6, 1/4), half sizes (0.5 * 2/3 / 2, 0.5 / 2).
  std::vector<float> v = out.ToVector<float>();
  EXPECT_NEAR(v[0], 0.0, 1e-7);
  EXPECT_NEAR(v[1], 0.0, 1e-7);
  EXPECT_NEAR(v[2], 1.0 / 3, 1e-7);
  EXPECT_NEAR(v[3], 0.5, 1e-7);
  Params q = {{"sizes", "[0.9]"},     {"ratios", "[2]"}, {"clip", true},
              {"steps", "(0.3, 0.2)"}, {"offsets", "(0.25, 0.75)"}};
  ExpectNDArrayNear(nd::Op1("MultiBoxPrior", {data}, q),
                    NaivePriors(2, 3, {0.9}, {2}, 0.3, 0.2, 0.25, 0.75, true), 1e-6);
}

TEST(MultiBoxPrior, BadParametersAreClear) {
  NDArray data = nd::zeros({1, 1, 4, 4});
  EXPECT_THROW(nd::Op1("_contrib_MultiBoxPrior", {data}, {{"steps", "(-1, 0.5)"}}), ValueError);
  EXPECT_THROW(nd::Op1("_contrib_MultiBoxPrior", {data}, {{"offsets", "(0.5, 1.5)"}}),
               ValueError);
  EXPECT_THROW(nd::Op1("_contrib_MultiBoxPrior", {data}, {{"sizes", "()"}}), ValueError);
  EXPECT_THROW(nd::Op1("_contrib_MultiBoxPrior", {data}, {{"sizes", "(0.5, x)"}}), ValueError);
  EXPECT_THROW(nd::Op1("_contrib_MultiBoxPrior", {nd::zeros({4, 4})}), ShapeError);
}

// Six anchors and two objects (class 2 on a0's box, class 0 near a1), hand-worked IoUs:
// a0-obj0 1, a2-obj0 0.8, a1-obj1 0.8, a5-obj1 0.05, all others 0.
const D kAnchors = {0, 0, 0.5, 0.5,  0.5, 0.5, 1, 1,  0, 0, 0.4, 0.5,
                    0.6, 0, 1, 0.4,  0, 0.6, 0.3, 0.9,  0.7, 0.7, 0.8, 0.8};
const D kLabels = {2, 0, 0, 0.5, 0.5,  0, 0.5, 0.5, 0.9, 1,  -1, -1, -1, -1, -1,  // image 0
                   -1, -1, -1, -1, -1,  -1, -1, -1, -1, -1,  -1, -1, -1, -1, -1};  // image 1

std::vector<NDArray> Targets(const Params& p, const D& cls_pred) {
  NDArray anchor = nd::array(kAnchors, Shape{1, 6, 4}, kFloat64);
  NDArray label = nd::array(kLabels, Shape{2, 3, 5}, kFloat64);
  NDArray pred = nd::array(cls_pred, Shape{2, 2, 6}, kFloat64);
  return nd::Op("_contrib_MultiBoxTarget", {anchor, label, pred}, p);
}

TEST(MultiBoxTarget, MatchesEncodesAndPadsAsMXNet) {
  std::vector<NDArray> t = Targets({}, D(24, 0.0));
  ASSERT_EQ(t.size(), 3u);
  // Greedy: a0-obj0, then a1-obj1; threshold 0.5: a2 joins obj0; the rest are negatives.
  // Image 1 has no objects: every anchor ignored.
  ExpectNDArrayNear(t[2], D{3, 1, 3, 0, 0, 0, -1, -1, -1, -1, -1, -1}, 0);
  D loc(48, 0.0), mask(48, 0.0);
  for (int a : {0, 1, 2})
    for (int e = 0; e < 4; ++e) mask[a * 4 + e] = 1;
  // a1 (centre 0.75, 0.75, size 0.5 x 0.5) to obj1 (centre 0.7, 0.75, size 0.4 x 0.5).
  loc[4] = (0.7 - 0.75) / 0.5 / 0.1;
  loc[6] = std::log(0.4 / 0.5) / 0.2;
  // a2 (centre 0.2, 0.25, size 0.4 x 0.5) to obj0 (centre 0.25, 0.25, size 0.5 x 0.5).
  loc[8] = (0.25 - 0.2) / 0.4 / 0.1;
  loc[10] = std::log(0.5 / 0.4) / 0.2;
  ExpectNDArrayNear(t[0], loc, 1e-12);
  ExpectNDArrayNear(t[1], mask, 0);
  // Other variances and ignore_label.
  std::vector<NDArray> v = Targets({{"variances", "(1, 1, 1, 1)"}, {"ignore_label", -2}},
                                   D(24, 0.0));
  EXPECT_NEAR(v[0].ToVector<double>()[8], 0.05 / 0.4, 1e-12);
  EXPECT_EQ(v[2].ToVector<double>()[11], -2);
}

TEST(MultiBoxTarget, MinesTheHardestNegatives) {
  // overlap_threshold 0.9: only the greedy matches a0, a1 are positive. Candidates (best IoU
  // below 0.5): a3, a4, a5 (a2's 0.8 is not); background logits make a4 the hardest, then a5.
  D pred(24, 0.0);
  const double background[6] = {0, 0, 0, 3, -2, 1};  // class 1's logits stay 0
  for (int a = 0; a < 6; ++a) pred[a] = background[a];
  Params p = {{"overlap_threshold", 0.9}, {"negative_mining_ratio", 1.0}};
  ExpectNDArrayNear(Targets(p, pred)[2], D{3, 1, -1, -1, 0, 0, -1, -1, -1, -1, -1, -1}, 0);
  // ratio 0.5: one negative, a4.
  p[1].second = 0.5;
  ExpectNDArrayNear(Targets(p, pred)[2], D{3, 1, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1}, 0);
  // Equal background probabilities: the earlier anchor first (a3, a4).
  p[1].second = 1.0;
  ExpectNDArrayNear(Targets(p, D(24, 0.0))[2], D{3, 1, -1, 0, 0, -1, -1, -1, -1, -1, -1, -1}, 0);
}

TEST(MultiBoxTarget, BadShapesAreClear) {
  NDArray anchor = nd::array(kAnchors, Shape{1, 6, 4});
  NDArray label = nd::array(kLabels, Shape{2, 3, 5});
  EXPECT_THROW(nd::Op("_contrib_MultiBoxTarget", {anchor, label, nd::zeros({2, 2, 5})}),
               ShapeError);
  EXPECT_THROW(nd::Op("_contrib_MultiBoxTarget", {anchor, nd::zeros({2, 3, 4}),
                                                  nd::zeros({2, 2, 6})}),
               ShapeError);
  EXPECT_THROW(nd::Op("_contrib_MultiBoxTarget", {anchor, label, nd::zeros({2, 2, 6})},
                      {{"variances", "(0.1, 0.2)"}}),
               ValueError);
}

// Three anchors; a1's box has IoU 0.9 with a0's.
const D kDetAnchors = {0, 0, 0.5, 0.5,  0, 0, 0.5, 0.45,  0.5, 0.5, 1, 1};

NDArray Detect(const D& prob, const D& loc, const Params& p) {
  return nd::Op1("_contrib_MultiBoxDetection",
                 {nd::array(prob, Shape{1, 3, 3}, kFloat64), nd::array(loc, Shape{1, 12}, kFloat64),
                  nd::array(kDetAnchors, Shape{1, 3, 4}, kFloat64)},
                 p);
}

TEST(MultiBoxDetection, SortsSuppressesAndPads) {
  // (classes, anchors): background .1 .2 .5; class 1 .8 .7 .005; class 2 .1 .1 .006 (< 0.01).
  D prob = {0.1, 0.2, 0.5,  0.8, 0.7, 0.005,  0.1, 0.1, 0.006};
  D zero(12, 0.0);
  ExpectNDArrayNear(Detect(prob, zero, {}),
                    D{0, 0.8, 0, 0, 0.5, 0.5,  -1, 0.7, 0, 0, 0.5, 0.45,  -1, -1, -1, -1, -1, -1},
                    1e-12);
  // a2 confident in class 2: it sorts first and, another class, suppresses nothing.
  prob[8] = 0.9;
  D sorted = {1, 0.9, 0.5, 0.5, 1, 1,  0, 0.8, 0, 0, 0.5, 0.5,  -1, 0.7, 0, 0, 0.5, 0.45};
  ExpectNDArrayNear(Detect(prob, zero, {}), sorted, 1e-12);
  // nms_topk 1: the rows after the first are those of the unsorted detections (a0, a1, a2)
  // at their places, class -1, as MXNet leaves them.
  ExpectNDArrayNear(Detect(prob, zero, {{"nms_topk", 1}}),
                    D{1, 0.9, 0.5, 0.5, 1, 1,  -1, 0.7, 0, 0, 0.5, 0.45,  -1, 0.9, 0.5, 0.5, 1, 1},
                    1e-12);
  // nms_threshold 0: neither sorting nor suppression.
  ExpectNDArrayNear(Detect(prob, zero, {{"nms_threshold", 0}}),
                    D{0, 0.8, 0, 0, 0.5, 0.5,  0, 0.7, 0, 0, 0.5, 0.45,  1, 0.9, 0.5, 0.5, 1, 1},
                    1e-12);
  // force_suppress with a class-2 box on a0: a0's row goes.
  D forced = {0.1, 0.2, 0.5,  0.8, 0.7, 0.0,  0.1, 0.1, 0.9};
  D on_a0 = {0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0};
  NDArray f = nd::Op1("_contrib_MultiBoxDetection",
                      {nd::array(forced, Shape{1, 3, 3}, kFloat64),
                       nd::array(on_a0, Shape{1, 12}, kFloat64),
                       nd::array(D{0, 0, 0.5, 0.5,  0, 0, 0.5, 0.45,  0, 0, 0.5, 0.5},
                                 Shape{1, 3, 4}, kFloat64)},
                      {{"force_suppress", true}});
  ExpectNDArrayNear(f, D{1, 0.9, 0, 0, 0.5, 0.5,  -1, 0.8, 0, 0, 0.5, 0.5,  -1, 0.7, 0, 0, 0.5, 0.45},
                    1e-12);
}

TEST(MultiBoxDetection, DecodesAndClips) {
  D prob = {0.1, 1, 1,  0.9, 0, 0,  0, 0, 0};  // only a0 detected
  D loc(12, 0.0);
  loc[0] = 1;                        // x centre + 1 * 0.1 * 0.5
  loc[2] = std::log(2.0) / 0.2;      // twice as wide
  // Centre (0.3, 0.25), half sizes (0.5, 0.25).
  D raw = Detect(prob, loc, {{"clip", false}}).ToVector<double>();
  D want = {0, 0.9, -0.2, 0, 0.8, 0.5};
  for (int e = 0; e < 6; ++e) EXPECT_NEAR(raw[e], want[e], 1e-12) << e;
  D clipped = Detect(prob, loc, {}).ToVector<double>();
  EXPECT_NEAR(clipped[2], 0.0, 1e-12);
  EXPECT_NEAR(clipped[4], 0.8, 1e-12);
  EXPECT_EQ(clipped[6], -1);
  EXPECT_THROW(Detect(prob, D(8, 0.0), {}), ShapeError);
}

}  // namespace
}  // namespace mx
