// Gradients of the element-wise families, composed from other registered operators so each
// works on every device that has those operators. og is the output gradient, x/a/b the inputs,
// y the output. Broadcast operators sum each input's gradient back to the input's shape
// (_sum_to_like). Operators whose derivative is zero almost everywhere (comparisons, rounding,
// sign) are listed by name and pass no gradient; the ones MXNet cannot differentiate are listed
// too. An operator in none of the lists has no gradient function and is reported by
// UndeclaredElemwiseGradients(), which the registry test requires to be empty: a new operator
// never trains silently with a zero gradient.
#include <cmath>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {
namespace {

// Small expression helpers over a GradContext.
struct Expr {
  GradContext* c;
  GradEntry Op(const char* op, std::vector<GradEntry> in, ParamMap p = {}) {
    return c->Op(op, in, p)[0];
  }
  GradEntry Mul(GradEntry a, GradEntry b) { return Op("broadcast_mul", {a, b}); }
  GradEntry Div(GradEntry a, GradEntry b) { return Op("broadcast_div", {a, b}); }
  GradEntry Neg(GradEntry a) { return Op("negative", {a}); }
  GradEntry Scalar(const char* op, GradEntry a, double s) {
    return Op(op, {a}, {{"scalar", ParamValue(s).str()}});
  }
  GradEntry SumTo(GradEntry g, GradEntry like) { return Op("_sum_to_like", {g, like}); }
};

using Unary = std::function<GradEntry(Expr&, GradEntry og, GradEntry x, GradEntry y)>;
using Binary = std::function<std::pair<GradEntry, GradEntry>(Expr&, GradEntry og, GradEntry a,
                                                             GradEntry b, GradEntry y)>;

const std::map<std::string, Unary>& UnaryGrads() {
  static const std::map<std::string, Unary> m = {
      {"_copy", [](Expr&, GradEntry og, GradEntry, GradEntry) { return og; }},
      {"gamma",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry y) {
         return e.Mul(og, e.Mul(y, e.Op("_digamma", {x})));
       }},
      {"gammaln",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) { return e.Mul(og, e.Op("_digamma", {x})); }},
      {"negative", [](Expr& e, GradEntry og, GradEntry, GradEntry) { return e.Neg(og); }},
      {"abs",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) { return e.Mul(og, e.Op("sign", {x})); }},
      {"sqrt", [](Expr& e, GradEntry og, GradEntry,
                  GradEntry y) { return e.Div(og, e.Scalar("_mul_scalar", y, 2)); }},
      {"rsqrt",
       [](Expr& e, GradEntry og, GradEntry, GradEntry y) {
         return e.Mul(og, e.Scalar("_mul_scalar", e.Scalar("_power_scalar", y, 3), -0.5));
       }},
      {"cbrt",
       [](Expr& e, GradEntry og, GradEntry, GradEntry y) {
         return e.Div(og, e.Scalar("_mul_scalar", e.Op("square", {y}), 3));
       }},
      {"square", [](Expr& e, GradEntry og, GradEntry x,
                    GradEntry) { return e.Mul(og, e.Scalar("_mul_scalar", x, 2)); }},
      {"reciprocal", [](Expr& e, GradEntry og, GradEntry,
                        GradEntry y) { return e.Neg(e.Mul(og, e.Op("square", {y}))); }},
      {"exp", [](Expr& e, GradEntry og, GradEntry, GradEntry y) { return e.Mul(og, y); }},
      {"expm1", [](Expr& e, GradEntry og, GradEntry,
                   GradEntry y) { return e.Mul(og, e.Scalar("_plus_scalar", y, 1)); }},
      {"log", [](Expr& e, GradEntry og, GradEntry x, GradEntry) { return e.Div(og, x); }},
      {"log1p", [](Expr& e, GradEntry og, GradEntry x,
                   GradEntry) { return e.Div(og, e.Scalar("_plus_scalar", x, 1)); }},
      {"log2", [](Expr& e, GradEntry og, GradEntry x,
                  GradEntry) { return e.Div(og, e.Scalar("_mul_scalar", x, std::log(2.0))); }},
      {"log10", [](Expr& e, GradEntry og, GradEntry x,
                   GradEntry) { return e.Div(og, e.Scalar("_mul_scalar", x, std::log(10.0))); }},
      {"sin",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) { return e.Mul(og, e.Op("cos", {x})); }},
      {"cos", [](Expr& e, GradEntry og, GradEntry x,
                 GradEntry) { return e.Neg(e.Mul(og, e.Op("sin", {x}))); }},
      {"tan",
       [](Expr& e, GradEntry og, GradEntry, GradEntry y) {
         return e.Mul(og, e.Scalar("_plus_scalar", e.Op("square", {y}), 1));
       }},
      {"arcsin",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) {
         return e.Mul(og, e.Op("rsqrt", {e.Scalar("_rminus_scalar", e.Op("square", {x}), 1)}));
       }},
      {"arccos",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) {
         return e.Neg(
             e.Mul(og, e.Op("rsqrt", {e.Scalar("_rminus_scalar", e.Op("square", {x}), 1)})));
       }},
      {"arctan",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) {
         return e.Div(og, e.Scalar("_plus_scalar", e.Op("square", {x}), 1));
       }},
      {"sinh",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) { return e.Mul(og, e.Op("cosh", {x})); }},
      {"cosh",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) { return e.Mul(og, e.Op("sinh", {x})); }},
      {"tanh",
       [](Expr& e, GradEntry og, GradEntry, GradEntry y) {
         return e.Mul(og, e.Scalar("_rminus_scalar", e.Op("square", {y}), 1));
       }},
      {"arcsinh",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) {
         return e.Mul(og, e.Op("rsqrt", {e.Scalar("_plus_scalar", e.Op("square", {x}), 1)}));
       }},
      {"arccosh",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) {
         return e.Mul(og, e.Op("rsqrt", {e.Scalar("_minus_scalar", e.Op("square", {x}), 1)}));
       }},
      {"arctanh",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) {
         return e.Div(og, e.Scalar("_rminus_scalar", e.Op("square", {x}), 1));
       }},
      {"sigmoid",
       [](Expr& e, GradEntry og, GradEntry, GradEntry y) {
         return e.Mul(og, e.Mul(y, e.Scalar("_rminus_scalar", y, 1)));
       }},
      {"relu", [](Expr& e, GradEntry og, GradEntry x,
                  GradEntry) { return e.Mul(og, e.Scalar("_greater_scalar", x, 0)); }},
      {"softsign",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) {
         return e.Div(og, e.Op("square", {e.Scalar("_plus_scalar", e.Op("abs", {x}), 1)}));
       }},
      {"erf",
       [](Expr& e, GradEntry og, GradEntry x, GradEntry) {
         GradEntry g = e.Op("exp", {e.Neg(e.Op("square", {x}))});
         return e.Mul(og, e.Scalar("_mul_scalar", g, 2 / std::sqrt(M_PI)));
       }},
      {"degrees", [](Expr& e, GradEntry og, GradEntry,
                     GradEntry) { return e.Scalar("_mul_scalar", og, 57.29577951308232); }},
      {"radians", [](Expr& e, GradEntry og, GradEntry,
                     GradEntry) { return e.Scalar("_mul_scalar", og, 0.017453292519943295); }},
  };
  return m;
}

