// _foreach, _while_loop and _cond: forward against loops written here, gradients against
// central differences in float64 through an executor, JSON round trips, a real MXNet LSTM cell
// file (Gluon's export through _foreach) against the LSTM equations on its own .params, and
// the errors of malformed nodes.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/executor/executor.h"
#include "core/ndarray/init.h"
#include "core/ndarray/io.h"
#include "core/ops/control_flow/control_flow.h"
#include "core/symbol/symbol_json.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::ExpectNDArrayNear;
using testing::Rand;

Symbol Var(const std::string& name) { return Symbol::Variable(name); }
Symbol Op(const std::string& op, const std::vector<Symbol>& in, const ParamMap& p = {}) {
  return Symbol::CreateOp(op, in, p);
}

// An executor of `sym` in float64 with gradients, its arguments set to `args`.
Executor Bind64(const Symbol& sym, const std::map<std::string, NDArray>& args) {
  SimpleBindArgs a;
  for (const auto& [name, v] : args) {
    a.shapes[name] = v.shape();
    a.dtypes[name] = kFloat64;
  }
  Executor ex = Executor::SimpleBind(sym, cpu(), a);
  for (const auto& [name, v] : args) {
    std::vector<double> d = v.ToVector<double>();
    ex.arg_dict().at(name).SyncCopyFromCPU(d.data(), d.size());
  }
  return ex;
}

double Loss(Executor& ex, const std::vector<NDArray>& w) {
  const std::vector<NDArray>& y = ex.Forward(false);
  double l = 0;
  for (size_t j = 0; j < y.size(); ++j) {
    std::vector<double> a = y[j].ToVector<double>(), b = w[j].ToVector<double>();
    for (size_t k = 0; k < a.size(); ++k) l += a[k] * b[k];
  }
  return l;
}

// The executor's gradient of L = sum_j <w_j, y_j> for every argument against central
// differences.
void CheckSymbolGradient(const Symbol& sym, const std::map<std::string, NDArray>& args) {
  Executor ex = Bind64(sym, args);
  ex.Forward(true);
  std::vector<NDArray> w;
  for (const NDArray& y : ex.outputs()) w.push_back(Rand(y.shape()));
  ex.Backward(w);
  for (const auto& [name, value] : args) {
    std::vector<double> grad = ex.grad_dict().at(name).ToVector<double>();
    std::vector<double> x = value.ToVector<double>();
    NDArray arg = ex.arg_dict().at(name);
    const double eps = 1e-6;
    for (size_t k = 0; k < x.size(); ++k) {
      std::vector<double> p = x;
      p[k] = x[k] + eps;
      arg.SyncCopyFromCPU(p.data(), p.size());
      double up = Loss(ex, w);
      p[k] = x[k] - eps;
      arg.SyncCopyFromCPU(p.data(), p.size());
      double down = Loss(ex, w);
      arg.SyncCopyFromCPU(x.data(), x.size());
      double numeric = (up - down) / (2 * eps);
      EXPECT_NEAR(grad[k], numeric, 1e-6 + 1e-5 * std::fabs(numeric)) << name << "[" << k << "]";
    }
  }
}

// y_t = x_t * w + s, s' = tanh(y_t): outputs Y (stacked) and the last state.
Symbol CumulativeLoop(const std::string& name) {
  Symbol x = Var("x_row"), s = Var("s"), w = Var("w");
  Symbol y = Op("elemwise_add", {Op("elemwise_mul", {x, w}), s});
  Symbol body = Group({y, Op("tanh", {y})});
  return Foreach(body, {x}, {Var("x")}, {s}, {Var("s0")}, 1, name);
}

TEST(Foreach, RunsTheBodyPerRowAndStacksOutputs) {
  Symbol loop = CumulativeLoop("loop");
  EXPECT_EQ(loop.ListArguments(), (std::vector<std::string>{"x", "s0", "w"}));
  EXPECT_EQ(loop.ListOutputs(), (std::vector<std::string>{"loop_output0", "loop_output1"}));
  ShapeInference si = loop.InferShape({{"x", Shape{4, 3}}, {"s0", Shape{3}}});
  EXPECT_EQ(si.arg_shapes[2], (Shape{3}));  // w, from the body
  EXPECT_EQ(si.out_shapes[0], (Shape{4, 3}));
  EXPECT_EQ(si.out_shapes[1], (Shape{3}));

  NDArray x = Rand({4, 3}), s0 = Rand({3}), w = Rand({3});
  Executor ex = Bind64(loop, {{"x", x}, {"s0", s0}, {"w", w}});
  const std::vector<NDArray>& out = ex.Forward(false);
  std::vector<double> xv = x.ToVector<double>(), s = s0.ToVector<double>(), wv = w.ToVector<double>();
  std::vector<double> ys;
  for (int t = 0; t < 4; ++t) {
    for (int k = 0; k < 3; ++k) ys.push_back(xv[t * 3 + k] * wv[k] + s[k]);
    for (int k = 0; k < 3; ++k) s[k] = std::tanh(ys[t * 3 + k]);
  }
  ExpectNDArrayNear(out[0], ys, 1e-12, "stacked outputs");
  ExpectNDArrayNear(out[1], s, 1e-12, "final state");
}

