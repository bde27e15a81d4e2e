#include <gtest/gtest.h>

#include "core/base/context.h"
#include "core/base/dtype.h"
#include "core/base/env.h"
#include "core/base/error.h"
#include "core/base/shape.h"

namespace mx {
namespace {

TEST(Check, EqPrintsBothOperands) {
  try {
    int a = 3, b = 4;
    MX_CHECK_EQ_AS(ShapeError, a, b) << "extra";
    FAIL() << "no throw";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("a == b (3 vs. 4)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("extra"), std::string::npos);
  }
}

TEST(Check, PassingCheckDoesNotThrow) {
  EXPECT_NO_THROW(MX_CHECK_LT(1, 2) << "never");
  EXPECT_NO_THROW(MX_CHECK(true));
}

TEST(Check, InternalCheckSaysItIsABug) {
  try {
    MX_INTERNAL_CHECK(1 == 2) << "detail";
    FAIL();
  } catch (const InternalError& e) {
    EXPECT_NE(std::string(e.what()).find("bug in Tessera"), std::string::npos);
  }
}

TEST(Error, AddContextPrefixes) {
  Error e("bad shape");
  e.AddContext("Error in operator fc1 (FullyConnected): ");
  EXPECT_EQ(std::string(e.what()), "Error in operator fc1 (FullyConnected): bad shape");
}

TEST(DType, CodesAndNamesAreMXNets) {
  EXPECT_EQ(DTypeFromCode(5), kInt8);
  EXPECT_EQ(std::string(DTypeName(kBfloat16)), "bfloat16");
  EXPECT_EQ(DTypeSize(kFloat16), 2u);
  EXPECT_EQ(DTypeSize(kInt64), 8u);
  EXPECT_EQ(NumpyTypeRepr(kInt8), "<class 'numpy.int8'>");
  EXPECT_EQ(NumpyTypeRepr(kFloat32), "<class 'numpy.float32'>");
  EXPECT_EQ(DTypeFromName("uint16"), kUint16);
  EXPECT_THROW(DTypeFromCode(13), TypeError);
  EXPECT_THROW(DTypeFromName("float8"), TypeError);
}

TEST(Half, RoundTripsAndRounds) {
  EXPECT_EQ(static_cast<float>(half_t(1.0f)), 1.0f);
  EXPECT_EQ(half_t(1.0f).bits, 0x3c00);
  EXPECT_EQ(half_t(-2.0f).bits, 0xc000);
  EXPECT_EQ(half_t(65504.0f).bits, 0x7bff);
  EXPECT_EQ(half_t(70000.0f).bits, 0x7c00);  // overflow -> inf
  EXPECT_EQ(static_cast<float>(half_t(5.960464477539063e-08f)),
            5.960464477539063e-08f);                   // min subnormal
  EXPECT_EQ(half_t(1.0f + 1.0f / 2048).bits, 0x3c00);  // tie to even
  EXPECT_EQ(half_t(1.0f + 3.0f / 2048).bits, 0x3c02);  // tie to even (up)
  EXPECT_NEAR(static_cast<float>(half_t(0.1f)), 0.0999755859375f, 0);
  EXPECT_EQ(static_cast<float>(bf16_t(1.5f)), 1.5f);
}

TEST(Shape, SizeStridesAndPrinting) {
  Shape s{2, 3, 4};
  EXPECT_EQ(s.Size(), 24);
  EXPECT_EQ(s.Strides(), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(s.ToString(), "(2,3,4)");
  EXPECT_EQ(Shape().Size(), 1);
  EXPECT_EQ(s.CanonicalAxis(-1, "t"), 2);
  EXPECT_THROW(s.CanonicalAxis(3, "t"), ValueError);
}

TEST(Shape, ReshapeSpecialCodes) {
  // Examples from MXNet's Reshape documentation.
  EXPECT_EQ(InferReshape({2, 3, 4}, {4, 0, 2}), Shape({4, 3, 2}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {2, 0, 0}), Shape({2, 3, 4}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {6, 1, -1}), Shape({6, 1, 4}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {3, -1, 8}), Shape({3, 1, 8}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {-1}), Shape({24}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {-2}), Shape({2, 3, 4}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {2, -2}), Shape({2, 3, 4}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {-2, 1, 1}), Shape({2, 3, 4, 1, 1}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {-3, 4}), Shape({6, 4}));
  EXPECT_EQ(InferReshape({2, 3, 4, 5}, {-3, -3}), Shape({6, 20}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {0, -3}), Shape({2, 12}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {-3, -2}), Shape({6, 4}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {-4, 1, 2, -2}), Shape({1, 2, 3, 4}));
  EXPECT_EQ(InferReshape({2, 3, 4}, {2, -4, -1, 3, -2}), Shape({2, 1, 3, 4}));
  EXPECT_EQ(InferReshape({10, 5, 4}, {-1, 0}, true), Shape({50, 4}));
  EXPECT_THROW(InferReshape({2, 3}, {4, 2}), ShapeError);
  EXPECT_THROW(InferReshape({2, 3}, {-1, -1}), ShapeError);
  EXPECT_THROW(InferReshape({2, 3}, {-5}), ShapeError);
}

TEST(Shape, BroadcastRules) {
  EXPECT_EQ(BroadcastShapes({2, 1, 4}, {3, 1}, "t"), Shape({2, 3, 4}));
  EXPECT_EQ(BroadcastShapes({}, {3}, "t"), Shape({3}));
  try {
    BroadcastShapes({2, 3}, {4}, "broadcast_add");
    FAIL();
  } catch (const ShapeError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("(2,3)"), std::string::npos) << m;
    EXPECT_NE(m.find("(4)"), std::string::npos) << m;
    EXPECT_NE(m.find("broadcast_add"), std::string::npos) << m;
  }
}

TEST(Context, PrintsAsMXNet) {
  EXPECT_EQ(cpu().ToString(), "cpu(0)");
  EXPECT_EQ(gpu(1).ToString(), "gpu(1)");
  EXPECT_EQ(cpu_pinned(0).ToString(), "cpu_pinned(0)");
  EXPECT_GE(GpuCount(), 0);
}

TEST(Env, DefaultsAndBadValues) {
  unsetenv("MXNET_CPU_WORKER_NTHREADS");
  EXPECT_EQ(EnvInt("MXNET_CPU_WORKER_NTHREADS"), 1);
  setenv("MXNET_CPU_WORKER_NTHREADS", "abc", 1);
  EXPECT_THROW(EnvInt("MXNET_CPU_WORKER_NTHREADS"), ValueError);
  unsetenv("MXNET_CPU_WORKER_NTHREADS");
  EXPECT_THROW(EnvString("NOT_A_KNOWN_VARIABLE"), InternalError);
}

}  // namespace
}  // namespace mx
