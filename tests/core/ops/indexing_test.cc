// gather_nd, scatter_nd and pick against naive index loops (negative, repeated, clipped and
// wrapped indices); gradients against central differences (float64).
#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;

TEST(GatherND, PicksSlicesAndSumsTheirGradient) {
  NDArray x = testing::Rand({3, 4, 2});
  D v = x.ToVector<double>();
  // indices (M=2, 3): columns (0,1), (2,-1), (0,1) -> rows [0,1], [2,3], [0,1] again.
  NDArray idx = nd::array({0, 2, 0, 1, -1, 1}, Shape{2, 3});
  NDArray y = nd::Op1("gather_nd", {x, idx});
  ASSERT_EQ(y.shape(), Shape({3, 2}));
  const int rows[3][2] = {{0, 1}, {2, 3}, {0, 1}};
  D want;
  for (auto& r : rows)
    for (int k = 0; k < 2; ++k) want.push_back(v[(r[0] * 4 + r[1]) * 2 + k]);
  ExpectNDArrayNear(y, want, 0);
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};
  CheckGradient("gather_nd", {x, idx}, {}, data_only);  // the repeated row gets both gradients
  EXPECT_THROW(nd::Op1("gather_nd", {x, nd::array({3, 0}, Shape{2, 1})}).WaitToRead(), IndexError);
  EXPECT_THROW(nd::Op1("gather_nd", {x, nd::array({0, 0, 0, 0}, Shape{4, 1})}), ShapeError);
}

TEST(ScatterND, PlacesSlicesInZeros) {
  NDArray data = nd::array({1, 2, 3}, Shape{3}, kFloat64);
  NDArray idx = nd::array({0, 1, 1, 2, 0, 2}, Shape{2, 3});  // (0,2), (1,0), (1,2)
  NDArray y = nd::Op1("scatter_nd", {data, idx}, {{"shape", "(2, 3)"}});
  ExpectNDArrayNear(y, D{0, 0, 1, 2, 0, 3}, 0);
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};
  CheckGradient("scatter_nd", {data, idx}, {{"shape", "(2, 3)"}}, data_only);
}

TEST(Pick, OneElementPerRowAlongTheAxis) {
  NDArray x = testing::Rand({2, 4, 3});
  D v = x.ToVector<double>();
  NDArray idx = nd::array({0, 3, 5, -1, 1, 2}, Shape{2, 3}, kFloat64);  // 5 and -1 clip or wrap
  const int clip[6] = {0, 3, 3, 0, 1, 2}, wrap[6] = {0, 3, 1, 3, 1, 2};
  D want_clip, want_wrap;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b) {
      want_clip.push_back(v[(a * 4 + clip[a * 3 + b]) * 3 + b]);
      want_wrap.push_back(v[(a * 4 + wrap[a * 3 + b]) * 3 + b]);
    }
  ExpectNDArrayNear(nd::Op1("pick", {x, idx}, {{"axis", 1}}), want_clip, 0);
  ExpectNDArrayNear(nd::Op1("choose_element_0index", {x, idx}, {{"axis", 1}, {"mode", "wrap"}}),
                    want_wrap, 0);
  NDArray kept = nd::Op1("pick", {x, idx.Reshape({2, 1, 3})}, {{"axis", 1}, {"keepdims", true}});
  EXPECT_EQ(kept.shape(), Shape({2, 1, 3}));
  ExpectNDArrayNear(kept, want_clip, 0);
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};
  CheckGradient("pick", {x, idx}, {{"axis", 1}, {"mode", "wrap"}}, data_only);
  CheckGradient("pick", {x, nd::array({2, 0, 1, 1, 0, 2, 1, 0}, Shape{2, 4}, kFloat64)}, {},
                data_only);  // axis -1
  EXPECT_THROW(nd::Op1("pick", {x, nd::zeros({2, 4})}, {{"axis", 1}}), ShapeError);
}

