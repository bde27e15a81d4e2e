#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/tessera.h"

namespace mx {
namespace {

using V = std::vector<float>;

TEST(Matrix, ReshapeOpCopies) {
  NDArray a = nd::arange(0, 6);
  NDArray r = nd::Reshape(a, {{"shape", {2, -1}}});
  EXPECT_EQ(r.shape(), Shape({2, 3}));
  EXPECT_FALSE(r.SharesMemoryWith(a));
  EXPECT_EQ(nd::Flatten(nd::ones({2, 3, 4})).shape(), Shape({2, 12}));
  EXPECT_EQ(nd::expand_dims(a, {{"axis", 0}}).shape(), Shape({1, 6}));
  EXPECT_EQ(nd::expand_dims(a, {{"axis", -1}}).shape(), Shape({6, 1}));
  EXPECT_EQ(nd::squeeze(nd::ones({1, 3, 1})).shape(), Shape({3}));
  EXPECT_EQ(nd::squeeze(nd::ones({1, 3, 1}), {{"axis", {0}}}).shape(), Shape({3, 1}));
  EXPECT_THROW(nd::squeeze(nd::ones({2, 3}), {{"axis", {0}}}), ShapeError);
  EXPECT_THROW(nd::Reshape(a, {{"shape", {4, -1}}}), ShapeError);
}

TEST(Matrix, TransposeMatchesIndexMath) {
  NDArray a = nd::arange(0, 24).Reshape({2, 3, 4});
  NDArray t = nd::transpose(a, {{"axes", {2, 0, 1}}});
  ASSERT_EQ(t.shape(), Shape({4, 2, 3}));
  V x = a.ToVector<float>(), y = t.ToVector<float>();
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 3; ++k) EXPECT_EQ(y[(i * 2 + j) * 3 + k], x[(j * 3 + k) * 4 + i]);
  EXPECT_EQ(nd::transpose(nd::array({{1, 2}, {3, 4}})).ToVector<float>(), (V{1, 3, 2, 4}));
  EXPECT_THROW(nd::transpose(a, {{"axes", {0, 0, 1}}}), ValueError);
}

TEST(Matrix, ConcatStackSplitSlice) {
  NDArray a = nd::array({{1, 2}, {3, 4}}), b = nd::array({{5}, {6}});
  NDArray c = nd::concat({a, b}, 1);
  EXPECT_EQ(c.shape(), Shape({2, 3}));
  EXPECT_EQ(c.ToVector<float>(), (V{1, 2, 5, 3, 4, 6}));
  EXPECT_EQ(nd::concat({a, a}, 0).ToVector<float>(), (V{1, 2, 3, 4, 1, 2, 3, 4}));
  EXPECT_THROW(nd::concat({a, b}, 0), ShapeError);
  NDArray s = nd::stack({a, a * 10}, 1);
  EXPECT_EQ(s.shape(), Shape({2, 2, 2}));
  EXPECT_EQ(s.ToVector<float>(), (V{1, 2, 10, 20, 3, 4, 30, 40}));
  std::vector<NDArray> parts = nd::split(c, 3, 1);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2].ToVector<float>(), (V{5, 6}));
  EXPECT_EQ(parts[2].shape(), Shape({2, 1}));
  EXPECT_EQ(nd::split(c, 3, 1, true)[1].shape(), Shape({2}));
  EXPECT_THROW(nd::split(c, 2, 1), ShapeError);
  EXPECT_EQ(nd::slice_axis(c, {{"axis", 1}, {"begin", 1}, {"end", 3}}).ToVector<float>(),
            (V{2, 5, 4, 6}));
  EXPECT_EQ(nd::slice_axis(c, {{"axis", 1}, {"begin", -1}, {"end", "None"}}).ToVector<float>(),
            (V{5, 6}));
}