TEST(Foreach, GradientMatchesCentralDifferences) {
  CheckSymbolGradient(CumulativeLoop("loop"),
                      {{"x", Rand({5, 3})}, {"s0", Rand({3})}, {"w", Rand({3})}});
}

TEST(Foreach, StatesThatSwapPlacesAndPassThrough) {
  // (a, b) -> (b, a + x): the new states read each other and one is a body input unchanged.
  Symbol x = Var("xr"), a = Var("a"), b = Var("b");
  Symbol body = Group({b, Op("elemwise_add", {a, x})});
  Symbol loop = Foreach(body, {x}, {Var("x")}, {a, b}, {Var("a0"), Var("b0")}, 0, "swap");
  NDArray xv = nd::array({1, 2, 3, 4, 5}).Reshape({5, 1});
  Executor ex = Bind64(loop, {{"x", xv}, {"a0", nd::array({10})}, {"b0", nd::array({20})}});
  const std::vector<NDArray>& out = ex.Forward(false);
  // (10,20) -> (20,11) -> (11,22) -> (22,14) -> (14,26) -> (26,19)
  ExpectNDArrayNear(out[0], {26}, 0);
  ExpectNDArrayNear(out[1], {19}, 0);
  CheckSymbolGradient(loop, {{"x", Rand({5, 1})}, {"a0", Rand({1})}, {"b0", Rand({1})}});
}

TEST(Foreach, SurvivesJSONRoundTrip) {
  Symbol loop = CumulativeLoop("loop");
  std::string json = SaveJSON(loop);
  EXPECT_NE(json.find("\"subgraphs\""), std::string::npos);
  Symbol back = LoadJSON(json);
  EXPECT_EQ(SaveJSON(back), json);
  std::map<std::string, NDArray> args{{"x", Rand({3, 3})}, {"s0", Rand({3})}, {"w", Rand({3})}};
  Executor a = Bind64(loop, args), b = Bind64(back, args);
  ExpectNDArrayNear(b.Forward(false)[0], a.Forward(false)[0], 0);
}

TEST(Foreach, MalformedNodesSayWhatIsWrong) {
  Symbol x = Var("xr"), s = Var("s");
  Symbol body = Group({Op("elemwise_add", {x, s}), s});
  ParamMap p{{"num_args", "3"}, {"num_outputs", "2"}, {"num_out_data", "1"},
             {"in_data_locs", "[0]"}, {"in_state_locs", "[0]"}, {"remain_locs", "[]"}};
  Symbol bad = ControlFlowOp("_foreach", {Var("x"), Var("s0")}, {body}, p, "bad");
  try {
    bad.InferShape({{"x", Shape{2, 3}}, {"s0", Shape{3}}});
    FAIL() << "a repeated location was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("once; 0 is out of range or repeated"), std::string::npos)
        << e.what();
  }
  Symbol none = ControlFlowOp("_foreach", {Var("x"), Var("s0")}, {}, p, "none");
  EXPECT_THROW(none.InferShape({{"x", Shape{2, 3}}, {"s0", Shape{3}}}), ValueError);
}