// Gradients of lhs and rhs before summing back to their shapes.
const std::map<std::string, Binary>& BinaryGrads() {
  static const std::map<std::string, Binary> m = {
      {"plus",
       [](Expr&, GradEntry og, GradEntry, GradEntry, GradEntry) { return std::make_pair(og, og); }},
      {"minus", [](Expr& e, GradEntry og, GradEntry, GradEntry,
                   GradEntry) { return std::make_pair(og, e.Neg(og)); }},
      {"mul", [](Expr& e, GradEntry og, GradEntry a, GradEntry b,
                 GradEntry) { return std::make_pair(e.Mul(og, b), e.Mul(og, a)); }},
      {"div",
       [](Expr& e, GradEntry og, GradEntry, GradEntry b, GradEntry y) {
         return std::make_pair(e.Div(og, b), e.Neg(e.Div(e.Mul(og, y), b)));
       }},
      {"power",
       [](Expr& e, GradEntry og, GradEntry a, GradEntry b, GradEntry y) {
         GradEntry da =
             e.Mul(og, e.Mul(b, e.Op("broadcast_power", {a, e.Scalar("_minus_scalar", b, 1)})));
         GradEntry db = e.Mul(og, e.Mul(y, e.Op("log", {a})));
         return std::make_pair(da, db);
       }},
      {"maximum",
       [](Expr& e, GradEntry og, GradEntry a, GradEntry b, GradEntry) {
         return std::make_pair(e.Mul(og, e.Op("broadcast_greater_equal", {a, b})),
                               e.Mul(og, e.Op("broadcast_lesser", {a, b})));
       }},
      {"minimum",
       [](Expr& e, GradEntry og, GradEntry a, GradEntry b, GradEntry) {
         return std::make_pair(e.Mul(og, e.Op("broadcast_lesser_equal", {a, b})),
                               e.Mul(og, e.Op("broadcast_greater", {a, b})));
       }},
      {"hypot",
       [](Expr& e, GradEntry og, GradEntry a, GradEntry b, GradEntry y) {
         return std::make_pair(e.Mul(og, e.Div(a, y)), e.Mul(og, e.Div(b, y)));
       }},
      {"mod",
       [](Expr& e, GradEntry og, GradEntry a, GradEntry b, GradEntry) {
         return std::make_pair(og, e.Neg(e.Mul(og, e.Op("floor", {e.Div(a, b)}))));
       }},
  };
  return m;
}