TEST(Matrix, ClipOneHotTakeWhere) {
  EXPECT_EQ(nd::clip(nd::array({-2, 0.5, 3}), -1, 1).ToVector<float>(), (V{-1, 0.5, 1}));
  NDArray oh = nd::one_hot(nd::array({1, 0, 5}), {{"depth", 3}});
  EXPECT_EQ(oh.shape(), Shape({3, 3}));
  EXPECT_EQ(oh.ToVector<float>(), (V{0, 1, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(nd::one_hot(nd::array({2}), {{"depth", 3}, {"dtype", "int32"}}).dtype(), kInt32);
  NDArray m = nd::array({{1, 2}, {3, 4}, {5, 6}});
  NDArray t = nd::take(m, nd::array({2, 0}));
  EXPECT_EQ(t.ToVector<float>(), (V{5, 6, 1, 2}));
  EXPECT_EQ(nd::take(m, nd::array({1}), {{"axis", 1}}).ToVector<float>(), (V{2, 4, 6}));
  EXPECT_EQ(nd::take(m, nd::array({-1, 7})).ToVector<float>(), (V{1, 2, 5, 6}));  // clip
  EXPECT_EQ(nd::take(m, nd::array({-1, 4}), {{"mode", "wrap"}}).ToVector<float>(), (V{5, 6, 3, 4}));
  EXPECT_EQ(nd::take(m, nd::array({{0, 1}})).shape(), Shape({1, 2, 2}));
  EXPECT_THROW(nd::take(m, nd::array({0}), {{"mode", "nearest"}}), ValueError);
  NDArray w = nd::where(nd::array({1, 0, 1}), nd::array({1, 2, 3}), nd::array({7, 8, 9}));
  EXPECT_EQ(w.ToVector<float>(), (V{1, 8, 3}));
  NDArray w2 = nd::where(nd::array({0, 1}), nd::ones({2, 2}), nd::zeros({2, 2}));
  EXPECT_EQ(w2.ToVector<float>(), (V{0, 0, 1, 1}));
}

TEST(Matrix, CastOp) {
  NDArray c = nd::Cast(nd::array({1.7, -1.7}), {{"dtype", "int32"}});
  EXPECT_EQ(c.dtype(), kInt32);
  EXPECT_EQ(c.ToVector<int>(), (std::vector<int>{1, -1}));
}

TEST(Dot, MatchesNaiveProductAllTransposes) {
  NDArray a = nd::random::uniform(-1, 1, {5, 7});
  NDArray b = nd::random::uniform(-1, 1, {7, 3});
  V x = a.ToVector<float>(), y = b.ToVector<float>();
  V want(15, 0);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 7; ++k) want[i * 3 + j] += x[i * 7 + k] * y[k * 3 + j];
  auto check = [&](const NDArray& r) {
    ASSERT_EQ(r.shape(), Shape({5, 3}));
    V got = r.ToVector<float>();
    for (int i = 0; i < 15; ++i) EXPECT_NEAR(got[i], want[i], 1e-5);
  };
  check(nd::dot(a, b));
  check(nd::dot(nd::transpose(a), b, {{"transpose_a", true}}));
  check(nd::dot(a, nd::transpose(b), {{"transpose_b", true}}));
  check(
      nd::dot(nd::transpose(a), nd::transpose(b), {{"transpose_a", true}, {"transpose_b", true}}));
  // float64 and int paths.
  V g64 = nd::dot(a.AsType(kFloat64), b.AsType(kFloat64)).ToVector<float>();
  for (int i = 0; i < 15; ++i) EXPECT_NEAR(g64[i], want[i], 1e-5);
  EXPECT_EQ(nd::dot(nd::array({{1, 2}}, kInt32), nd::array({{3}, {4}}, kInt32)).ToVector<int>(),
            (std::vector<int>{11}));
  EXPECT_EQ(nd::dot(nd::array({1, 2, 3}), nd::array({4, 5, 6})).ToVector<float>(), (V{32}));
  EXPECT_EQ(nd::dot(nd::ones({2, 3, 4}), nd::ones({4, 5})).shape(), Shape({2, 3, 5}));
}

TEST(Dot, MisalignedShapesNameBoth) {
  try {
    nd::dot(nd::ones({2, 3}), nd::ones({4, 5}));
    FAIL();
  } catch (const ShapeError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("(2,3)"), std::string::npos) << m;
    EXPECT_NE(m.find("(4,5)"), std::string::npos) << m;
  }
}

TEST(Dot, BatchDot) {
  NDArray a = nd::random::uniform(-1, 1, {3, 2, 4});
  NDArray b = nd::random::uniform(-1, 1, {3, 4, 5});
  NDArray r = nd::batch_dot(a, b);
  ASSERT_EQ(r.shape(), Shape({3, 2, 5}));
  V x = a.ToVector<float>(), y = b.ToVector<float>(), z = r.ToVector<float>();
  for (int n = 0; n < 3; ++n)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 5; ++j) {
        float acc = 0;
        for (int k = 0; k < 4; ++k) acc += x[(n * 2 + i) * 4 + k] * y[(n * 4 + k) * 5 + j];
        EXPECT_NEAR(z[(n * 2 + i) * 5 + j], acc, 1e-5);
      }
  NDArray rt = nd::batch_dot(a, nd::transpose(b, {{"axes", {0, 2, 1}}}), {{"transpose_b", true}});
  V zt = rt.ToVector<float>();
  for (size_t i = 0; i < z.size(); ++i) EXPECT_NEAR(zt[i], z[i], 1e-5);
  EXPECT_THROW(nd::batch_dot(nd::ones({2, 2, 3}), nd::ones({3, 3, 2})), ShapeError);
}

}  // namespace
}  // namespace mx
