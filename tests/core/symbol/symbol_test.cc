// Symbol: naming, listing, inference, slicing, composition and attributes, against what MXNet
// prints for the same calls.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/tessera.h"

namespace mx {
namespace {

using Strings = std::vector<std::string>;

// The seed network (section 02).
Symbol SeedNet() {
  Symbol data = sym::Variable("data");
  Symbol conv =
      sym::Convolution(data, {{"num_filter", 128}, {"kernel", {3, 3}}, {"pad", {1, 1}}}, "conv1");
  Symbol bn = sym::BatchNorm(conv, {}, "bn1");
  Symbol relu = sym::Activation(bn, {{"act_type", "relu"}}, "relu1");
  Symbol pool =
      sym::Pooling(relu, {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}}, "pool1");
  Symbol fc = sym::FullyConnected(pool, {{"num_hidden", 2}}, "fc1");
  return sym::SoftmaxOutput(fc, {}, "softmax");
}

TEST(Symbol, ListsArgumentsAuxiliaryStatesAndOutputsLikeMXNet) {
  Symbol net = SeedNet();
  EXPECT_EQ(net.ListArguments(), (Strings{"data", "conv1_weight", "conv1_bias", "bn1_gamma",
                                          "bn1_beta", "fc1_weight", "fc1_bias", "softmax_label"}));
  EXPECT_EQ(net.ListAuxiliaryStates(), (Strings{"bn1_moving_mean", "bn1_moving_var"}));
  EXPECT_EQ(net.ListOutputs(), (Strings{"softmax_output"}));
  EXPECT_EQ(net.ListInputs(), (Strings{"data", "conv1_weight", "conv1_bias", "bn1_gamma",
                                       "bn1_beta", "bn1_moving_mean", "bn1_moving_var",
                                       "fc1_weight", "fc1_bias", "softmax_label"}));
}

TEST(Symbol, InfersTheSeedShapes) {
  ShapeInference s = SeedNet().InferShape({{"data", {1, 3, 10, 10}}});
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(PyRepr(s.arg_shapes),
            "[(1, 3, 10, 10), (128, 3, 3, 3), (128,), (128,), (128,), (2, 3200), (2,), (1,)]");
  EXPECT_EQ(PyRepr(s.out_shapes), "[(1, 2)]");
  EXPECT_EQ(PyRepr(s.aux_shapes), "[(128,), (128,)]");
}

TEST(Symbol, PartialInferenceLeavesUnknownsAndFullInferenceNamesThem) {
  Symbol net = SeedNet();
  ShapeInference p = net.InferShapePartial({{"fc1_weight", {2, 3200}}});
  EXPECT_FALSE(p.complete);
  EXPECT_EQ(p.arg_shapes[0].ndim(), 0);          // data unknown
  EXPECT_EQ(p.arg_shapes[5], Shape({2, 3200}));  // given
  EXPECT_EQ(p.arg_shapes[6].ndim(), 0);          // MXNet's FullyConnected needs data first
  try {
    net.InferShape({});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("data"), std::string::npos) << e.what();
  }
}

TEST(Symbol, ShapeConflictNamesTheNodeTheOperatorAndBothShapes) {
  try {
    SeedNet().InferShape({{"data", {1, 3, 10, 10}}, {"fc1_weight", {2, 100}}});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("Error in operator fc1 (FullyConnected)"), std::string::npos) << m;
    EXPECT_NE(m.find("(2,100)"), std::string::npos) << m;
    EXPECT_NE(m.find("(2,3200)"), std::string::npos) << m;
  }
  EXPECT_THROW(SeedNet().InferShape({{"datum", {1, 3, 10, 10}}}), ValueError);
}

TEST(Symbol, UnnamedNodesAreNumberedPerOperatorAsMXNetDoes) {
  NameScope scope;
  Symbol x = sym::Variable("x");
  Symbol a = sym::FullyConnected(x, {{"num_hidden", 4}});
  Symbol b = sym::FullyConnected(a, {{"num_hidden", 4}});
  Symbol c = sym::Activation(b, {{"act_type", "relu"}});
  EXPECT_EQ(c.ListArguments(), (Strings{"x", "fullyconnected0_weight", "fullyconnected0_bias",
                                        "fullyconnected1_weight", "fullyconnected1_bias"}));
  EXPECT_EQ(c.ListOutputs(), (Strings{"activation0_output"}));
  Symbol s = sym::Variable("c") * (sym::Variable("a") + sym::Variable("b"));
  EXPECT_EQ(s.ListOutputs(), (Strings{"_mul0_output"}));
  EXPECT_EQ(s.ListArguments(), (Strings{"c", "a", "b"}));
  Symbol t = 2.0 - (x * 3.0);
  EXPECT_EQ(t.ListOutputs(), (Strings{"_rminusscalar0_output"}));
  EXPECT_EQ(*t.GetChildren().node()->attrs.dict.find("scalar"),
            (std::pair<const std::string, std::string>("scalar", "3.0")));
}