const std::map<std::string, std::string>& BinaryFunctor() {
  static const std::map<std::string, std::string> m = {
      {"broadcast_add", "plus"},
      {"elemwise_add", "plus"},
      {"broadcast_sub", "minus"},
      {"elemwise_sub", "minus"},
      {"broadcast_mul", "mul"},
      {"elemwise_mul", "mul"},
      {"broadcast_div", "div"},
      {"elemwise_div", "div"},
      {"broadcast_power", "power"},
      {"_power", "power"},
      {"broadcast_maximum", "maximum"},
      {"_maximum", "maximum"},
      {"broadcast_minimum", "minimum"},
      {"_minimum", "minimum"},
      {"broadcast_hypot", "hypot"},
      {"broadcast_mod", "mod"},
      {"_mod", "mod"},
  };
  return m;
}

double ScalarOf(const OpAttrs& attrs) { return attrs.get<ScalarParam>().scalar; }

const std::map<std::string, std::function<GradEntry(Expr&, const OpAttrs&, GradEntry og,
                                                    GradEntry x, GradEntry y)>>&
ScalarGrads() {
  using F = std::function<GradEntry(Expr&, const OpAttrs&, GradEntry, GradEntry, GradEntry)>;
  static const std::map<std::string, F> m = {
      {"_plus_scalar",
       [](Expr&, const OpAttrs&, GradEntry og, GradEntry, GradEntry) { return og; }},
      {"_minus_scalar",
       [](Expr&, const OpAttrs&, GradEntry og, GradEntry, GradEntry) { return og; }},
      {"_rminus_scalar",
       [](Expr& e, const OpAttrs&, GradEntry og, GradEntry, GradEntry) { return e.Neg(og); }},
      {"_mul_scalar", [](Expr& e, const OpAttrs& a, GradEntry og, GradEntry,
                         GradEntry) { return e.Scalar("_mul_scalar", og, ScalarOf(a)); }},
      {"_div_scalar", [](Expr& e, const OpAttrs& a, GradEntry og, GradEntry,
                         GradEntry) { return e.Scalar("_div_scalar", og, ScalarOf(a)); }},
      {"_rdiv_scalar", [](Expr& e, const OpAttrs&, GradEntry og, GradEntry x,
                          GradEntry y) { return e.Neg(e.Div(e.Mul(og, y), x)); }},
      {"_power_scalar",
       [](Expr& e, const OpAttrs& a, GradEntry og, GradEntry x, GradEntry) {
         double s = ScalarOf(a);
         return e.Mul(og, e.Scalar("_mul_scalar", e.Scalar("_power_scalar", x, s - 1), s));
       }},
      {"_rpower_scalar",
       [](Expr& e, const OpAttrs& a, GradEntry og, GradEntry, GradEntry y) {
         return e.Mul(og, e.Scalar("_mul_scalar", y, std::log(ScalarOf(a))));
       }},
      {"_maximum_scalar",
       [](Expr& e, const OpAttrs& a, GradEntry og, GradEntry x, GradEntry) {
         return e.Mul(og, e.Scalar("_greater_equal_scalar", x, ScalarOf(a)));
       }},
      {"_minimum_scalar",
       [](Expr& e, const OpAttrs& a, GradEntry og, GradEntry x, GradEntry) {
         return e.Mul(og, e.Scalar("_lesser_equal_scalar", x, ScalarOf(a)));
       }},
      {"_hypot_scalar", [](Expr& e, const OpAttrs&, GradEntry og, GradEntry x,
                           GradEntry y) { return e.Mul(og, e.Div(x, y)); }},
      {"_mod_scalar", [](Expr&, const OpAttrs&, GradEntry og, GradEntry, GradEntry) { return og; }},
      {"smooth_l1",
       [](Expr& e, const OpAttrs& a, GradEntry og, GradEntry x, GradEntry) {
         return e.Mul(og, e.Scalar("_smooth_l1_grad", x, ScalarOf(a)));
       }},
      // d/dx (s mod x) = -floor(s / x), as MXNet's rmod_grad
      {"_rmod_scalar",
       [](Expr& e, const OpAttrs& a, GradEntry og, GradEntry x, GradEntry) {
         return e.Neg(e.Mul(og, e.Op("floor", {e.Scalar("_rdiv_scalar", x, ScalarOf(a))})));
       }},
  };
  return m;
}

