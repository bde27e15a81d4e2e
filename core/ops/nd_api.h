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
NDArray Op1(const std::string& name, const std::vector<NDArray>& inputs, const Params& params = {});

// One-input operators: element-wise math, reductions (axis, keepdims, exclude; norm: ord;
// argmax/argmin: axis, keepdims) and layout (parameters as in MXNet).
#define MX_ND_UNARY_OPS(X) \
  X(negative)              \
  X(abs)                   \
  X(sign)                  \
  X(round)                 \
  X(rint)                  \
  X(ceil)                  \
  X(floor)                 \
  X(trunc)                 \
  X(fix)                   \
  X(sqrt)                  \
  X(rsqrt)                 \
  X(cbrt)                  \
  X(square)                \
  X(reciprocal)            \
  X(exp)                   \
  X(expm1)                 \
  X(log)                   \
  X(log1p)                 \
  X(log2)                  \
  X(log10)                 \
  X(sin)                   \
  X(cos)                   \
  X(tan)                   \
  X(arcsin)                \
  X(arccos)                \
  X(arctan)                \
  X(sinh)                  \
  X(cosh)                  \
  X(tanh)                  \
  X(sigmoid)               \
  X(relu)                  \
  X(softsign)              \
  X(erf)                   \
  X(logical_not)           \
  X(sum)                   \
  X(mean)                  \
  X(prod)                  \
  X(max)                   \
  X(min)                   \
  X(norm)                  \
  X(argmax)                \
  X(argmin)                \
  X(Reshape)               \
  X(Flatten)               \
  X(transpose)             \
  X(expand_dims)           \
  X(squeeze)               \
  X(slice_axis)            \
  X(one_hot)               \
  X(Cast)

// Two-input operators (broadcast_* follow numpy broadcasting).
#define MX_ND_BINARY_OPS(X)  \
  X(broadcast_add)           \
  X(broadcast_sub)           \
  X(broadcast_mul)           \
  X(broadcast_div)           \
  X(broadcast_mod)           \
  X(broadcast_power)         \
  X(broadcast_maximum)       \
  X(broadcast_minimum)       \
  X(broadcast_equal)         \
  X(broadcast_not_equal)     \
  X(broadcast_greater)       \
  X(broadcast_greater_equal) \
  X(broadcast_lesser)        \
  X(broadcast_lesser_equal)  \
  X(take)                    \
  X(dot)                     \
  X(batch_dot)

#define MX_ND_DECLARE_UNARY(name) NDArray name(const NDArray& data, const Params& params = {});
#define MX_ND_DECLARE_BINARY(name) \
  NDArray name(const NDArray& lhs, const NDArray& rhs, const Params& params = {});
MX_ND_UNARY_OPS(MX_ND_DECLARE_UNARY)
MX_ND_BINARY_OPS(MX_ND_DECLARE_BINARY)
#undef MX_ND_DECLARE_UNARY
#undef MX_ND_DECLARE_BINARY

NDArray maximum(const NDArray& lhs, const NDArray& rhs);
NDArray minimum(const NDArray& lhs, const NDArray& rhs);
NDArray power(const NDArray& base, const NDArray& exp);
NDArray clip(const NDArray& data, double a_min, double a_max);
NDArray where(const NDArray& condition, const NDArray& x, const NDArray& y);
NDArray concat(const std::vector<NDArray>& arrays, int dim = 1);
NDArray stack(const std::vector<NDArray>& arrays, int axis = 0);
std::vector<NDArray> split(const NDArray& data, int num_outputs, int axis = 1,
                           bool squeeze_axis = false);

// A new array on `where` holding the element-wise sum of `values` (at least one, same shape):
// the first copied to `where`, then each other added there in order (copied first when it
// lives elsewhere). The KVStores' reduce by device copies.
NDArray SumOn(const std::vector<NDArray>& values, Context where);

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
