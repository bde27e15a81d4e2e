// The axis-map operators (slice, slice_like, reverse, SwapAxis, tile, repeat, broadcast_*) and
// shape_array/size_array against naive index references; gradients against central
// differences (float64).
#include <gtest/gtest.h>

#include <functional>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckAddTo;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

using Index = std::vector<int64_t>;

// out[idx] = x[source(idx)] for every index of `out_shape`.
std::vector<double> Reference(const NDArray& x, const Shape& out_shape,
                              const std::function<Index(const Index&)>& source) {
  std::vector<double> v = x.ToVector<double>(), out;
  std::vector<int64_t> stride = x.shape().Strides();
  for (int64_t i = 0; i < out_shape.Size(); ++i) {
    Index idx(out_shape.ndim());
    for (int64_t d = out_shape.ndim() - 1, r = i; d >= 0; --d) {
      idx[d] = r % out_shape[d];
      r /= out_shape[d];
    }
    Index src = source(idx);
    int64_t off = 0;
    for (size_t d = 0; d < src.size(); ++d) off += src[d] * stride[d];
    out.push_back(v[off]);
  }
  return out;
}

TEST(Slice, MatchesPythonSlicing) {
  NDArray x = Rand({3, 4, 5});
  // x[:, 1:-1, -1::-2]
  Params p = {{"begin", "(None, 1, -1)"}, {"end", "(None, -1, None)"}, {"step", "(None, 1, -2)"}};
  NDArray y = nd::Op1("slice", {x}, p);
  ASSERT_EQ(y.shape(), Shape({3, 2, 3}));
  ExpectNDArrayNear(y, Reference(x, y.shape(), [](const Index& i) {
                      return Index{i[0], 1 + i[1], 4 - 2 * i[2]};
                    }), 0);
  // Fewer axes than data; ends past the end clip; x[1:100, ::-1]
  NDArray z = nd::Op1("slice", {x}, {{"begin", "(1, None)"}, {"end", "(100, None)"},
                                     {"step", "(1, -1)"}});
  ASSERT_EQ(z.shape(), Shape({2, 4, 5}));
  ExpectNDArrayNear(z, Reference(x, z.shape(), [](const Index& i) {
                      return Index{1 + i[0], 3 - i[1], i[2]};
                    }), 0);
  // The legacy name crop, and an empty range.
  EXPECT_EQ(nd::Op1("crop", {x}, {{"begin", "(2,)"}, {"end", "(3,)"}}).shape(), Shape({1, 4, 5}));
  EXPECT_EQ(nd::Op1("slice", {x}, {{"begin", "(2,)"}, {"end", "(1,)"}}).shape(),
            Shape({0, 4, 5}));
  CheckGradient("slice", {x}, p);
  CheckAddTo("slice", {x}, p);
  EXPECT_THROW(nd::Op1("slice", {x}, {{"begin", "(0,)"}, {"end", "(1,)"}, {"step", "(0,)"}}),
               ValueError);
  EXPECT_THROW(nd::Op1("slice", {x}, {{"begin", "(0, 0)"}, {"end", "(1,)"}}), ValueError);
  EXPECT_THROW(nd::Op1("slice", {x}, {{"begin", "(0, x)"}, {"end", "(1, 2)"}}), ValueError);
}

TEST(Slice, SliceLikeTakesTheSecondInputsSizes) {
  NDArray x = Rand({3, 4, 5}), like = nd::zeros({1, 2, 3});
  NDArray y = nd::Op1("slice_like", {x, like}, {{"axes", "(1, -1)"}});
  ASSERT_EQ(y.shape(), Shape({3, 2, 3}));
  ExpectNDArrayNear(y, Reference(x, y.shape(), [](const Index& i) { return i; }), 0);
  EXPECT_EQ(nd::Op1("slice_like", {x, like}).shape(), Shape({1, 2, 3}));
  testing::GradCheckOptions only_data;
  only_data.inputs = {0};
  CheckGradient("slice_like", {x, Rand({2, 3, 5})}, {}, only_data);
  CheckAddTo("slice_like", {x, like}, {{"axes", "(1, 2)"}});
  EXPECT_THROW(nd::Op1("slice_like", {x, nd::zeros({4, 1, 1})}), ShapeError);
  EXPECT_THROW(nd::Op1("slice_like", {x, nd::zeros({2, 2})}), ShapeError);
}

