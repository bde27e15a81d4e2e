#include <gtest/gtest.h>

#include <set>

#include "core/base/context.h"
#include "core/op/op_def.h"
#include "core/tessera.h"

namespace mx {
namespace {

// Every registered operator is complete: described, shape-inferring, with a CPU kernel, and
// (in a CUDA build) a GPU kernel; a gradient function names a registered backward operator.
TEST(Registry, EveryOperatorIsComplete) {
  std::vector<std::string> names = OpRegistry::Get()->Names();
  EXPECT_GT(names.size(), 100u);
  for (const std::string& n : names) {
    if (n.rfind("_test", 0) == 0) continue;  // registered by tests below
    const OpDef& op = OpRegistry::Get()->Find(n);
    EXPECT_FALSE(op.description().empty()) << n;
    EXPECT_TRUE(static_cast<bool>(op.infer_shape())) << n;
    EXPECT_NE(op.compute(DeviceType::kCPU), nullptr) << n << " has no CPU kernel";
#if MX_USE_CUDA
    EXPECT_NE(op.compute(DeviceType::kGPU), nullptr) << n << " has no GPU kernel";
#endif
    if (n.rfind("_backward_", 0) == 0) {
      EXPECT_TRUE(OpRegistry::Get()->Has(n.substr(10))) << n << " has no forward operator";
    }
  }
}

TEST(Registry, ParamsRoundTripAsMXNetStrings) {
  EXPECT_EQ(ParamValue({3, 3}).str(), "(3, 3)");
  EXPECT_EQ(ParamValue(Shape{5}).str(), "(5,)");
  EXPECT_EQ(ParamValue(true).str(), "True");
  EXPECT_EQ(ParamValue(0.9).str(), "0.9");
  EXPECT_EQ(ParamValue(2e-05).str(), "2e-05");
  EXPECT_EQ(ParamValue(1.0).str(), "1.0");
  EXPECT_EQ(ParamValue(128).str(), "128");
  Shape s;
  EXPECT_TRUE(ParseValue("(3,3)", &s));
  EXPECT_EQ(s, Shape({3, 3}));
  EXPECT_TRUE(ParseValue("[1, 2, 3]", &s));
  EXPECT_EQ(s, Shape({1, 2, 3}));
  EXPECT_TRUE(ParseValue("(5,)", &s));
  EXPECT_EQ(s, Shape({5}));
  bool b;
  EXPECT_TRUE(ParseValue("True", &b) && b);
  EXPECT_TRUE(ParseValue("0", &b) && !b);
  EXPECT_FALSE(ParseValue("yes", &b));
}

TEST(Registry, MissingKernelIsNotImplementedNamingDevices) {
  // An operator with only a GPU kernel, called on CPU arrays.
  MX_REGISTER_OP(_test_gpu_only)
      .Describe("test")
      .InferShape(SameShapeInferShape)
      .Compute(DeviceType::kGPU, [](const OpAttrs&, const OpContext&, const std::vector<TBlob>&,
                                    const std::vector<OpReq>&, const std::vector<TBlob>&) {});
  try {
    nd::Op1("_test_gpu_only", {nd::ones({1})});
    FAIL();
  } catch (const NotImplementedError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("cpu(0)"), std::string::npos) << m;
    EXPECT_NE(m.find("gpu"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace mx
