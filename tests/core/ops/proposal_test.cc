// _contrib_Proposal and _contrib_MultiProposal on hand-worked maps (MXNet's anchors, score
// order, NMS with +1 pixel sizes, cells outside the real image, cyclic filling) and their
// shape errors.
#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::ExpectNDArrayNear;

// cls_prob (n, 2, 2, 2) for one anchor: background zeros, foreground `fg` (h, w order).
NDArray Scores(const D& fg, int64_t n = 1) {
  D v;
  for (int64_t i = 0; i < n; ++i) {
    for (int k = 0; k < 4; ++k) v.push_back(0);
    v.insert(v.end(), fg.begin() + 4 * i, fg.begin() + 4 * i + 4);
  }
  return nd::array(v, Shape{n, 2, 2, 2}, kFloat32);
}

const Params kOneAnchor = {{"ratios", "(1,)"},          {"scales", "(1,)"},
                           {"feature_stride", 16},      {"rpn_min_size", 16},
                           {"rpn_pre_nms_top_n", 10},   {"rpn_post_nms_top_n", 3},
                           {"threshold", 0.7}};

TEST(Proposal, SortsDecodesAndSuppressesAsMXNet) {
  // One 16x16 anchor per cell: boxes (0,0,15,15), (16,0,31,15), (0,16,15,31), (16,16,31,31).
  NDArray info = nd::array({32, 32, 1}, Shape{1, 3}, kFloat32);
  NDArray deltas = nd::zeros({1, 4, 2, 2});
  std::vector<NDArray> out = Invoke("_contrib_Proposal", {Scores({0.9, 0.1, 0.5, 0.7}), deltas, info},
                                    ToParamMap(kOneAnchor));
  ASSERT_EQ(out.size(), 1u);  // the score output is hidden unless output_score
  ExpectNDArrayNear(out[0], {0, 0, 0, 15, 15, 0, 16, 16, 31, 31, 0, 0, 16, 15, 31}, 1e-5);

  // dx = -1 moves cell (0, 1)'s box onto (0, 0)'s: IoU 1 suppresses it; 4 rows from 3 kept
  // repeat the first; output_score shows the scores.
  D d(16, 0.0);
  d[0 * 4 + 1] = -1;  // channel 0 (dx), cell (0, 1)
  Params p = kOneAnchor;
  p.push_back({"rpn_post_nms_top_n", 4});
  p.push_back({"output_score", true});
  ParamMap pm = ToParamMap(p);
  out = Invoke("_contrib_Proposal", {Scores({0.6, 0.9, 0.5, 0.7}), nd::array(d, Shape{1, 4, 2, 2}), info}, pm);
  ASSERT_EQ(out.size(), 2u);
  ExpectNDArrayNear(out[1], {0.9, 0.7, 0.5, 0.9}, 1e-6, "scores");
  ExpectNDArrayNear(out[0], {0, 0, 0, 15, 15, 0, 16, 16, 31, 31, 0, 0, 16, 15, 31, 0, 0, 0, 15, 15},
                    1e-5, "boxes");
  // A 16-pixel-high image: the second row of cells is outside (score -1, last).
  out = Invoke("_contrib_Proposal", {Scores({0.1, 0.2, 0.9, 0.8}), deltas,
                                     nd::array({16, 32, 1}, Shape{1, 3}, kFloat32)},
               pm);
  ExpectNDArrayNear(out[1], {0.2, 0.1, -1, -1}, 1e-6, "outside the image");
}

TEST(Proposal, AnchorsAreMXNets) {
  // ratio 0.5, scale 8 at stride 16: py-faster-rcnn's (-84, -40, 99, 55), here at cell (10, 10).
  D fg(11 * 11, 0.0);
  fg[10 * 11 + 10] = 1;
  D cls(11 * 11, 0.0);
  cls.insert(cls.end(), fg.begin(), fg.end());
  Params p = {{"ratios", "(0.5,)"}, {"scales", "(8,)"}, {"rpn_post_nms_top_n", 1}};
  NDArray out = nd::Op1("_contrib_Proposal", {nd::array(cls, Shape{1, 2, 11, 11}, kFloat32),
                                              nd::zeros({1, 4, 11, 11}),
                                              nd::array({1000, 1000, 1}, Shape{1, 3}, kFloat32)},
                        p);
  ExpectNDArrayNear(out, {0, 76, 120, 259, 215}, 1e-4);
}

TEST(Proposal, MultiProposalTakesABatch) {
  NDArray info = nd::array({32, 32, 1, 32, 32, 1}, Shape{2, 3}, kFloat32);
  Params p = kOneAnchor;
  p.push_back({"rpn_post_nms_top_n", 1});
  NDArray scores = Scores({0.9, 0.1, 0.5, 0.7, 0.1, 0.2, 0.3, 0.4}, 2);
  NDArray out = nd::Op1("_contrib_MultiProposal", {scores, nd::zeros({2, 4, 2, 2}), info}, p);
  ExpectNDArrayNear(out, {0, 0, 0, 15, 15, 1, 16, 16, 31, 31}, 1e-5);
  EXPECT_THROW(nd::Op1("_contrib_Proposal", {scores, nd::zeros({2, 4, 2, 2}), info}, p),
               ValueError);
  EXPECT_THROW(nd::Op1("_contrib_Proposal", {nd::zeros({1, 3, 2, 2}), nd::zeros({1, 4, 2, 2}),
                                             info.Slice(0, 1)},
                       kOneAnchor),
               ShapeError);
}

}  // namespace
}  // namespace mx
