// topk, sort and argsort against std::stable_sort references (ties keep their order), on the
// last axis, a middle axis and the flattened array; gradients of the values.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::CheckAddTo;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;

// Positions of `v` sorted stably (descending unless ascend).
std::vector<int64_t> Order(const D& v, bool ascend) {
  std::vector<int64_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
    return ascend ? v[a] < v[b] : v[a] > v[b];
  });
  return idx;
}

TEST(Ordering, LastAxisWithTies) {
  D v = {3, 1, 3, 2,  0, 5, 5, 5};
  NDArray x = nd::array(v, Shape{2, 4}, kFloat64);
  D want_idx, want_val, want_sorted, want_argsort, want_mask(8, 0.0);
  for (int r = 0; r < 2; ++r) {
    D row(v.begin() + 4 * r, v.begin() + 4 * r + 4);
    std::vector<int64_t> down = Order(row, false), up = Order(row, true);
    for (int j = 0; j < 2; ++j) {
      want_idx.push_back(down[j]);
      want_val.push_back(row[down[j]]);
      want_mask[4 * r + down[j]] = 1;
    }
    for (int j = 0; j < 4; ++j) {
      want_sorted.push_back(row[up[j]]);
      want_argsort.push_back(up[j]);
    }
  }
  ExpectNDArrayNear(nd::Op1("topk", {x}, {{"k", 2}}), want_idx, 0);
  EXPECT_EQ(nd::Op1("topk", {x}, {{"k", 2}}).dtype(), kFloat32);
  ExpectNDArrayNear(nd::Op1("topk", {x}, {{"k", 2}, {"ret_typ", "value"}}), want_val, 0);
  ExpectNDArrayNear(nd::Op1("topk", {x}, {{"k", 2}, {"ret_typ", "mask"}}), want_mask, 0);
  std::vector<NDArray> both = Invoke("topk", {x}, ToParamMap({{"k", 2}, {"ret_typ", "both"},
                                                              {"dtype", "int64"}}));
  ASSERT_EQ(both.size(), 2u);
  ExpectNDArrayNear(both[0], want_val, 0);
  EXPECT_EQ(both[1].dtype(), kInt64);
  ExpectNDArrayNear(both[1], want_idx, 0);
  ExpectNDArrayNear(nd::Op1("sort", {x}), want_sorted, 0);
  ExpectNDArrayNear(nd::Op1("argsort", {x}), want_argsort, 0);
  EXPECT_THROW(nd::Op1("topk", {x}, {{"k", 5}}), ValueError);
  EXPECT_THROW(nd::Op1("topk", {x}, {{"ret_typ", "all"}}), ValueError);
}

TEST(Ordering, MiddleAxisAndFlattened) {
  NDArray x = testing::Rand({2, 5, 3});
  D v = x.ToVector<double>();
  // argsort along axis 1, descending.
  NDArray a = nd::Op1("argsort", {x}, {{"axis", 1}, {"is_ascend", false}});
  ASSERT_EQ(a.shape(), Shape({2, 5, 3}));
  D got = a.ToVector<double>();
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 3; ++k) {
      D col;
      for (int j = 0; j < 5; ++j) col.push_back(v[(i * 5 + j) * 3 + k]);
      std::vector<int64_t> o = Order(col, false);
      for (int j = 0; j < 5; ++j) EXPECT_EQ(got[(i * 5 + j) * 3 + k], o[j]) << i << "," << j;
    }
  // topk of the flattened array.
  NDArray t = nd::Op1("topk", {x}, {{"axis", "None"}, {"k", 3}, {"ret_typ", "value"}});
  ASSERT_EQ(t.shape(), Shape({3}));
  std::vector<int64_t> o = Order(v, false);
  ExpectNDArrayNear(t, D{v[o[0]], v[o[1]], v[o[2]]}, 0);
  CheckGradient("topk", {x}, {{"axis", 1}, {"k", 2}, {"ret_typ", "value"}});
  CheckGradient("sort", {x}, {{"axis", 0}, {"is_ascend", false}});
  CheckAddTo("sort", {x}, {});
  CheckAddTo("topk", {x}, {{"k", 2}, {"ret_typ", "mask"}});
}

}  // namespace
}  // namespace mx
