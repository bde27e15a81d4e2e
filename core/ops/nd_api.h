// The imperative operator API (mx::nd): every registered operator callable on NDArrays, plus
// numpy-style arithmetic operators. Each call is pushed to the engine and returns at once; see
// core/op/imperative.h for the checks made before pushing (contexts, shapes, dtypes).
// Parameters are named, in any order: mx::nd::sum(a, {{"axis", 1}, {"keepdims", true}}).
#ifndef TESSERA_CORE_OPS_ND_API_H_
#define TESSERA_CORE_OPS_ND_API_H_

#include <string>
#include <vector>

#include "core/ndarray/init.h"
#include "core/ndarray/ndarray.h"
#include "core/op/imperative.h"
#include "core/op/params.h"

namespace mx {
namespace nd {

// Any operator by its MXNet name; returns all outputs.
std::vector<NDArray> Op(const std::string& name, const std::vector<NDArray>& inputs,
                        const Params& params = {});
// The same, for operators with one output.
NDArray Op1(const std::string& name, const std::vector<NDArray>& inputs,
            const Params& params = {});

#define MX_ND_UNARY(name) NDArray name(const NDArray& data, const Params& params = {});
#define MX_ND_BINARY(name) \
  NDArray name(const NDArray& lhs, const NDArray& rhs, const Params& params = {});
// Element-wise math.
MX_ND_UNARY(negative)
MX_ND_UNARY(abs)
MX_ND_UNARY(sign)
MX_ND_UNARY(round)
MX_ND_UNARY(rint)
MX_ND_UNARY(ceil)
MX_ND_UNARY(floor)
MX_ND_UNARY(trunc)
MX_ND_UNARY(fix)
MX_ND_UNARY(sqrt)
MX_ND_UNARY(rsqrt)
MX_ND_UNARY(cbrt)
MX_ND_UNARY(square)
MX_ND_UNARY(reciprocal)
MX_ND_UNARY(exp)
MX_ND_UNARY(expm1)
MX_ND_UNARY(log)
MX_ND_UNARY(log1p)
MX_ND_UNARY(log2)
MX_ND_UNARY(log10)
MX_ND_UNARY(sin)
MX_ND_UNARY(cos)
MX_ND_UNARY(tan)
MX_ND_UNARY(arcsin)
MX_ND_UNARY(arccos)
MX_ND_UNARY(arctan)
MX_ND_UNARY(sinh)
MX_ND_UNARY(cosh)
MX_ND_UNARY(tanh)
MX_ND_UNARY(sigmoid)
MX_ND_UNARY(relu)
MX_ND_UNARY(softsign)
MX_ND_UNARY(erf)
MX_ND_UNARY(logical_not)
// Reductions (params: axis, keepdims, exclude; norm: ord; argmax/argmin: axis, keepdims).
MX_ND_UNARY(sum)
MX_ND_UNARY(mean)
MX_ND_UNARY(prod)
MX_ND_UNARY(max)
MX_ND_UNARY(min)
MX_ND_UNARY(norm)
MX_ND_UNARY(argmax)
MX_ND_UNARY(argmin)
// Layout (params as in MXNet).
MX_ND_UNARY(Reshape)
MX_ND_UNARY(Flatten)
MX_ND_UNARY(transpose)
MX_ND_UNARY(expand_dims)
MX_ND_UNARY(squeeze)
MX_ND_UNARY(slice_axis)
MX_ND_UNARY(one_hot)
MX_ND_UNARY(Cast)
// Binary with broadcasting.
MX_ND_BINARY(broadcast_add)
MX_ND_BINARY(broadcast_sub)
MX_ND_BINARY(broadcast_mul)
MX_ND_BINARY(broadcast_div)
MX_ND_BINARY(broadcast_mod)
MX_ND_BINARY(broadcast_power)
MX_ND_BINARY(broadcast_maximum)
MX_ND_BINARY(broadcast_minimum)
MX_ND_BINARY(broadcast_equal)
MX_ND_BINARY(broadcast_not_equal)
MX_ND_BINARY(broadcast_greater)
MX_ND_BINARY(broadcast_greater_equal)
MX_ND_BINARY(broadcast_lesser)
MX_ND_BINARY(broadcast_lesser_equal)
MX_ND_BINARY(take)
MX_ND_BINARY(dot)
MX_ND_BINARY(batch_dot)
#undef MX_ND_UNARY
#undef MX_ND_BINARY

NDArray maximum(const NDArray& lhs, const NDArray& rhs);
NDArray minimum(const NDArray& lhs, const NDArray& rhs);
NDArray power(const NDArray& base, const NDArray& exp);
NDArray clip(const NDArray& data, double a_min, double a_max);
NDArray where(const NDArray& condition, const NDArray& x, const NDArray& y);
NDArray concat(const std::vector<NDArray>& arrays, int dim = 1);
NDArray stack(const std::vector<NDArray>& arrays, int axis = 0);
std::vector<NDArray> split(const NDArray& data, int num_outputs, int axis = 1,
                           bool squeeze_axis = false);

}  // namespace nd

// numpy-style operators: array-array operands broadcast (broadcast_*), scalars use _*_scalar.
NDArray operator+(const NDArray& a, const NDArray& b);
NDArray operator-(const NDArray& a, const NDArray& b);
NDArray operator*(const NDArray& a, const NDArray& b);
NDArray operator/(const NDArray& a, const NDArray& b);
NDArray operator%(const NDArray& a, const NDArray& b);
NDArray operator+(const NDArray& a, double s);
NDArray operator-(const NDArray& a, double s);
NDArray operator*(const NDArray& a, double s);
NDArray operator/(const NDArray& a, double s);
NDArray operator%(const NDArray& a, double s);
NDArray operator+(double s, const NDArray& a);
NDArray operator-(double s, const NDArray& a);
NDArray operator*(double s, const NDArray& a);
NDArray operator/(double s, const NDArray& a);
NDArray operator%(double s, const NDArray& a);
NDArray operator-(const NDArray& a);
NDArray operator==(const NDArray& a, const NDArray& b);
NDArray operator!=(const NDArray& a, const NDArray& b);
NDArray operator>(const NDArray& a, const NDArray& b);
NDArray operator>=(const NDArray& a, const NDArray& b);
NDArray operator<(const NDArray& a, const NDArray& b);
NDArray operator<=(const NDArray& a, const NDArray& b);
NDArray operator==(const NDArray& a, double s);
NDArray operator!=(const NDArray& a, double s);
NDArray operator>(const NDArray& a, double s);
NDArray operator>=(const NDArray& a, double s);
NDArray operator<(const NDArray& a, double s);
NDArray operator<=(const NDArray& a, double s);
// In place (the result is written into a's memory; b must broadcast to a's shape).
NDArray& operator+=(NDArray& a, const NDArray& b);
NDArray& operator-=(NDArray& a, const NDArray& b);
NDArray& operator*=(NDArray& a, const NDArray& b);
NDArray& operator/=(NDArray& a, const NDArray& b);
NDArray& operator+=(NDArray& a, double s);
NDArray& operator-=(NDArray& a, double s);
NDArray& operator*=(NDArray& a, double s);
NDArray& operator/=(NDArray& a, double s);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_ND_API_H_
