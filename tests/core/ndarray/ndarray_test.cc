#include "core/ndarray/ndarray.h"

#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/ndarray/init.h"
#include "core/storage/storage.h"

namespace mx {
namespace {

using V = std::vector<float>;

TEST(NDArray, CreationDefaultsToFloat32OnCpu) {
  NDArray a = nd::array({{1, 2}, {3, 4}});
  EXPECT_EQ(a.shape(), Shape({2, 2}));
  EXPECT_EQ(a.dtype(), kFloat32);
  EXPECT_EQ(a.context(), cpu(0));
  EXPECT_EQ(a.size(), 4);
  EXPECT_EQ(a.ndim(), 2);
  EXPECT_EQ(nd::array({{1, 2}, {3, 4}}, kInt8).dtype(), kInt8);
  EXPECT_EQ(nd::zeros({2, 3}).ToVector<float>(), V(6, 0));
  EXPECT_EQ(nd::ones({2}, cpu(), kInt32).ToVector<int>(), (std::vector<int>{1, 1}));
  EXPECT_EQ(nd::full({3}, 2.5).ToVector<float>(), V(3, 2.5f));
  EXPECT_EQ(nd::arange(0, 5).ToVector<float>(), (V{0, 1, 2, 3, 4}));
  EXPECT_EQ(nd::arange(1, 2, 0.25).ToVector<float>(), (V{1, 1.25, 1.5, 1.75}));
  EXPECT_EQ(nd::arange(0, 2, 1, 2).ToVector<float>(), (V{0, 0, 1, 1}));
  EXPECT_EQ(nd::empty({4, 5}).shape(), Shape({4, 5}));
  std::vector<int32_t> host{7, 8, 9};
  EXPECT_EQ(NDArray(host.data(), {3}, kInt32).ToVector<int>(), (std::vector<int>{7, 8, 9}));
}

TEST(NDArray, NegativeDimensionsAreShapeErrors) {
  EXPECT_THROW(nd::zeros({2, -1}), ShapeError);
  EXPECT_THROW(NDArray(Shape{-3}), ShapeError);
}

TEST(NDArray, RaggedListsAreErrors) {
  EXPECT_THROW(nd::array({{1, 2}, {3}}), ValueError);
  EXPECT_THROW(nd::array({1, 2, 3}, Shape{2, 2}), ShapeError);
}

TEST(NDArray, SeedSliceIsAView) {
  NDArray c = nd::array({{1, 2, 3, 4}, {5, 6, 7, 8}});
  NDArray s = c.At(0).Slice(1, 3);
  EXPECT_EQ(s.ToString(), "[2. 3.]\n<NDArray 2 @cpu(0)>");
  s = 0.0;  // writes through the view
  EXPECT_EQ(c.ToVector<float>(), (V{1, 0, 0, 4, 5, 6, 7, 8}));
  EXPECT_TRUE(s.SharesMemoryWith(c));
  EXPECT_EQ(c.At(-1).ToVector<float>(), (V{5, 6, 7, 8}));
  EXPECT_EQ(c.At(1).At(2).shape(), Shape({1}));
  EXPECT_THROW(c.At(2), IndexError);
  EXPECT_THROW(c.Slice(1, 3), IndexError);
}

TEST(NDArray, CopyIsDeepAndAssignmentShares) {
  NDArray c = nd::array({{1, 2, 3, 4}, {5, 6, 7, 8}});
  NDArray f = c.Copy();
  f.At(0).At(0) = -1;
  EXPECT_EQ(f.ToVector<float>()[0], -1);
  EXPECT_EQ(c.ToVector<float>()[0], 1);
  NDArray e = c;
  e.At(0).At(0) = -1;
  EXPECT_EQ(c.ToVector<float>()[0], -1);
  EXPECT_TRUE(e.SharesMemoryWith(c));
  EXPECT_FALSE(f.SharesMemoryWith(c));
}

// Borrowed memory is the array's own (no copy either way) and its owner outlives every
// reference and every pending operation.
TEST(NDArray, BorrowedMemoryIsUsedInPlaceAndItsOwnerOutlivesTheArray) {
  struct Owner {
    std::vector<float> data{1, 2, 3, 4, 5, 6};
    bool* gone;
    ~Owner() { *gone = true; }
  };
  bool gone = false;
  auto owner = std::make_shared<Owner>();
  owner->gone = &gone;
  float* mem = owner->data.data();
  NDArray b = NDArray::Borrow(mem, Shape{2, 3}, kFloat32, owner);
  owner.reset();  // the array keeps it
  EXPECT_EQ(b.ToVector<float>(), (V{1, 2, 3, 4, 5, 6}));
  mem[0] = 10;  // written outside: seen by the array
  EXPECT_EQ(b.ToVector<float>()[0], 10);
  b.At(1) = nd::array({7, 8, 9});  // an operation on the array: in the borrowed memory
  b.WaitToRead();
  EXPECT_EQ(mem[5], 9);
  NDArray view = b.At(1);
  b = NDArray();
  EXPECT_FALSE(gone) << "released while a view still refers to it";
  view = 2.0;  // pending when the last reference goes
  view = NDArray();
  WaitAll();
  EXPECT_TRUE(gone);
  EXPECT_THROW(NDArray::Borrow(nullptr, Shape{1}, kFloat32, std::make_shared<int>(0)), ValueError);
}

TEST(NDArray, AssignArrayIntoSlice) {
  NDArray c = nd::zeros({3, 2});
  c.At(1) = nd::array({7, 8});
  c.Slice(2, 3) = nd::array({{9, 10}});
  EXPECT_EQ(c.ToVector<float>(), (V{0, 0, 7, 8, 9, 10}));
  c.At(0) = nd::array({5});  // one element broadcasts
  EXPECT_EQ(c.ToVector<float>(), (V{5, 5, 7, 8, 9, 10}));
  EXPECT_THROW(c.At(0) = nd::array({1, 2, 3}), ShapeError);
  NDArray named = nd::array({1, 1});
  named = nd::array({4, 4, 4});  // rebinding a named handle is not a copy
  EXPECT_EQ(named.shape(), Shape({3}));
}

TEST(NDArray, ReshapeIsAViewWithMXNetCodes) {
  NDArray a = nd::arange(0, 24);
  NDArray r = a.Reshape({2, -1, 4});
  EXPECT_EQ(r.shape(), Shape({2, 3, 4}));
  r.At(1).At(2) = 0.0;
  EXPECT_EQ(a.ToVector<float>()[20], 0);
  EXPECT_EQ(r.Reshape({-3, 0}).shape(), Shape({6, 4}));
  EXPECT_THROW(a.Reshape({5, -1}), ShapeError);
}

TEST(NDArray, AsTypeConvertsAndRounds) {
  NDArray a = nd::array({1.7, -2.2, 300});
  EXPECT_EQ(a.AsType(kInt32).ToVector<int>(), (std::vector<int>{1, -2, 300}));
  EXPECT_EQ(a.AsType(kFloat16).ToVector<float>(), (V{1.7001953125f, -2.19921875f, 300}));
  EXPECT_EQ(a.AsType(kFloat64).dtype(), kFloat64);
  EXPECT_EQ(a.AsType(kUint8).AsType(kFloat32).ToVector<float>()[2], 44);  // 300 mod 256
}

TEST(NDArray, AsInContextSameContextIsTheSameArray) {
  NDArray a = nd::ones({2});
  EXPECT_TRUE(a.AsInContext(cpu()).SharesMemoryWith(a));
  EXPECT_FALSE(a.CopyTo(cpu()).SharesMemoryWith(a));
}

TEST(NDArray, NoneArrayIsAClearError) {
  NDArray none;
  EXPECT_TRUE(none.is_none());
  EXPECT_THROW(none.ToVector<float>(), ValueError);
  EXPECT_THROW(none.At(0), ValueError);
}

TEST(NDArray, RandomIsSeededAndInRange) {
  random::Seed(42);
  V a = nd::random::uniform(-1, 1, {1000}).ToVector<float>();
  random::Seed(42);
  V b = nd::random::uniform(-1, 1, {1000}).ToVector<float>();
  EXPECT_EQ(a, b);
  double mean = 0;
  for (float x : a) {
    EXPECT_GE(x, -1);
    EXPECT_LT(x, 1);
    mean += x;
  }
  EXPECT_NEAR(mean / a.size(), 0, 0.08);
  V n = nd::random::normal(3, 2, {20000}).ToVector<float>();
  double m = 0, var = 0;
  for (float x : n) m += x;
  m /= n.size();
  for (float x : n) var += (x - m) * (x - m);
  var /= n.size();
  EXPECT_NEAR(m, 3, 0.06);
  EXPECT_NEAR(var, 4, 0.15);
  V c = nd::random::uniform(-1, 1, {1000}).ToVector<float>();
  EXPECT_NE(a, c);
}

TEST(NDArray, MemoryIsPooledAcrossSteps) {
  StorageStats before = Storage::Get()->Stats(cpu());
  for (int step = 0; step < 5; ++step) {
    {
      NDArray a = nd::zeros({256, 256});
      a.WaitToRead();
    }
    WaitAll();  // the array's memory returns to the pool once its pending work is done
  }
  StorageStats after = Storage::Get()->Stats(cpu());
  EXPECT_LE(after.num_system_allocs - before.num_system_allocs, 1u);
}

TEST(NDArray, GpuRoundTrip) {
  if (GpuCount() == 0) GTEST_SKIP() << "no GPU";
  NDArray a = nd::array({{1, 2}, {3, 4}});
  NDArray g = a.AsInContext(gpu(0));
  EXPECT_EQ(g.context(), gpu(0));
  EXPECT_EQ(g.ToString(), "[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @gpu(0)>");
  g.At(0).At(1) = 9;
  EXPECT_EQ(g.CopyTo(cpu()).ToVector<float>(), (V{1, 9, 3, 4}));
  EXPECT_EQ(g.AsType(kFloat16).AsType(kInt32).ToVector<int>(), (std::vector<int>{1, 9, 3, 4}));
  EXPECT_EQ(nd::full({3}, 1.5, gpu(0)).ToVector<float>(), V(3, 1.5f));
}

}  // namespace
}  // namespace mx
