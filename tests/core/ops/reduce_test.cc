#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/base/error.h"
#include "core/tessera.h"

namespace mx {
namespace {

using V = std::vector<float>;

// Naive reference: reduce a (2,3,4) array over the given axes with f, keepdims false.
V NaiveSum(const V& x, const Shape& s, const std::vector<int>& axes) {
  std::vector<bool> red(3, false);
  for (int a : axes) red[a] = true;
  std::vector<int64_t> out_dims;
  for (int d = 0; d < 3; ++d)
    if (!red[d]) out_dims.push_back(s[d]);
  if (out_dims.empty()) out_dims.push_back(1);
  Shape os(out_dims);
  V out(os.Size(), 0);
  for (int i = 0; i < s[0]; ++i)
    for (int j = 0; j < s[1]; ++j)
      for (int k = 0; k < s[2]; ++k) {
        int64_t idx[3] = {i, j, k}, o = 0;
        for (int d = 0; d < 3; ++d)
          if (!red[d]) o = o * s[d] + idx[d];
        out[o] += x[(i * s[1] + j) * s[2] + k];
      }
  return out;
}

TEST(Reduce, SumOverEveryAxisSetMatchesNaive) {
  Shape s{2, 3, 4};
  NDArray a = nd::random::uniform(-1, 1, s);
  V x = a.ToVector<float>();
  std::vector<std::vector<int>> sets = {{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};
  for (const auto& axes : sets) {
    Shape ax(std::vector<int64_t>(axes.begin(), axes.end()));
    V got = nd::sum(a, {{"axis", ax}}).ToVector<float>();
    V want = NaiveSum(x, s, axes);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5);
  }
}

TEST(Reduce, ShapesKeepdimsAndExclude) {
  NDArray a = nd::ones({2, 3, 4});
  EXPECT_EQ(nd::sum(a).shape(), Shape({1}));
  EXPECT_EQ(nd::sum(a).ToVector<float>(), (V{24}));
  EXPECT_EQ(nd::sum(a, {{"axis", 1}}).shape(), Shape({2, 4}));
  EXPECT_EQ(nd::sum(a, {{"axis", 1}, {"keepdims", true}}).shape(), Shape({2, 1, 4}));
  EXPECT_EQ(nd::sum(a, {{"axis", -1}}).shape(), Shape({2, 3}));
  EXPECT_EQ(nd::sum(a, {{"axis", 1}, {"exclude", true}}).shape(), Shape({3}));
  EXPECT_EQ(nd::sum(a, {{"axis", 1}, {"exclude", true}}).ToVector<float>(), (V{8, 8, 8}));
  EXPECT_THROW(nd::sum(a, {{"axis", 3}}), ValueError);
}

TEST(Reduce, MeanMaxMinProdNorm) {
  NDArray a = nd::array({{1, -2, 3}, {4, 5, -6}});
  EXPECT_EQ(nd::mean(a, {{"axis", 0}}).ToVector<float>(), (V{2.5, 1.5, -1.5}));
  EXPECT_EQ(nd::max(a, {{"axis", 1}}).ToVector<float>(), (V{3, 5}));
  EXPECT_EQ(nd::min(a).ToVector<float>(), (V{-6}));
  EXPECT_EQ(nd::prod(a, {{"axis", 1}}).ToVector<float>(), (V{-6, -120}));
  EXPECT_NEAR(nd::norm(a).ToVector<float>()[0], std::sqrt(91.0), 1e-5);
  EXPECT_EQ(nd::norm(a, {{"ord", 1}, {"axis", 1}}).ToVector<float>(), (V{6, 15}));
  EXPECT_THROW(nd::norm(a, {{"ord", 3}}), ValueError);
}

TEST(Reduce, ArgmaxArgminFirstIndexWins) {
  NDArray a = nd::array({{1, 7, 7}, {9, 0, 0}});
  EXPECT_EQ(nd::argmax(a, {{"axis", 1}}).ToVector<float>(), (V{1, 0}));
  EXPECT_EQ(nd::argmin(a, {{"axis", 1}}).ToVector<float>(), (V{0, 1}));
  EXPECT_EQ(nd::argmax(a, {{"axis", 0}}).ToVector<float>(), (V{1, 0, 0}));
  EXPECT_EQ(nd::argmax(a).ToVector<float>(), (V{3}));
  EXPECT_EQ(nd::argmax(a, {{"axis", 1}, {"keepdims", true}}).shape(), Shape({2, 1}));
}

TEST(Reduce, LargeSumIsAccurateAndDeterministic) {
  NDArray a = nd::random::uniform(0, 1, {1 << 20});
  V x = a.ToVector<float>();
  double ref = 0;
  for (float v : x) ref += v;
  float s1 = nd::sum(a).ToVector<float>()[0];
  float s2 = nd::sum(a).ToVector<float>()[0];
  EXPECT_NEAR(s1, ref, ref * 1e-7);  // double accumulation: only the final rounding to float
  EXPECT_EQ(std::memcmp(&s1, &s2, 4), 0);
}

TEST(Reduce, IntegerReductions) {
  NDArray a = nd::array({{1, 2}, {3, 4}}, kInt32);
  EXPECT_EQ(nd::sum(a, {{"axis", 0}}).ToVector<int>(), (std::vector<int>{4, 6}));
  EXPECT_EQ(nd::sum(a).dtype(), kInt32);
}

TEST(Reduce, ArgmaxChannelIsArgmaxOverTheLastAxis) {
  NDArray x = nd::array({0, 5, 2, 7, 1, 3, 9, 9, 4}, Shape{3, 3});
  EXPECT_EQ(nd::Op1("argmax_channel", {x}).ToVector<float>(), (std::vector<float>{1, 0, 0}));
  NDArray y = nd::array({1, 4, 2, 3, 0, 8, 6, 5}, Shape{2, 2, 2});
  NDArray a = nd::Op1("argmax_channel", {y});
  EXPECT_EQ(a.shape(), Shape({2, 2}));
  EXPECT_EQ(a.ToVector<float>(), nd::Op1("argmax", {y}, {{"axis", -1}}).ToVector<float>());
  EXPECT_THROW(nd::Op1("argmax_channel", {x}, {{"axis", 0}}), ValueError);
}

}  // namespace
}  // namespace mx
