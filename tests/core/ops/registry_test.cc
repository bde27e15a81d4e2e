#include <gtest/gtest.h>

#include <algorithm>
#include <map>
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

TEST(Registry, MXNetAliasesNameTheSameOperator) {
  EXPECT_EQ(OpRegistry::Get()->Find("_Plus").name(), "elemwise_add");
  EXPECT_EQ(OpRegistry::Get()->Find("ElementWiseSum").name(), "add_n");
  EXPECT_EQ(OpRegistry::Get()->Find("_MulScalar").name(), "_mul_scalar");
  EXPECT_TRUE(OpRegistry::Get()->Has("flatten"));
  std::map<std::string, std::string> aliases = OpRegistry::Get()->Aliases();
  EXPECT_EQ(aliases.at("_Maximum"), "_maximum");
  EXPECT_EQ(aliases.at("swapaxes"), "SwapAxis");
  EXPECT_EQ(aliases.at("choose_element_0index"), "pick");
  EXPECT_FALSE(OpRegistry::Get()->Has("no_such_op"));
  for (const auto& [alias, name] : aliases) {
    EXPECT_TRUE(OpRegistry::Get()->Has(name)) << alias;
    std::vector<std::string> names = OpRegistry::Get()->Names();
    EXPECT_EQ(std::count(names.begin(), names.end(), alias), 0) << alias << " listed as an op";
  }
  NDArray x = nd::array({1, -2});
  EXPECT_EQ(nd::Op1("_Maximum", {x, nd::array({0, 0})}).ToVector<float>(),
            (std::vector<float>{1, 0}));
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
