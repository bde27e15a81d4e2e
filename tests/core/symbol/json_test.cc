// Symbol JSON: dmlc's exact layout on save, the real MXNet files (current and legacy) on load,
// the legacy upgrade path, and clear errors for broken text.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/tessera.h"

namespace mx {
namespace {

using Strings = std::vector<std::string>;
const char* kArtifacts = "tests/data/mxnet-artifacts/";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SymbolJson, WritesDmlcLayoutByteForByte) {
  // What MXNet 1.9 writes for mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
  // name='fc1').tojson(): trailing ", " before each newline, one-key maps on one line.
  const std::string want =
      "{\n"
      "  \"nodes\": [\n"
      "    {\n"
      "      \"op\": \"null\", \n"
      "      \"name\": \"data\", \n"
      "      \"inputs\": []\n"
      "    }, \n"
      "    {\n"
      "      \"op\": \"null\", \n"
      "      \"name\": \"fc1_weight\", \n"
      "      \"attrs\": {\"num_hidden\": \"2\"}, \n"
      "      \"inputs\": []\n"
      "    }, \n"
      "    {\n"
      "      \"op\": \"null\", \n"
      "      \"name\": \"fc1_bias\", \n"
      "      \"attrs\": {\"num_hidden\": \"2\"}, \n"
      "      \"inputs\": []\n"
      "    }, \n"
      "    {\n"
      "      \"op\": \"FullyConnected\", \n"
      "      \"name\": \"fc1\", \n"
      "      \"attrs\": {\"num_hidden\": \"2\"}, \n"
      "      \"inputs\": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]\n"
      "    }\n"
      "  ], \n"
      "  \"arg_nodes\": [0, 1, 2], \n"
      "  \"node_row_ptr\": [0, 1, 2, 3, 4], \n"
      "  \"heads\": [[3, 0, 0]], \n"
      "  \"attrs\": {\"mxnet_version\": [\"int\", 10901]}\n"
      "}";
  Symbol fc = sym::FullyConnected(sym::Variable("data"), {{"num_hidden", 2}}, "fc1");
  EXPECT_EQ(SaveJSON(fc), want);
  EXPECT_EQ(SaveJSON(LoadJSON(want)), want);
}

TEST(SymbolJson, OlderOperatorNamesLoadAsTheirOperators) {
  // A residual block as older MXNet wrote it: _Plus, ElementWiseSum, _MulScalar.
  const char* json = R"({"nodes": [
    {"op": "null", "name": "a", "inputs": []},
    {"op": "null", "name": "b", "inputs": []},
    {"op": "_Plus", "name": "p", "inputs": [[0, 0, 0], [1, 0, 0]]},
    {"op": "ElementWiseSum", "name": "s", "attrs": {"num_args": "3"},
     "inputs": [[2, 0, 0], [0, 0, 0], [1, 0, 0]]},
    {"op": "_MulScalar", "name": "m", "attrs": {"scalar": "0.5"}, "inputs": [[3, 0, 0]]}],
    "arg_nodes": [0, 1], "heads": [[4, 0, 0]]})";
  Symbol net = LoadJSON(json);
  EXPECT_EQ(net.ListArguments(), (Strings{"a", "b"}));
  std::string saved = SaveJSON(net);
  EXPECT_NE(saved.find("\"op\": \"elemwise_add\""), std::string::npos) << saved;
  EXPECT_NE(saved.find("\"op\": \"add_n\""), std::string::npos) << saved;
  SimpleBindArgs args;
  args.shapes = {{"a", {2}}, {"b", {2}}};
  Executor ex = Executor::SimpleBind(net, cpu(), args);
  std::move(ex.arg_dict().at("a")) = nd::array({1, 2});
  std::move(ex.arg_dict().at("b")) = nd::array({3, 5});
  ex.Forward();
  EXPECT_EQ(ex.outputs()[0].ToVector<float>(), (std::vector<float>{4, 7}));  // (2a + 2b) / 2
}

TEST(SymbolJson, RoundTripIsByteStableAndKeepsStructure) {
  Symbol data = sym::Variable("data");
  Symbol bn = sym::BatchNorm(sym::Convolution(data, {{"num_filter", 4}, {"kernel", {3, 3}}}, "c"),
                             {{"fix_gamma", false}}, "bn");
  Symbol net = sym::SoftmaxOutput(sym::FullyConnected(bn, {{"num_hidden", 3}}, "fc"), {}, "sm");
  std::string once = SaveJSON(net);
  Symbol back = LoadJSON(once);
  EXPECT_EQ(SaveJSON(back), once);
  EXPECT_EQ(back.ListArguments(), net.ListArguments());
  EXPECT_EQ(back.ListAuxiliaryStates(), net.ListAuxiliaryStates());
  EXPECT_EQ(back.ListOutputs(), net.ListOutputs());
  // node_row_ptr counts BatchNorm's hidden outputs (3).
  EXPECT_NE(once.find("    8, \n    11, \n    12, "), std::string::npos) << once;
  std::string path = ::testing::TempDir() + "/net-symbol.json";
  SaveSymbolFile(net, path);
  EXPECT_EQ(ReadFile(path), once);
  EXPECT_EQ(SaveJSON(LoadSymbolFile(path)), once);
  std::remove(path.c_str());
}