TEST(Symbol, NameScopeRestartsAndRestoresCounters) {
  NameScope outer;
  Symbol x = sym::Variable("x");
  EXPECT_EQ(sym::relu(x).ListOutputs()[0], "relu0_output");
  {
    NameScope inner;
    EXPECT_EQ(sym::relu(x).ListOutputs()[0], "relu0_output");
  }
  EXPECT_EQ(sym::relu(x).ListOutputs()[0], "relu1_output");
}

TEST(Symbol, GetInternalsShowsVisibleOutputsAndSlices) {
  Symbol net = SeedNet();
  Symbol internals = net.GetInternals();
  Strings names = internals.ListOutputs();
  EXPECT_EQ(names.front(), "data");
  EXPECT_EQ(names.back(), "softmax_output");
  EXPECT_NE(std::find(names.begin(), names.end(), "bn1_output"), names.end());
  // BatchNorm's mean and var are hidden unless output_mean_var.
  EXPECT_EQ(std::find(names.begin(), names.end(), "bn1_mean"), names.end());
  Symbol mini = internals["pool1_output"];
  EXPECT_EQ(mini.ListArguments(),
            (Strings{"data", "conv1_weight", "conv1_bias", "bn1_gamma", "bn1_beta"}));
  Symbol fc_new = sym::FullyConnected(mini, {{"num_hidden", 5}}, "fc_new");
  EXPECT_EQ(sym::SoftmaxOutput(fc_new, {}, "softmax").ListArguments(),
            (Strings{"data", "conv1_weight", "conv1_bias", "bn1_gamma", "bn1_beta", "fc_new_weight",
                     "fc_new_bias", "softmax_label"}));
  try {
    internals["pool2_output"];
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("pool1_output"), std::string::npos) << e.what();
  }
  EXPECT_THROW(net[1], IndexError);
  Symbol bn = sym::BatchNorm(sym::Variable("d"), {{"output_mean_var", true}}, "bn");
  EXPECT_EQ(bn.ListOutputs(), (Strings{"bn_output", "bn_mean", "bn_var"}));
  EXPECT_EQ(net.GetInternals()["fc1_output"].GetChildren().ListOutputs(),
            (Strings{"pool1_output", "fc1_weight", "fc1_bias"}));
}