TEST(Slice, ReverseAndSwapAxis) {
  NDArray x = Rand({3, 4, 5});
  NDArray r = nd::Op1("reverse", {x}, {{"axis", "(0, -1)"}});
  ExpectNDArrayNear(r, Reference(x, x.shape(), [](const Index& i) {
                      return Index{2 - i[0], i[1], 4 - i[2]};
                    }), 0);
  ExpectNDArrayNear(nd::Op1("flip", {x}, {{"axis", 1}}),
                    Reference(x, x.shape(), [](const Index& i) {
                      return Index{i[0], 3 - i[1], i[2]};
                    }), 0);
  NDArray s = nd::Op1("SwapAxis", {x}, {{"dim1", 0}, {"dim2", 2}});
  ASSERT_EQ(s.shape(), Shape({5, 4, 3}));
  ExpectNDArrayNear(s, Reference(x, s.shape(), [](const Index& i) {
                      return Index{i[2], i[1], i[0]};
                    }), 0);
  EXPECT_EQ(nd::Op1("swapaxes", {x}, {{"dim1", 1}, {"dim2", -1}}).shape(), Shape({3, 5, 4}));
  CheckGradient("reverse", {x}, {{"axis", "(0, 2)"}});
  CheckGradient("SwapAxis", {x}, {{"dim1", 1}, {"dim2", 2}});
  CheckAddTo("SwapAxis", {x}, {{"dim1", 0}, {"dim2", 1}});
  EXPECT_THROW(nd::Op1("SwapAxis", {x}, {{"dim1", 0}, {"dim2", 3}}), Error);
}

TEST(Slice, DepthToSpaceAndBack) {
  const int64_t n = 2, c = 8, h = 2, w = 3, b = 2;
  NDArray x = Rand({n, c, h, w});
  NDArray y = nd::Op1("depth_to_space", {x}, {{"block_size", b}});
  ASSERT_EQ(y.shape(), Shape({n, c / 4, h * b, w * b}));
  // MXNet's DCR order: out[n, c, y, x] = in[n, ((y % b) * b + x % b) * C' + c, y / b, x / b].
  ExpectNDArrayNear(y, Reference(x, y.shape(), [&](const Index& i) {
                      return Index{i[0], ((i[2] % b) * b + i[3] % b) * (c / 4) + i[1], i[2] / b,
                                   i[3] / b};
                    }), 0);
  ExpectNDArrayNear(nd::Op1("space_to_depth", {y}, {{"block_size", b}}), x.ToVector<double>(), 0);
  CheckGradient("depth_to_space", {x}, {{"block_size", b}});
  CheckGradient("space_to_depth", {Rand({1, 2, 4, 6})}, {{"block_size", 2}});
  EXPECT_THROW(nd::Op1("depth_to_space", {Rand({1, 6, 2, 2})}, {{"block_size", 2}}), ShapeError);
  EXPECT_THROW(nd::Op1("space_to_depth", {Rand({1, 2, 3, 4})}, {{"block_size", 2}}), ShapeError);
}

