#include "core/ops/nd_api.h"

namespace mx {
namespace nd {

std::vector<NDArray> Op(const std::string& name, const std::vector<NDArray>& inputs,
                        const Params& params) {
  return Invoke(name, inputs, ToParamMap(params));
}

NDArray Op1(const std::string& name, const std::vector<NDArray>& inputs, const Params& params) {
  return Invoke(name, inputs, ToParamMap(params)).at(0);
}

#define MX_ND_DEFINE_UNARY(name) \
  NDArray name(const NDArray& data, const Params& params) { return Op1(#name, {data}, params); }
#define MX_ND_DEFINE_BINARY(name)                                              \
  NDArray name(const NDArray& lhs, const NDArray& rhs, const Params& params) { \
    return Op1(#name, {lhs, rhs}, params);                                     \
  }
MX_ND_UNARY_OPS(MX_ND_DEFINE_UNARY)
MX_ND_BINARY_OPS(MX_ND_DEFINE_BINARY)
#undef MX_ND_DEFINE_UNARY
#undef MX_ND_DEFINE_BINARY

NDArray maximum(const NDArray& lhs, const NDArray& rhs) { return broadcast_maximum(lhs, rhs); }
NDArray minimum(const NDArray& lhs, const NDArray& rhs) { return broadcast_minimum(lhs, rhs); }
NDArray power(const NDArray& base, const NDArray& exp) { return broadcast_power(base, exp); }

NDArray clip(const NDArray& data, double a_min, double a_max) {
  return Op1("clip", {data}, {{"a_min", a_min}, {"a_max", a_max}});
}

NDArray where(const NDArray& condition, const NDArray& x, const NDArray& y) {
  return Op1("where", {condition, x, y});
}

NDArray concat(const std::vector<NDArray>& arrays, int dim) {
  return Op1("Concat", arrays, {{"num_args", static_cast<int>(arrays.size())}, {"dim", dim}});
}

NDArray stack(const std::vector<NDArray>& arrays, int axis) {
  return Op1("stack", arrays, {{"num_args", static_cast<int>(arrays.size())}, {"axis", axis}});
}

std::vector<NDArray> split(const NDArray& data, int num_outputs, int axis, bool squeeze_axis) {
  return Op("SliceChannel", {data},
            {{"num_outputs", num_outputs}, {"axis", axis}, {"squeeze_axis", squeeze_axis}});
}

NDArray SumOn(const std::vector<NDArray>& values, Context where) {
  NDArray sum = values[0].CopyTo(where);
  for (size_t i = 1; i < values.size(); ++i) sum += values[i].AsInContext(where);
  return sum;
}

}  // namespace nd

namespace {

NDArray Scalar(const char* op, const NDArray& a, double s) {
  return nd::Op1(op, {a}, {{"scalar", s}});
}

// Writes op(a, b) into a's own memory.
void InPlace(const char* op, NDArray& a, const std::vector<NDArray>& inputs,
             const Params& params = {}) {
  InvokeOptions opts;
  opts.out = {a};
  Invoke(op, inputs, ToParamMap(params), opts);
}

}  // namespace

NDArray operator+(const NDArray& a, const NDArray& b) { return nd::broadcast_add(a, b); }
NDArray operator-(const NDArray& a, const NDArray& b) { return nd::broadcast_sub(a, b); }
NDArray operator*(const NDArray& a, const NDArray& b) { return nd::broadcast_mul(a, b); }
NDArray operator/(const NDArray& a, const NDArray& b) { return nd::broadcast_div(a, b); }
NDArray operator%(const NDArray& a, const NDArray& b) { return nd::broadcast_mod(a, b); }
NDArray operator+(const NDArray& a, double s) { return Scalar("_plus_scalar", a, s); }
NDArray operator-(const NDArray& a, double s) { return Scalar("_minus_scalar", a, s); }
NDArray operator*(const NDArray& a, double s) { return Scalar("_mul_scalar", a, s); }
NDArray operator/(const NDArray& a, double s) { return Scalar("_div_scalar", a, s); }
NDArray operator%(const NDArray& a, double s) { return Scalar("_mod_scalar", a, s); }
NDArray operator+(double s, const NDArray& a) { return Scalar("_plus_scalar", a, s); }
NDArray operator-(double s, const NDArray& a) { return Scalar("_rminus_scalar", a, s); }
NDArray operator*(double s, const NDArray& a) { return Scalar("_mul_scalar", a, s); }
NDArray operator/(double s, const NDArray& a) { return Scalar("_rdiv_scalar", a, s); }
NDArray operator%(double s, const NDArray& a) { return Scalar("_rmod_scalar", a, s); }
NDArray operator-(const NDArray& a) { return nd::negative(a); }
NDArray operator==(const NDArray& a, const NDArray& b) { return nd::broadcast_equal(a, b); }
NDArray operator!=(const NDArray& a, const NDArray& b) { return nd::broadcast_not_equal(a, b); }
NDArray operator>(const NDArray& a, const NDArray& b) { return nd::broadcast_greater(a, b); }
NDArray operator>=(const NDArray& a, const NDArray& b) { return nd::broadcast_greater_equal(a, b); }
NDArray operator<(const NDArray& a, const NDArray& b) { return nd::broadcast_lesser(a, b); }
NDArray operator<=(const NDArray& a, const NDArray& b) { return nd::broadcast_lesser_equal(a, b); }
NDArray operator==(const NDArray& a, double s) { return Scalar("_equal_scalar", a, s); }
NDArray operator!=(const NDArray& a, double s) { return Scalar("_not_equal_scalar", a, s); }
NDArray operator>(const NDArray& a, double s) { return Scalar("_greater_scalar", a, s); }
NDArray operator>=(const NDArray& a, double s) { return Scalar("_greater_equal_scalar", a, s); }
NDArray operator<(const NDArray& a, double s) { return Scalar("_lesser_scalar", a, s); }
NDArray operator<=(const NDArray& a, double s) { return Scalar("_lesser_equal_scalar", a, s); }

NDArray& operator+=(NDArray& a, const NDArray& b) {
  InPlace("broadcast_add", a, {a, b});
  return a;
}
NDArray& operator-=(NDArray& a, const NDArray& b) {
  InPlace("broadcast_sub", a, {a, b});
  return a;
}
NDArray& operator*=(NDArray& a, const NDArray& b) {
  InPlace("broadcast_mul", a, {a, b});
  return a;
}
NDArray& operator/=(NDArray& a, const NDArray& b) {
  InPlace("broadcast_div", a, {a, b});
  return a;
}
NDArray& operator+=(NDArray& a, double s) {
  InPlace("_plus_scalar", a, {a}, {{"scalar", s}});
  return a;
}
NDArray& operator-=(NDArray& a, double s) {
  InPlace("_minus_scalar", a, {a}, {{"scalar", s}});
  return a;
}
NDArray& operator*=(NDArray& a, double s) {
  InPlace("_mul_scalar", a, {a}, {{"scalar", s}});
  return a;
}
NDArray& operator/=(NDArray& a, double s) {
  InPlace("_div_scalar", a, {a}, {{"scalar", s}});
  return a;
}

}  // namespace mx