// The relay-bench LSTM cell (Gluon's LSTMCell unrolled with foreach, exported by MXNet 1.3.1)
// against the LSTM equations with the file's own weights.
TEST(Foreach, RealLSTMCellFileMatchesTheEquations) {
  const std::string dir = "tests/data/zoo/corpus/lstmcell_i128_relaybench/";
  Symbol net = LoadSymbolFile(dir + "lstm_i128_h128-symbol.json");
  std::map<std::string, NDArray> params;
  for (auto& [key, v] : nd::LoadDict(dir + "lstm_i128_h128-0001.params"))
    params[key.substr(key.find(':') + 1)] = v;
  const int T = 5, H = 128, I = 128;
  NDArray data = Rand({T, 1, I}).AsType(kFloat32), h0 = Rand({1, H}).AsType(kFloat32),
          c0 = Rand({1, H}).AsType(kFloat32);
  BindArgs b;
  b.args = params;
  b.args["data0"] = data;
  b.args["data1"] = h0;
  b.args["data2"] = c0;
  b.default_grad_req = GradReq::kNull;
  Executor ex = Executor::Bind(net, cpu(), b);
  const std::vector<NDArray>& out = ex.Forward(false);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].shape(), (Shape{T, 1, H}));

  auto get = [&](const std::string& n) { return params.at("rnnmodel2_lstm0_" + n).ToVector<float>(); };
  std::vector<float> wi = get("i2h_weight"), bi = get("i2h_bias"), wh = get("h2h_weight"),
                     bh = get("h2h_bias");
  std::vector<float> x = data.ToVector<float>(), h = h0.ToVector<float>(), c = c0.ToVector<float>();
  std::vector<double> hs;
  auto sigmoid = [](double v) { return 1 / (1 + std::exp(-v)); };
  for (int t = 0; t < T; ++t) {
    std::vector<double> g(4 * H);
    for (int r = 0; r < 4 * H; ++r) {
      double acc = bi[r] + bh[r];
      for (int k = 0; k < I; ++k) acc += wi[r * I + k] * x[t * I + k];
      for (int k = 0; k < H; ++k) acc += wh[r * H + k] * h[k];
      g[r] = acc;
    }
    for (int k = 0; k < H; ++k) {  // gates in the slice order: i, f, c, o
      double i = sigmoid(g[k]), f = sigmoid(g[H + k]), cc = std::tanh(g[2 * H + k]),
             o = sigmoid(g[3 * H + k]);
      c[k] = static_cast<float>(f * c[k] + i * cc);
      h[k] = static_cast<float>(o * std::tanh(c[k]));
      hs.push_back(h[k]);
    }
  }
  ExpectNDArrayNear(out[0], hs, 1e-4, "per-step h");
  ExpectNDArrayNear(out[1], std::vector<double>(h.begin(), h.end()), 1e-4, "final h");
  ExpectNDArrayNear(out[2], std::vector<double>(c.begin(), c.end()), 1e-4, "final c");
}

// while i < n: i += 1, acc += x * i (step output acc); at most 5 steps.
Symbol CountingLoop(const std::string& name) {
  Symbol ci = Var("ci"), cn = Var("cn");
  Symbol cond = Op("broadcast_lesser", {ci, cn});
  Symbol fi = Var("fi"), facc = Var("facc"), fx = Var("fx");
  Symbol i2 = Op("_plus_scalar", {fi}, {{"scalar", "1"}});
  Symbol acc2 = Op("elemwise_add", {facc, Op("broadcast_mul", {fx, i2})});
  Symbol func = Group({acc2, i2, acc2});
  // Node inputs: i, n, acc, x. func's inputs in its (graph) order: facc, fx, fi; its loop
  // variables, in the order of its outputs: fi (func input 2), facc (0).
  ParamMap p{{"num_args", "6"}, {"num_outputs", "3"}, {"num_out_data", "1"},
             {"max_iterations", "5"}, {"cond_input_locs", "[0, 1]"},
             {"func_input_locs", "[2, 3, 0]"}, {"func_var_locs", "[2, 0]"}};
  return ControlFlowOp("_while_loop", {Var("i"), Var("n"), Var("acc"), Var("x")}, {cond, func}, p,
                       name);
}