TEST(Replicate, TileAndRepeat) {
  NDArray x = Rand({2, 3});
  NDArray t = nd::Op1("tile", {x}, {{"reps", "(2, 1, 2)"}});
  ASSERT_EQ(t.shape(), Shape({2, 2, 6}));
  ExpectNDArrayNear(t, Reference(x, t.shape(), [](const Index& i) {
                      return Index{i[1] % 2, i[2] % 3};
                    }), 0);
  EXPECT_EQ(nd::Op1("tile", {x}, {{"reps", "2"}}).shape(), Shape({2, 6}));
  NDArray r = nd::Op1("repeat", {x}, {{"repeats", 2}, {"axis", -1}});
  ASSERT_EQ(r.shape(), Shape({2, 6}));
  ExpectNDArrayNear(r, Reference(x, r.shape(), [](const Index& i) {
                      return Index{i[0], i[1] / 2};
                    }), 0);
  NDArray f = nd::Op1("repeat", {x}, {{"repeats", 3}});
  ASSERT_EQ(f.shape(), Shape({18}));
  ExpectNDArrayNear(f, Reference(x, f.shape(), [](const Index& i) {
                      return Index{i[0] / 3 / 3, i[0] / 3 % 3};
                    }), 0);
  EXPECT_EQ(nd::Op1("repeat", {x}, {{"repeats", 0}}).shape(), Shape({0}));
  CheckGradient("tile", {x}, {{"reps", "(2, 1, 2)"}});
  CheckGradient("repeat", {x}, {{"repeats", 2}, {"axis", 0}});
  CheckGradient("repeat", {x}, {{"repeats", 3}});
  CheckAddTo("tile", {x}, {{"reps", "(3,)"}});
  CheckAddTo("repeat", {x}, {{"repeats", 2}, {"axis", 1}});
  EXPECT_THROW(nd::Op1("tile", {x}, {{"reps", "(-1,)"}}), ValueError);
  EXPECT_THROW(nd::Op1("repeat", {x}, {{"repeats", 2}, {"axis", 2}}), Error);
}

TEST(Replicate, Broadcasts) {
  NDArray x = Rand({2, 1, 3});
  NDArray a = nd::Op1("broadcast_axis", {x}, {{"axis", 1}, {"size", 4}});
  ASSERT_EQ(a.shape(), Shape({2, 4, 3}));
  std::vector<double> want = Reference(x, a.shape(), [](const Index& i) {
    return Index{i[0], 0, i[2]};
  });
  ExpectNDArrayNear(a, want, 0);
  ExpectNDArrayNear(nd::Op1("broadcast_axes", {x}, {{"axis", "(1,)"}, {"size", "(4,)"}}), want, 0);
  ExpectNDArrayNear(nd::Op1("broadcast_to", {x}, {{"shape", "(0, 4, 0)"}}), want, 0);
  ExpectNDArrayNear(nd::Op1("broadcast_like", {x, nd::zeros({2, 4, 3})}), want, 0);
  NDArray l = nd::Op1("broadcast_like", {x, nd::zeros({7, 5})},
                      {{"lhs_axes", "(1,)"}, {"rhs_axes", "(-1,)"}});
  EXPECT_EQ(l.shape(), Shape({2, 5, 3}));
  NDArray one = Rand({1, 1});
  ExpectNDArrayNear(nd::Op1("broadcast_to", {one}, {{"shape", "(2, 3)"}}),
                    std::vector<double>(6, one.ToVector<double>()[0]), 0);
  CheckGradient("broadcast_axis", {x}, {{"axis", 1}, {"size", 4}});
  CheckGradient("broadcast_to", {Rand({1, 3, 1})}, {{"shape", "(2, 3, 4)"}});
  testing::GradCheckOptions only_lhs;
  only_lhs.inputs = {0};
  CheckGradient("broadcast_like", {x, Rand({2, 4, 3})}, {}, only_lhs);
  EXPECT_THROW(nd::Op1("broadcast_axis", {x}, {{"axis", 0}, {"size", 4}}), ShapeError);
  EXPECT_THROW(nd::Op1("broadcast_to", {x}, {{"shape", "(2, 4)"}}), ShapeError);
  EXPECT_THROW(nd::Op1("broadcast_like", {x, nd::zeros({3, 4, 3})}), ShapeError);
}

TEST(ShapeArray, GivesInt64ShapeAndSize) {
  NDArray x = nd::zeros({3, 4, 5});
  NDArray s = nd::Op1("shape_array", {x}), n = nd::Op1("size_array", {x});
  EXPECT_EQ(s.dtype(), kInt64);
  EXPECT_EQ(s.ToVector<int64_t>(), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(n.shape(), Shape({1}));
  EXPECT_EQ(n.ToVector<int64_t>(), (std::vector<int64_t>{60}));
}

}  // namespace
}  // namespace mx
