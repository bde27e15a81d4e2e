#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/base/context.h"
#include "core/op/mxnet_op_names.h"
#include "core/op/op_def.h"
#include "core/op/param_tuple.h"
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
    if (n.rfind("_backward_", 0) == 0) {  // MXNet's names: _backward_foreach for _foreach
      std::string fwd = n.substr(10);
      EXPECT_TRUE(OpRegistry::Get()->Has(fwd) || OpRegistry::Get()->Has("_" + fwd))
          << n << " has no forward operator";
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
  FloatTuple t;
  EXPECT_TRUE(ParseValue("(0.1, 0.2,0.5)", &t));
  EXPECT_EQ(t, (FloatTuple{0.1, 0.2, 0.5}));
  EXPECT_TRUE(ParseValue("[1]", &t) && t == FloatTuple{1.0});
  EXPECT_TRUE(ParseValue("(-1.5,)", &t) && t == FloatTuple{-1.5});
  EXPECT_TRUE(ParseValue("()", &t) && t.size() == 0);
  EXPECT_FALSE(ParseValue("(0.1, x)", &t));
  EXPECT_FALSE(ParseValue("(1,,2)", &t));
  EXPECT_EQ(DefaultText(FloatTuple{0.1, 0.2}), "(0.1, 0.2)");
  EXPECT_EQ(DefaultText(FloatTuple{1.0}), "(1.0,)");
  bool b;
  EXPECT_TRUE(ParseValue("True", &b) && b);
  EXPECT_TRUE(ParseValue("0", &b) && !b);
  EXPECT_FALSE(ParseValue("yes", &b));
}

std::string FindError(const std::string& name) {
  try {
    OpRegistry::Get()->Find(name);
  } catch (const ValueError& e) {
    return e.what();
  }
  return "found";
}

// An unknown name is either an MXNet operator Tessera lacks or a model's private operator.
TEST(Registry, UnknownOperatorsSayWhetherMXNetHasThem) {
  EXPECT_NE(FindError("MoonOutput").find("'MoonOutput' is not part of MXNet 1.9"),
            std::string::npos);
  EXPECT_NE(FindError("ChannelwiseConvolution").find("not part of MXNet"), std::string::npos);
  EXPECT_NE(FindError("_image_random_lighting").find("an operator of MXNet 1.9 that Tessera"),
            std::string::npos);
  EXPECT_TRUE(IsMXNetOperatorName("Convolution"));
  EXPECT_TRUE(IsMXNetOperatorName("_foreach"));
  EXPECT_TRUE(IsMXNetOperatorName("_contrib_MultiBoxPrior"));
  EXPECT_FALSE(IsMXNetOperatorName("WarpCTC"));  // a plugin outside MXNet's src/
  EXPECT_FALSE(IsMXNetOperatorName("convolution"));
  // Tessera's forward operators are all MXNet's (backward operators are named by Tessera).
  int checked = 0;
  for (const std::string& n : OpRegistry::Get()->Names()) {
    if (n.rfind("_backward", 0) == 0 || n.rfind("_test", 0) == 0) continue;
    ++checked;
    static const std::set<std::string> kTesseraOwn = {"_digamma", "_smooth_l1_grad",
                                                      "_sum_to_like", "adagrad_update"};
    if (!kTesseraOwn.count(n)) EXPECT_TRUE(IsMXNetOperatorName(n)) << n;
  }
  EXPECT_GT(checked, 200);
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