TEST(SymbolJson, LoadsGluonExportedLenet) {
  Symbol net = LoadSymbolFile(std::string(kArtifacts) + "lenet-symbol.json");
  Strings args = net.ListArguments();
  ASSERT_EQ(args.size(), 9u);
  EXPECT_EQ(args[0], "data");
  EXPECT_EQ(args[1], "hybridsequential0_conv0_weight");
  EXPECT_EQ(args[8], "hybridsequential0_dense1_bias");
  EXPECT_EQ(net.ListOutputs(), (Strings{"hybridsequential0_dense1_fwd_output"}));
  ShapeInference s = net.InferShape({{"data", {1, 1, 28, 28}}});
  EXPECT_EQ(s.arg_shapes[1], Shape({5, 1, 5, 5}));  // __shape__ (5, 0, 5, 5) completed
  EXPECT_EQ(s.out_shapes[0], Shape({1, 10}));
  // Gluon wrote __shape__ (5, 0, 5, 5): a contradicting channel count is caught.
  EXPECT_THROW(net.InferShape({{"data", {1, 1, 28, 28}},
                               {"hybridsequential0_conv0_weight", {6, 1, 5, 5}}}),
               ShapeError);
}

TEST(SymbolJson, LoadsLegacyMtcnnDet1) {
  Symbol net = LoadSymbolFile(std::string(kArtifacts) + "det1-symbol.json");
  Strings args = net.ListArguments();
  EXPECT_EQ(args[0], "data");
  EXPECT_NE(std::find(args.begin(), args.end(), "prelu1_gamma"), args.end());
  EXPECT_EQ(net.ListOutputs().size(), 2u);
  ShapeInference s = net.InferShape({{"data", {1, 3, 12, 12}}});
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.arg_shapes[1], Shape({10, 3, 3, 3}));
  // Saving writes the current format.
  std::string saved = SaveJSON(net);
  EXPECT_EQ(saved.find("backward_source_id"), std::string::npos);
  EXPECT_EQ(SaveJSON(LoadJSON(saved)), saved);
}

TEST(SymbolJson, UpgradesMXNet080HiddenKeysAndMissingAuxStates) {
  // MXNet's removed test_load_000800 checked these attributes after loading.
  Symbol net = LoadSymbolFile(std::string(kArtifacts) + "save_000800.json");
  std::map<std::string, ParamMap> a = net.AttrDict();
  EXPECT_EQ(a["data"]["__ctx_group__"], "stage1");
  EXPECT_EQ(a["data"]["__lr_mult__"], "0.2");
  EXPECT_EQ(a["fc1_weight"]["__lr_mult__"], "1.2");  // moved from fc1's weight_lr_mult
  EXPECT_EQ(a["fc1_weight"]["__wd_mult__"], "0.3");
  EXPECT_EQ(a["fc1_weight"]["__ctx_group__"], "stage1");
  EXPECT_EQ(a["fc2_weight"]["__lr_mult__"], "0.01");
  EXPECT_EQ(a["fc3_weight"]["__ctx_group__"], "stage2");
  EXPECT_EQ(a["fc1"]["__ctx_group__"], "stage1");
  EXPECT_EQ(a["fc1"].count("weight_lr_mult"), 0u);
  // The 0.8 file omitted BatchNorm's moving statistics; they come back as variables.
  EXPECT_EQ(net.ListAuxiliaryStates(),
            (Strings{"batchnorm0_moving_mean", "batchnorm0_moving_var"}));
  EXPECT_EQ(a["batchnorm0_moving_mean"]["__init__"], "[\"zero\", {}]");
  EXPECT_EQ(a["batchnorm0_moving_var"]["__init__"], "[\"one\", {}]");
  EXPECT_EQ(a["batchnorm0_moving_var"]["__ctx_group__"], "stage2");
  ShapeInference s = net.InferShape({{"data", {4, 20}}});
  EXPECT_EQ(s.arg_shapes[1], Shape({128, 20}));
  EXPECT_EQ(s.out_shapes[0], Shape({4, 10}));
}

TEST(SymbolJson, BrokenTextGivesClearErrors) {
  auto message = [](const std::string& text) -> std::string {
    try {
      LoadJSON(text);
    } catch (const ValueError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message("{\"nodes\": [\n  {\"op\": }]}").find("line 2, column"), std::string::npos);
  EXPECT_NE(message("{\"heads\": []}").find("\"nodes\""), std::string::npos);
  std::string unknown_op =
      "{\"nodes\": [{\"op\": \"null\", \"name\": \"x\", \"inputs\": []},"
      " {\"op\": \"Convolutoin\", \"name\": \"c\", \"inputs\": [[0, 0, 0]]}],"
      " \"heads\": [[1, 0, 0]]}";
  std::string m = message(unknown_op);
  EXPECT_NE(m.find("Convolutoin"), std::string::npos) << m;
  EXPECT_NE(m.find("Convolution"), std::string::npos) << m;  // the suggestion
  std::string forward_ref =
      "{\"nodes\": [{\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[1, 0, 0]]},"
      " {\"op\": \"null\", \"name\": \"x\", \"inputs\": []}], \"heads\": [[0, 0, 0]]}";
  EXPECT_NE(message(forward_ref).find("does not come before it"), std::string::npos);
  std::string bad_param =
      "{\"nodes\": [{\"op\": \"null\", \"name\": \"x\", \"inputs\": []},"
      " {\"op\": \"Activation\", \"name\": \"a\", \"attrs\": {\"act_type\": \"swish\"},"
      " \"inputs\": [[0, 0, 0]]}], \"heads\": [[1, 0, 0]]}";
  m = message(bad_param);
  EXPECT_NE(m.find("act_type"), std::string::npos) << m;
  EXPECT_NE(m.find("node a"), std::string::npos) << m;
  EXPECT_THROW(LoadSymbolFile("/nonexistent/model-symbol.json"), IOError);
}

}  // namespace
}  // namespace mx
