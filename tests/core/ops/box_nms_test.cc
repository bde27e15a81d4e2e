// _contrib_box_nms against hand-worked cases of MXNet 1.9's algorithm (valid filter, stable
// score order, topk, per-class suppression, formats, -1 padding) and its gradient;
// _contrib_box_iou against MXNet's documented example and a naive reference;
// _contrib_bipartite_matching against MXNet's example and hand-worked threshold/topk cases.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/base/error.h"
#include "core/op/autograd.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::ExpectNDArrayNear;

// Rows (id, score, x0, y0, x1, y1).
NDArray Boxes(const D& v, int64_t n) { return nd::array(v, Shape{n, 6}, kFloat64); }

const D kBoxes = {
    0, 0.9, 0, 0, 2, 2,     // a: kept, the best score
    0, 0.8, 0, 0, 2, 1.9,   // b: IoU 0.95 with a, same class: suppressed
    1, 0.7, 0, 0, 2, 2,     // c: a's box but class 1: kept unless force_suppress
    0, 0.6, 3, 3, 4, 4,     // d: no overlap: kept
    0, 0.05, 0, 0, 1, 1,    // e: below valid_thresh 0.1
};

TEST(BoxNMS, SuppressesByClassAndScoreOrder) {
  NDArray x = Boxes(kBoxes, 5);
  Params p = {{"id_index", 0}, {"valid_thresh", 0.1}, {"overlap_thresh", 0.5}};
  D minus(6, -1);
  D want;
  for (int r : {0, 2, 3}) want.insert(want.end(), kBoxes.begin() + 6 * r, kBoxes.begin() + 6 * r + 6);
  for (int r = 0; r < 2; ++r) want.insert(want.end(), minus.begin(), minus.end());
  ExpectNDArrayNear(nd::Op1("_contrib_box_nms", {x}, p), want, 0);
  // force_suppress: c goes too.
  Params f = p;
  f.push_back({"force_suppress", true});
  D forced;
  for (int r : {0, 3}) forced.insert(forced.end(), kBoxes.begin() + 6 * r, kBoxes.begin() + 6 * r + 6);
  for (int r = 0; r < 3; ++r) forced.insert(forced.end(), minus.begin(), minus.end());
  ExpectNDArrayNear(nd::Op1("_contrib_box_non_maximum_suppression", {x}, f), forced, 0);
  // topk 2: only a and b take part (b suppressed), so a alone remains.
  Params t = p;
  t.push_back({"topk", 2});
  D top(kBoxes.begin(), kBoxes.begin() + 6);
  for (int r = 0; r < 4; ++r) top.insert(top.end(), minus.begin(), minus.end());
  ExpectNDArrayNear(nd::Op1("_contrib_box_nms", {x}, t), top, 0);
  // topk 0 passes the data through.
  ExpectNDArrayNear(nd::Op1("_contrib_box_nms", {x}, {{"topk", 0}}), kBoxes, 0);
}

TEST(BoxNMS, BatchesTiesAndFormats) {
  // Two batches of two rows (score, x, y, w, h) in center format, no classes; ties keep order.
  D v = {0.5, 1, 1, 2, 2,  0.5, 5, 5, 2, 2,  // batch 0: equal scores, apart: both kept in order
         0.2, 1, 1, 2, 2,  0.9, 1, 1, 2, 2.2};  // batch 1: the second is first, suppresses the other
  NDArray x = nd::array(v, Shape{2, 2, 5}, kFloat64);
  Params p = {{"coord_start", 1}, {"score_index", 0}, {"in_format", "center"},
              {"out_format", "corner"}};
  D want = {0.5, 0, 0, 2, 2,  0.5, 4, 4, 6, 6,  0.9, 0, -0.1, 2, 2.1,  -1, -1, -1, -1, -1};
  ExpectNDArrayNear(nd::Op1("_contrib_box_nms", {x}, p), want, 1e-12);
}

TEST(BoxNMS, GradientGoesBackToTheKeptRows) {
  NDArray x = Boxes(kBoxes, 5);
  ParamMap p = ToParamMap({{"id_index", 0}, {"valid_thresh", 0.1}});
  InvokeOptions train;
  train.is_train = true;
  std::vector<NDArray> out = InvokeAll("_contrib_box_nms", {x}, p, train);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].ToVector<double>(), (D{0, 2, 3, -1, -1}));
  D og(30);
  for (size_t i = 0; i < og.size(); ++i) og[i] = static_cast<double>(i + 1);
  std::vector<NDArray> g = Backward("_contrib_box_nms", {x}, p, out,
                                    {nd::array(og, Shape{5, 6}, kFloat64)});
  D want(30, 0.0);
  const int rows[] = {0, 2, 3};  // output row k came from input row rows[k]
  for (int k = 0; k < 3; ++k)
    for (int e = 0; e < 6; ++e) want[rows[k] * 6 + e] = og[k * 6 + e];
  ExpectNDArrayNear(g[0], want, 0);
}

