#include "core/symbol/sym_api.h"

#include "core/symbol/name_manager.h"

namespace mx {
namespace sym {

Symbol Variable(const std::string& name, const VariableAttrs& attrs) {
  return Symbol::Variable(name, attrs);
}

Symbol Op(const std::string& op, const std::vector<Symbol>& inputs, const Params& params,
          const std::string& name) {
  return Symbol::CreateOp(op, inputs, ToParamMap(params), name);
}

Symbol Op(const std::string& op, const NamedInputs& inputs, const Params& params,
          const std::string& name) {
  return Symbol::CreateOp(op, {}, ToParamMap(params), name, inputs);
}

#define MX_SYM_DEFINE(op)                                                       \
  Symbol op(const Symbol& data, const Params& params, const std::string& node) { \
    return Symbol::CreateOp(#op, {data}, ToParamMap(params), node);              \
  }
MX_SYM_DATA_OPS(MX_SYM_DEFINE)
#undef MX_SYM_DEFINE

Symbol Concat(const std::vector<Symbol>& inputs, const Params& params, const std::string& name) {
  return Symbol::CreateOp("Concat", inputs, ToParamMap(params), name);
}

Symbol dot(const Symbol& lhs, const Symbol& rhs, const Params& params, const std::string& name) {
  return Symbol::CreateOp("dot", {lhs, rhs}, ToParamMap(params), name);
}

}  // namespace sym

namespace {

// `op` named with MXNet's front-end hint (the Python function name, lowercased).
Symbol Binary(const char* op, const char* hint, const Symbol& a, const Symbol& b) {
  return Symbol::CreateOp(op, {a, b}, {}, NameManager::Get("", hint));
}

Symbol Scalar(const char* op, const char* hint, const Symbol& a, double s) {
  return Symbol::CreateOp(op, {a}, {{"scalar", ParamValue(s).str()}}, NameManager::Get("", hint));
}

}  // namespace

Symbol operator+(const Symbol& a, const Symbol& b) { return Binary("elemwise_add", "_plus", a, b); }
Symbol operator-(const Symbol& a, const Symbol& b) {
  return Binary("elemwise_sub", "_minus", a, b);
}
Symbol operator*(const Symbol& a, const Symbol& b) { return Binary("elemwise_mul", "_mul", a, b); }
Symbol operator/(const Symbol& a, const Symbol& b) { return Binary("elemwise_div", "_div", a, b); }
Symbol operator+(const Symbol& a, double s) { return Scalar("_plus_scalar", "_plusscalar", a, s); }
Symbol operator-(const Symbol& a, double s) {
  return Scalar("_minus_scalar", "_minusscalar", a, s);
}
Symbol operator*(const Symbol& a, double s) { return Scalar("_mul_scalar", "_mulscalar", a, s); }
Symbol operator/(const Symbol& a, double s) { return Scalar("_div_scalar", "_divscalar", a, s); }
Symbol operator+(double s, const Symbol& a) { return a + s; }
Symbol operator-(double s, const Symbol& a) {
  return Scalar("_rminus_scalar", "_rminusscalar", a, s);
}
Symbol operator*(double s, const Symbol& a) { return a * s; }
Symbol operator/(double s, const Symbol& a) {
  return Scalar("_rdiv_scalar", "_rdivscalar", a, s);
}
Symbol operator-(const Symbol& a) { return Scalar("_mul_scalar", "_mulscalar", a, -1.0); }

}  // namespace mx