// Zero almost everywhere: MXNet gives these zero gradients (MakeZeroGradNodes).
const std::set<std::string>& ZeroGradient() {
  static const std::set<std::string> s = {
      "broadcast_equal", "broadcast_not_equal", "broadcast_greater", "broadcast_greater_equal",
      "broadcast_lesser", "broadcast_lesser_equal", "broadcast_logical_and",
      "broadcast_logical_or", "broadcast_logical_xor", "_equal_scalar", "_not_equal_scalar",
      "_greater_scalar", "_greater_equal_scalar", "_lesser_scalar", "_lesser_equal_scalar",
      "_logical_and_scalar", "_logical_or_scalar", "_logical_xor_scalar", "sign", "round",
      "rint", "ceil", "floor", "trunc", "fix", "logical_not", "zeros_like", "ones_like"};
  return s;
}

// Not differentiable here (gradient functions of gradients): using them where a gradient is
// needed is an error.
const std::set<std::string>& NoGradient() {
  static const std::set<std::string> s = {"_digamma", "_smooth_l1_grad"};
  return s;
}

struct Undeclared {
  std::mutex mu;
  std::vector<std::string> names;
};

Undeclared& UndeclaredList() {
  static auto* u = new Undeclared();
  return *u;
}

}  // namespace

std::vector<std::string> UndeclaredElemwiseGradients() {
  std::lock_guard<std::mutex> lock(UndeclaredList().mu);
  return UndeclaredList().names;
}

FGradient ElemwiseGradient(const std::string& op) {
  if (UnaryGrads().count(op)) {
    return [op](const OpAttrs&, GradContext* ctx) {
      Expr e{ctx};
      return std::vector<GradEntry>{
          UnaryGrads().at(op)(e, ctx->OutGrad(0), ctx->Input(0), ctx->Output(0))};
    };
  }
  if (ScalarGrads().count(op)) {
    return [op](const OpAttrs& attrs, GradContext* ctx) {
      Expr e{ctx};
      return std::vector<GradEntry>{
          ScalarGrads().at(op)(e, attrs, ctx->OutGrad(0), ctx->Input(0), ctx->Output(0))};
    };
  }
  auto it = BinaryFunctor().find(op);
  if (it != BinaryFunctor().end()) {
    std::string f = it->second;
    bool broadcast = op.rfind("broadcast_", 0) == 0;
    return [f, broadcast](const OpAttrs&, GradContext* ctx) {
      Expr e{ctx};
      GradEntry a = ctx->Input(0), b = ctx->Input(1);
      auto g = BinaryGrads().at(f)(e, ctx->OutGrad(0), a, b, ctx->Output(0));
      if (broadcast) return std::vector<GradEntry>{e.SumTo(g.first, a), e.SumTo(g.second, b)};
      return std::vector<GradEntry>{g.first, g.second};
    };
  }
  if (ZeroGradient().count(op)) {
    return [](const OpAttrs& attrs, GradContext*) {
      return std::vector<GradEntry>(attrs.op->num_inputs(attrs), GradEntry());
    };
  }
  if (!NoGradient().count(op)) {
    std::lock_guard<std::mutex> lock(UndeclaredList().mu);
    UndeclaredList().names.push_back(op);
  }
  return nullptr;
}

}  // namespace mx