TEST(WhileLoop, StopsWhenTheConditionFailsAndPadsStepOutputs) {
  Symbol loop = CountingLoop("count");
  ShapeInference si = loop.InferShape({{"i", Shape{1}}, {"n", Shape{1}}, {"x", Shape{2}}});
  EXPECT_EQ(si.out_shapes[0], (Shape{5, 2}));
  EXPECT_EQ(si.arg_shapes[2], (Shape{2}));  // acc, from the body
  Executor ex = Bind64(loop, {{"i", nd::array({0})}, {"n", nd::array({3})},
                              {"acc", nd::array({0, 0})}, {"x", nd::array({1, 10})}});
  const std::vector<NDArray>& out = ex.Forward(false);
  // acc: 1*x, 3*x, 6*x after steps 1..3; rows 3 and 4 unused (zeros).
  ExpectNDArrayNear(out[0], {1, 10, 3, 30, 6, 60, 0, 0, 0, 0}, 0, "step outputs");
  ExpectNDArrayNear(out[1], {3}, 0, "final i");
  ExpectNDArrayNear(out[2], {6, 60}, 0, "final acc");
  // The iteration limit stops it too; no step at all leaves the variables as they came.
  Executor capped = Bind64(loop, {{"i", nd::array({0})}, {"n", nd::array({100})},
                                  {"acc", nd::array({0, 0})}, {"x", nd::array({1, 1})}});
  ExpectNDArrayNear(capped.Forward(false)[1], {5}, 0, "capped i");
  Executor none = Bind64(loop, {{"i", nd::array({7})}, {"n", nd::array({3})},
                                {"acc", nd::array({2, 4})}, {"x", nd::array({1, 1})}});
  const std::vector<NDArray>& n = none.Forward(false);
  ExpectNDArrayNear(n[0], std::vector<double>(10, 0), 0, "no steps");
  ExpectNDArrayNear(n[2], {2, 4}, 0, "acc unchanged");
  Symbol back = LoadJSON(SaveJSON(loop));
  Executor again = Bind64(back, {{"i", nd::array({0})}, {"n", nd::array({3})},
                                 {"acc", nd::array({0, 0})}, {"x", nd::array({1, 10})}});
  ExpectNDArrayNear(again.Forward(false)[2], {6, 60}, 0, "after a JSON round trip");
}

TEST(WhileLoop, GradientMatchesCentralDifferences) {
  CheckSymbolGradient(CountingLoop("count"), {{"i", nd::array({0.25})}, {"n", nd::array({2.5})},
                                              {"acc", Rand({2})}, {"x", Rand({2})}});
}

TEST(WhileLoop, ConditionMustBeOneValue) {
  Symbol ci = Var("ci");
  Symbol func = Group({Op("_plus_scalar", {Var("fi")}, {{"scalar", "1"}})});
  ParamMap p{{"num_args", "3"}, {"num_outputs", "1"}, {"num_out_data", "0"},
             {"max_iterations", "3"}, {"cond_input_locs", "[0]"}, {"func_input_locs", "[0]"},
             {"func_var_locs", "[0]"}};
  Symbol loop = ControlFlowOp("_while_loop", {Var("v")}, {ci, func}, p, "w");
  try {
    Bind64(loop, {{"v", nd::array({1, 2})}});
    FAIL() << "a condition of two values was accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("must be one value"), std::string::npos) << e.what();
  }
}

// if sum(x) > 0: x * 2 else: x - y.
Symbol Branching(const std::string& name) {
  Symbol cond = Op("_greater_scalar", {Op("sum", {Var("cx")})}, {{"scalar", "0"}});
  Symbol then_b = Op("_mul_scalar", {Var("tx")}, {{"scalar", "2"}});
  Symbol else_b = Op("elemwise_sub", {Var("ex"), Var("ey")});
  ParamMap p{{"num_args", "5"}, {"num_outputs", "1"}, {"cond_input_locs", "[0]"},
             {"then_input_locs", "[0]"}, {"else_input_locs", "[0, 1]"}};
  return ControlFlowOp("_cond", {Var("x"), Var("y")}, {cond, then_b, else_b}, p, name);
}

TEST(Cond, RunsTheBranchTheConditionChooses) {
  Symbol c = Branching("branch");
  Executor pos = Bind64(c, {{"x", nd::array({1, 2})}, {"y", nd::array({5, 7})}});
  ExpectNDArrayNear(pos.Forward(false)[0], {2, 4}, 0, "then");
  Executor neg = Bind64(c, {{"x", nd::array({-1, -2})}, {"y", nd::array({5, 7})}});
  ExpectNDArrayNear(neg.Forward(false)[0], {-6, -9}, 0, "else");
  Symbol back = LoadJSON(SaveJSON(c));
  Executor again = Bind64(back, {{"x", nd::array({-1, -2})}, {"y", nd::array({5, 7})}});
  ExpectNDArrayNear(again.Forward(false)[0], {-6, -9}, 0, "after a JSON round trip");
}

TEST(Cond, GradientOfEitherBranch) {
  Symbol c = Branching("branch");
  CheckSymbolGradient(c, {{"x", nd::array({0.5, 0.25}).AsType(kFloat64)},
                          {"y", nd::array({5, 7}).AsType(kFloat64)}});  // then: dy = 0
  CheckSymbolGradient(c, {{"x", nd::array({-0.5, -0.25}).AsType(kFloat64)},
                          {"y", nd::array({5, 7}).AsType(kFloat64)}});
}

}  // namespace
}  // namespace mx
