// The element-wise operator families: (MXNet name, functor, description). Each list is expanded
// once in the family's .cc (registration with the CPU kernel) and once in its .cu (GPU kernel),
// so the two can never disagree.
#ifndef TESSERA_CORE_OPS_ELEMWISE_OP_LISTS_H_
#define TESSERA_CORE_OPS_ELEMWISE_OP_LISTS_H_

// Binary with numpy broadcasting; `same_shape_name` is the elemwise_* twin where MXNet has one.
#define MX_BROADCAST_BINARY_OPS(X)                                           \
  X(broadcast_add, plus, "lhs + rhs")                                        \
  X(broadcast_sub, minus, "lhs - rhs")                                       \
  X(broadcast_mul, mul, "lhs * rhs")                                         \
  X(broadcast_div, div, "lhs / rhs")                                         \
  X(broadcast_mod, mod, "lhs mod rhs (the result takes rhs's sign)")         \
  X(broadcast_power, power, "lhs ** rhs")                                    \
  X(broadcast_maximum, maximum, "max(lhs, rhs)")                             \
  X(broadcast_minimum, minimum, "min(lhs, rhs)")                             \
  X(broadcast_hypot, hypot, "sqrt(lhs^2 + rhs^2)")                           \
  X(broadcast_equal, equal, "1 where lhs == rhs, else 0")                    \
  X(broadcast_not_equal, not_equal, "1 where lhs != rhs, else 0")            \
  X(broadcast_greater, greater, "1 where lhs > rhs, else 0")                 \
  X(broadcast_greater_equal, greater_equal, "1 where lhs >= rhs, else 0")    \
  X(broadcast_lesser, less, "1 where lhs < rhs, else 0")                     \
  X(broadcast_lesser_equal, less_equal, "1 where lhs <= rhs, else 0")        \
  X(broadcast_logical_and, logical_and, "1 where both are non-zero, else 0") \
  X(broadcast_logical_or, logical_or, "1 where either is non-zero, else 0")  \
  X(broadcast_logical_xor, logical_xor, "1 where exactly one is non-zero, else 0")

// Binary on equal shapes.
#define MX_ELEMWISE_BINARY_OPS(X)       \
  X(elemwise_add, plus, "lhs + rhs")    \
  X(elemwise_sub, minus, "lhs - rhs")   \
  X(elemwise_mul, mul, "lhs * rhs")     \
  X(elemwise_div, div, "lhs / rhs")     \
  X(_maximum, maximum, "max(lhs, rhs)") \
  X(_minimum, minimum, "min(lhs, rhs)") \
  X(_power, power, "lhs ** rhs")        \
  X(_mod, mod, "lhs mod rhs")

// Array op scalar; the mop::reverse ones put the scalar on the left.
#define MX_SCALAR_OPS(X)                                                    \
  X(_plus_scalar, plus, "data + scalar")                                    \
  X(_minus_scalar, minus, "data - scalar")                                  \
  X(_rminus_scalar, reverse<mop::minus>, "scalar - data")                   \
  X(_mul_scalar, mul, "data * scalar")                                      \
  X(_div_scalar, div, "data / scalar")                                      \
  X(_rdiv_scalar, reverse<mop::div>, "scalar / data")                       \
  X(_mod_scalar, mod, "data mod scalar")                                    \
  X(_rmod_scalar, reverse<mop::mod>, "scalar mod data")                     \
  X(_power_scalar, power, "data ** scalar")                                 \
  X(_rpower_scalar, reverse<mop::power>, "scalar ** data")                  \
  X(_maximum_scalar, maximum, "max(data, scalar)")                          \
  X(_minimum_scalar, minimum, "min(data, scalar)")                          \
  X(_hypot_scalar, hypot, "sqrt(data^2 + scalar^2)")                        \
  X(_equal_scalar, equal, "1 where data == scalar, else 0")                 \
  X(_not_equal_scalar, not_equal, "1 where data != scalar, else 0")         \
  X(_greater_scalar, greater, "1 where data > scalar, else 0")              \
  X(_greater_equal_scalar, greater_equal, "1 where data >= scalar, else 0") \
  X(_lesser_scalar, less, "1 where data < scalar, else 0")                  \
  X(_lesser_equal_scalar, less_equal, "1 where data <= scalar, else 0")     \
  X(_logical_and_scalar, logical_and, "data and scalar")                    \
  X(_logical_or_scalar, logical_or, "data or scalar")                       \
  X(_logical_xor_scalar, logical_xor, "data xor scalar")                    \
  X(smooth_l1, smooth_l1, "smooth L1 loss with sigma = scalar (Fast R-CNN)") \
  X(_smooth_l1_grad, smooth_l1_grad, "the derivative of smooth_l1 at data")

#define MX_UNARY_OPS(X)                                     \
  X(_copy, identity, "a copy of data")                      \
  X(negative, negative, "-data")                            \
  X(abs, abs, "|data|")                                     \
  X(sign, sign, "-1, 0 or 1 by the sign of data")           \
  X(round, round, "round half away from zero")              \
  X(rint, rint, "round half to even")                       \
  X(ceil, ceil, "ceiling")                                  \
  X(floor, floor, "floor")                                  \
  X(trunc, trunc, "round toward zero")                      \
  X(fix, trunc, "round toward zero")                        \
  X(sqrt, sqrt, "square root")                              \
  X(rsqrt, rsqrt, "1 / sqrt(data)")                         \
  X(cbrt, cbrt, "cube root")                                \
  X(square, square, "data * data")                          \
  X(reciprocal, reciprocal, "1 / data")                     \
  X(exp, exp, "e ** data")                                  \
  X(expm1, expm1, "e ** data - 1")                          \
  X(log, log, "natural logarithm")                          \
  X(log1p, log1p, "log(1 + data)")                          \
  X(log2, log2, "base-2 logarithm")                         \
  X(log10, log10, "base-10 logarithm")                      \
  X(sin, sin, "sine")                                       \
  X(cos, cos, "cosine")                                     \
  X(tan, tan, "tangent")                                    \
  X(arcsin, arcsin, "inverse sine")                         \
  X(arccos, arccos, "inverse cosine")                       \
  X(arctan, arctan, "inverse tangent")                      \
  X(sinh, sinh, "hyperbolic sine")                          \
  X(cosh, cosh, "hyperbolic cosine")                        \
  X(tanh, tanh, "hyperbolic tangent")                       \
  X(arcsinh, arcsinh, "inverse hyperbolic sine")            \
  X(arccosh, arccosh, "inverse hyperbolic cosine")          \
  X(arctanh, arctanh, "inverse hyperbolic tangent")         \
  X(sigmoid, sigmoid, "1 / (1 + exp(-data))")               \
  X(relu, relu, "max(data, 0)")                             \
  X(softsign, softsign, "data / (1 + |data|)")              \
  X(erf, erf, "the error function")                         \
  X(gamma, gamma, "the gamma function")                     \
  X(gammaln, gammaln, "log of the absolute gamma function") \
  X(_digamma, digamma, "the digamma function (gamma's gradient)") \
  X(degrees, degrees, "radians to degrees")                 \
  X(radians, radians, "degrees to radians")                 \
  X(logical_not, logical_not, "1 where data == 0, else 0")  \
  X(zeros_like, zero, "zeros of data's shape and dtype")    \
  X(ones_like, one, "ones of data's shape and dtype")

#endif  // TESSERA_CORE_OPS_ELEMWISE_OP_LISTS_H_