TEST(BatchTake, OneElementPerRowOfTheLastAxis) {
  // MXNet's example: batch_take([[1, 2], [3, 4], [5, 6]], [0, 1, 0]) = [1, 4, 5].
  NDArray x = nd::array({1, 2, 3, 4, 5, 6}, Shape{3, 2});
  NDArray out = nd::Op1("batch_take", {x, nd::array({0, 1, 0}, Shape{3}, kInt32)});
  EXPECT_EQ(out.ToVector<float>(), (std::vector<float>{1, 4, 5}));
  // Rows of a (2, 2, 3) array; out-of-range indices clip; the output takes the indices' shape.
  NDArray y = testing::Rand({2, 2, 3});
  D v = y.ToVector<double>();
  NDArray t = nd::Op1("batch_take", {y, nd::array({2, -4, 7, 1}, Shape{2, 2}, kInt32)});
  EXPECT_EQ(t.shape(), Shape({2, 2}));
  ExpectNDArrayNear(t, D{v[2], v[3], v[8], v[10]}, 0);
  EXPECT_THROW(nd::Op1("batch_take", {y, nd::array({0, 1}, Shape{2}, kInt32)}), ShapeError);
}

TEST(Diag, VectorsBecomeMatricesAndBack) {
  NDArray v = nd::array({1, 2, 3}, Shape{3}, kFloat64);
  ExpectNDArrayNear(nd::Op1("diag", {v}), D{1, 0, 0, 0, 2, 0, 0, 0, 3}, 0);
  NDArray up = nd::Op1("diag", {v}, {{"k", 1}});
  EXPECT_EQ(up.shape(), Shape({4, 4}));
  ExpectNDArrayNear(up, D{0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0}, 0);
  ExpectNDArrayNear(nd::Op1("diag", {v}, {{"k", -1}}),
                    D{0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0}, 0);
  // MXNet's examples: x = [[1, 2, 3], [4, 5, 6]].
  NDArray x = nd::array({1, 2, 3, 4, 5, 6}, Shape{2, 3}, kFloat64);
  ExpectNDArrayNear(nd::Op1("diag", {x}), D{1, 5}, 0);
  ExpectNDArrayNear(nd::Op1("diag", {x}, {{"k", 1}}), D{2, 6}, 0);
  ExpectNDArrayNear(nd::Op1("diag", {x}, {{"k", -1}}), D{4}, 0);
  EXPECT_EQ(nd::Op1("diag", {x}, {{"k", 3}}).shape(), Shape({0}));
  EXPECT_THROW(nd::Op1("diag", {x}, {{"k", 4}}), ValueError);
  EXPECT_THROW(nd::Op1("diag", {x}, {{"axis1", 1}}), ValueError);
  CheckGradient("diag", {testing::Rand({3})}, {{"k", -2}});
  CheckGradient("diag", {testing::Rand({3, 4})}, {{"k", 1}});
}

TEST(Diag, PlanesOfHigherRankArrays) {
  // (2, 3, 4, 2) with axis1 = 2, axis2 = 0, k = -1: out (3, 2, len) with len = min(4 - 1, 2),
  // out[b, t, d] = x[d, b, d + 1, t].
  NDArray x = testing::Rand({2, 3, 4, 2});
  D v = x.ToVector<double>();
  Params p = {{"axis1", 2}, {"axis2", 0}, {"k", -1}};
  NDArray out = nd::Op1("diag", {x}, p);
  EXPECT_EQ(out.shape(), Shape({3, 2, 2}));
  D want;
  for (int b = 0; b < 3; ++b)
    for (int t = 0; t < 2; ++t)
      for (int d = 0; d < 2; ++d) want.push_back(v[((d * 3 + b) * 4 + (d + 1)) * 2 + t]);
  ExpectNDArrayNear(out, want, 0);
  CheckGradient("diag", {x}, p);
  CheckGradient("diag", {x}, {{"axis1", 1}, {"axis2", -1}, {"k", 1}});
}

}  // namespace
}  // namespace mx
