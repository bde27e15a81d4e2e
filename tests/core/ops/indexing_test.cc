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

}  // namespace
}  // namespace mx