TEST(Symbol, NamedInputsAndTheirErrors) {
  Symbol x = sym::Variable("x"), w = sym::Variable("w");
  Symbol fc = sym::Op("FullyConnected", sym::NamedInputs{{"data", x}, {"weight", w}},
                      {{"num_hidden", 3}}, "fc");
  EXPECT_EQ(fc.ListArguments(), (Strings{"x", "w", "fc_bias"}));
  Symbol nb = sym::FullyConnected(x, {{"num_hidden", 3}, {"no_bias", true}}, "nb");
  EXPECT_EQ(nb.ListArguments(), (Strings{"x", "nb_weight"}));
  try {
    sym::Op("FullyConnected", sym::NamedInputs{{"weights", w}}, {{"num_hidden", 3}}, "f");
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("data, weight, bias"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sym::Op("FullyConnected", {x, w, w, x}, {{"num_hidden", 3}}), ValueError);
  EXPECT_THROW(sym::Op("FullyConnectd", {x}), ValueError);
  EXPECT_THROW(sym::FullyConnected(x, {{"num_hiden", 3}}), ValueError);
  EXPECT_THROW(sym::relu(Group({x, w})), ValueError);
}

TEST(Symbol, CreatedVariablesCarryTheNodeAttributesAndInitHints) {
  Symbol net = SeedNet();
  std::map<std::string, ParamMap> attrs = net.AttrDict();
  EXPECT_EQ(attrs["conv1_weight"]["num_filter"], "128");
  EXPECT_EQ(attrs["conv1_weight"]["kernel"], "(3, 3)");
  EXPECT_EQ(attrs["bn1_moving_mean"]["__init__"], "[\"zero\", {}]");
  EXPECT_EQ(attrs["bn1_moving_var"]["__init__"], "[\"one\", {}]");
  EXPECT_EQ(attrs["relu1"]["act_type"], "relu");
  EXPECT_EQ(attrs.count("data"), 0u);
}

TEST(Symbol, VariableHintsAndSetAttr) {
  VariableAttrs va;
  va.shape = Shape({2, 3});
  va.lr_mult = 0.5;
  va.dtype = kFloat64;
  Symbol v = sym::Variable("v", va);
  EXPECT_EQ(*v.Attr("__shape__"), "(2, 3)");
  EXPECT_EQ(*v.Attr("__lr_mult__"), "0.5");
  EXPECT_EQ(*v.Attr("__dtype__"), "1");
  EXPECT_FALSE(v.Attr("__wd_mult__").has_value());
  Symbol y = sym::relu(v, {}, "r");
  // __shape__ is a fact for inference, __dtype__ for types.
  EXPECT_EQ(y.InferShape({}).out_shapes[0], Shape({2, 3}));
  EXPECT_EQ(y.InferType({}).out_types[0], static_cast<int>(kFloat64));
  y.SetAttr("__ctx_group__", "dev1");
  EXPECT_EQ(*y.Attr("__ctx_group__"), "dev1");
  EXPECT_THROW(y.SetAttr("colour", "red"), ValueError);  // not a parameter of relu
  // A given shape wins over the hint (NNVM reads __shape__ for unknown shapes only): a model
  // exported with batch 16 in its hint runs with batch 1.
  EXPECT_EQ(y.InferShape({{"v", {1, 3}}}).out_shapes[0], Shape({1, 3}));
  EXPECT_EQ(y.InferShape({{"v", {3, 3}}}).out_shapes[0], Shape({3, 3}));
}

TEST(Symbol, PartialShapesOfABeginStateAreCompletedFromItsConsumers) {
  // An RNN cell's first step as MXNet's mx.rnn writes it: the begin state is _zeros with
  // shape (0, H), 0 meaning "not known"; its batch size comes back from h2h's output, which
  // the sum with i2h's (known from the data) fixes.
  Symbol begin = sym::Op("_zeros", std::vector<Symbol>{}, {{"shape", "(0, 4)"}}, "begin_state");
  Symbol i2h = sym::FullyConnected(sym::Variable("data"), {{"num_hidden", 6}}, "i2h");
  Symbol h2h = sym::FullyConnected(begin, {{"num_hidden", 6}}, "h2h");
  Symbol c_prev = sym::Op("_zeros", std::vector<Symbol>{}, {{"shape", "(0, 6)"}}, "begin_cell");
  Symbol next = sym::Activation(i2h + h2h, {{"act_type", "tanh"}}, "h") * c_prev;
  ShapeInference si = next.InferShape({{"data", {5, 3}}});
  EXPECT_TRUE(si.complete);
  EXPECT_EQ(si.out_shapes[0], Shape({5, 6}));
  std::vector<std::string> args = next.ListArguments();
  EXPECT_EQ(si.arg_shapes[std::find(args.begin(), args.end(), "h2h_weight") - args.begin()],
            Shape({6, 4}));
  // It runs: h2h of zeros is its bias; times a zero cell state, the output is 0.
  Executor e = Executor::SimpleBind(next, cpu(), SimpleBindArgs{{{"data", {5, 3}}}});
  for (auto& [name, a] : e.arg_dict()) a = 0.5;
  std::vector<float> y = e.Forward()[0].ToVector<float>();
  ASSERT_EQ(y.size(), 30u);
  for (float v : y) EXPECT_EQ(v, 0.0f);
  // Without anything that fixes the batch the shapes stay unknown; a known dimension that
  // disagrees is an error.
  ShapeInference alone =
      sym::FullyConnected(begin, {{"num_hidden", 2}}, "alone").InferShapePartial({});
  EXPECT_FALSE(alone.complete);
  EXPECT_EQ(alone.out_shapes[0], Shape({-1, 2}));  // -1: the dimension not known
  Symbol bad = sym::Op("_zeros", std::vector<Symbol>{}, {{"shape", "(0, 5)"}}, "b5") + i2h;
  EXPECT_THROW(bad.InferShape({{"data", {5, 3}}}), ShapeError);
}

TEST(Symbol, InferTypeSpreadsAndChecks) {
  TypeInference t = SeedNet().InferType({{"data", kFloat64}});
  EXPECT_TRUE(t.complete);
  for (int x : t.arg_types) EXPECT_EQ(x, static_cast<int>(kFloat64));
  for (int x : t.aux_types) EXPECT_EQ(x, static_cast<int>(kFloat64));
  Symbol s = sym::Variable("a") + sym::Variable("b");
  EXPECT_THROW(s.InferType({{"a", kFloat32}, {"b", kFloat64}}), TypeError);
}

TEST(Symbol, ComposeReplacesVariablesInACopy) {
  Symbol head = sym::FullyConnected(sym::Variable("feat"), {{"num_hidden", 2}}, "head");
  Symbol body = sym::Activation(sym::Variable("x"), {{"act_type", "tanh"}}, "body");
  Symbol joined = head.Compose({{"feat", body}});
  EXPECT_EQ(joined.ListArguments(), (Strings{"x", "head_weight", "head_bias"}));
  EXPECT_EQ(head.ListArguments(), (Strings{"feat", "head_weight", "head_bias"}));
  EXPECT_EQ(joined.InferShape({{"x", {4, 7}}}).arg_shapes[1], Shape({2, 7}));
  EXPECT_THROW(head.Compose({{"nothing", body}}), ValueError);
  Symbol copy = head.Copy();
  EXPECT_NE(copy.node().get(), head.node().get());
  EXPECT_EQ(copy.ListArguments(), head.ListArguments());
}

TEST(Symbol, ConcatCountsItsInputs) {
  Symbol c = sym::Concat({sym::Variable("a"), sym::Variable("b"), sym::Variable("c")}, {{"dim", 1}},
                         "cat");
  EXPECT_EQ(c.node()->attrs.dict.at("num_args"), "3");
  EXPECT_EQ(c.InferShape({{"a", {2, 1}}, {"b", {2, 2}}, {"c", {2, 3}}}).out_shapes[0],
            Shape({2, 6}));
}

}  // namespace
}  // namespace mx