TEST(BoxNMS, BadLayoutsAreClear) {
  EXPECT_THROW(nd::Op1("_contrib_box_nms", {nd::zeros({3, 4})}), ShapeError);
  EXPECT_THROW(nd::Op1("_contrib_box_nms", {nd::zeros({3, 6})}, {{"score_index", 3}}),
               ValueError);
  EXPECT_THROW(nd::Op1("_contrib_box_nms", {nd::zeros({3, 6})}, {{"in_format", "xywh"}}),
               ValueError);
}

// Naive IoU of corner boxes a, b.
double NaiveIoU(const double* a, const double* b) {
  double w = std::min(a[2], b[2]) - std::max(a[0], b[0]);
  double h = std::min(a[3], b[3]) - std::max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  double inter = w * h;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

TEST(BoxIoU, MatchesMXNetsExampleAndANaiveReference) {
  NDArray x = nd::array({0.5, 0.5, 1.0, 1.0, 0.0, 0.0, 0.5, 0.5}, Shape{2, 4}, kFloat64);
  NDArray y = nd::array({0.25, 0.25, 0.75, 0.75}, Shape{1, 4}, kFloat64);
  ExpectNDArrayNear(nd::Op1("_contrib_box_iou", {x, y}), {0.0625 / 0.4375, 0.0625 / 0.4375},
                    1e-12);
  // Random corner boxes (2, 3) x (5): out (2, 3, 5); the same boxes in center format agree.
  D l, r, lc, rc;
  auto boxes = [](int n, D* corner, D* center) {
    std::vector<double> v = testing::Rand({n, 4}, 0, 1).ToVector<double>();
    for (int i = 0; i < n; ++i) {
      double x0 = v[4 * i], y0 = v[4 * i + 1], w = v[4 * i + 2], h = v[4 * i + 3];
      corner->insert(corner->end(), {x0, y0, x0 + w, y0 + h});
      center->insert(center->end(), {x0 + w / 2, y0 + h / 2, w, h});
    }
  };
  boxes(6, &l, &lc);
  boxes(5, &r, &rc);
  D want;
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 5; ++j) want.push_back(NaiveIoU(&l[4 * i], &r[4 * j]));
  NDArray out = nd::Op1("_contrib_box_iou", {nd::array(l, Shape{2, 3, 4}, kFloat64),
                                             nd::array(r, Shape{5, 4}, kFloat64)});
  EXPECT_EQ(out.shape(), (Shape{2, 3, 5}));
  ExpectNDArrayNear(out, want, 1e-12, "corner");
  ExpectNDArrayNear(nd::Op1("_contrib_box_iou", {nd::array(lc, Shape{6, 4}, kFloat64),
                                                 nd::array(rc, Shape{5, 4}, kFloat64)},
                            {{"format", "center"}}),
                    want, 1e-12, "center");
  EXPECT_THROW(nd::Op1("_contrib_box_iou", {nd::zeros({3, 5}), nd::zeros({2, 4})}), ShapeError);
}

TEST(BipartiteMatching, GreedyByScoreAsMXNet) {
  // MXNet's example: x = [1, -1, 0], y = [2, 0].
  NDArray s = nd::array({0.5, 0.6, 0.1, 0.2, 0.3, 0.4}, Shape{1, 3, 2}, kFloat64);
  std::vector<NDArray> m = Invoke("_contrib_bipartite_matching", {s}, {{"threshold", "1e-12"}});
  ExpectNDArrayNear(m[0], {1, -1, 0}, 0, "rows");
  ExpectNDArrayNear(m[1], {2, 0}, 0, "columns");
  EXPECT_EQ(m[0].shape(), (Shape{1, 3}));
  // A free pair below the threshold ends the batch: 0.6 matches, 0.3 (rows 2, column 0) stops.
  m = Invoke("_contrib_bipartite_matching", {s}, {{"threshold", "0.35"}});
  ExpectNDArrayNear(m[0], {1, -1, -1}, 0, "threshold rows");
  ExpectNDArrayNear(m[1], {-1, 0}, 0, "threshold columns");
  // Ascending: 0.1 (1, 0) first, then 0.4 (2, 1); a second batch on its own.
  NDArray two = nd::array({0.5, 0.6, 0.1, 0.2, 0.3, 0.4, 0.9, 0.1, 0.2, 0.8, 0.5, 0.5},
                          Shape{2, 3, 2}, kFloat64);
  m = Invoke("_contrib_bipartite_matching", {two}, {{"threshold", "1"}, {"is_ascend", "True"}});
  ExpectNDArrayNear(m[0], {-1, 0, 1, 1, 0, -1}, 0, "ascending rows");
  ExpectNDArrayNear(m[1], {1, 2, 1, 0}, 0, "ascending columns");
  // topk = 1 stops once the count exceeds 1: two of the three possible matches, as MXNet.
  NDArray eye = nd::array({0.9, 0, 0, 0, 0.8, 0, 0, 0, 0.7}, Shape{3, 3}, kFloat64);
  m = Invoke("_contrib_bipartite_matching", {eye}, {{"threshold", "0.1"}, {"topk", "1"}});
  ExpectNDArrayNear(m[0], {0, 1, -1}, 0, "topk rows");
}

}  // namespace
}  // namespace mx
