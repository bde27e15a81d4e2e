// Scalar math shared by CPU and GPU kernels (MXNet's mshadow_op). Each functor has
// `MX_XINLINE static T Map(T a[, T b])`. Integer and 16-bit inputs are computed in a wider
// type (MathType) and converted back. Semantics follow MXNet: mod takes the divisor's sign
// (Python's %), round goes half away from zero, comparisons return 1 or 0 in the input dtype.
#ifndef TESSERA_CORE_OPS_ELEMWISE_MATH_FUNCTORS_H_
#define TESSERA_CORE_OPS_ELEMWISE_MATH_FUNCTORS_H_

#include <math.h>

#include <cstdint>
#include <type_traits>

#include "core/base/convert.h"
#include "core/base/half.h"

namespace mx {
namespace mop {

template <typename T>
struct MathType {
  using type = float;
};
template <>
struct MathType<double> {
  using type = double;
};
template <>
struct MathType<int64_t> {
  using type = double;
};
template <>
struct MathType<int32_t> {
  using type = double;
};

template <typename T>
using M = typename MathType<T>::type;

template <typename T>
MX_XINLINE M<T> ToM(T a) {
  return ConvertValue<M<T>>(a);
}
template <typename T, typename V>
MX_XINLINE T FromM(V v) {
  return ConvertValue<T>(v);
}

namespace math {
#define MX_MATH_FN(name, ffn, dfn)                    \
  MX_XINLINE float name(float x) { return ::ffn(x); } \
  MX_XINLINE double name(double x) { return ::dfn(x); }
MX_MATH_FN(exp, expf, exp)
MX_MATH_FN(expm1, expm1f, expm1)
MX_MATH_FN(log, logf, log)
MX_MATH_FN(log1p, log1pf, log1p)
MX_MATH_FN(log2, log2f, log2)
MX_MATH_FN(log10, log10f, log10)
MX_MATH_FN(sqrt, sqrtf, sqrt)
MX_MATH_FN(cbrt, cbrtf, cbrt)
MX_MATH_FN(sin, sinf, sin)
MX_MATH_FN(cos, cosf, cos)
MX_MATH_FN(tan, tanf, tan)
MX_MATH_FN(asin, asinf, asin)
MX_MATH_FN(acos, acosf, acos)
MX_MATH_FN(atan, atanf, atan)
MX_MATH_FN(sinh, sinhf, sinh)
MX_MATH_FN(cosh, coshf, cosh)
MX_XINLINE double tanh(double x) { return ::tanh(x); }
#if defined(__CUDA_ARCH__)
MX_XINLINE float tanh(float x) { return ::tanhf(x); }
#else
// float tanh on the CPU without a libm call per element (glibc's tanhf dominated tanh layers):
// |x| < 0.625: Cephes' tanhf polynomial x + x^3 P(x^2); otherwise (1 - e) / (1 + e) with
// e = exp(-2|x|) from Cephes' expf polynomial and an exponent built in the bits. At most 2 ulp
// from the correctly rounded tanh (every 7th positive float and its negation checked). Every
// choice is a bitwise select of values computed for every input, so the compiler can
// vectorize the loops that call it (a ?: here becomes a branch it will not if-convert, since
// the division might trap under -ftrapping-math).
MX_XINLINE float SelectBits(bool c, float a, float b) {
  uint32_t ia, ib, m = 0u - static_cast<uint32_t>(c);
  __builtin_memcpy(&ia, &a, sizeof(ia));
  __builtin_memcpy(&ib, &b, sizeof(ib));
  uint32_t r = (ia & m) | (ib & ~m);
  float f;
  __builtin_memcpy(&f, &r, sizeof(f));
  return f;
}
MX_XINLINE float tanh(float x) {
  float ax = __builtin_fabsf(x);
  float x2 = x * x;
  float q = -5.70498872745e-3f;
  q = q * x2 + 2.06390887954e-2f;
  q = q * x2 - 5.37397155531e-2f;
  q = q * x2 + 1.33314422036e-1f;
  q = q * x2 - 3.33332819422e-1f;
  float small = q * x2 * x + x;
  float t = -2.0f * SelectBits(ax < 9.0f, ax, 9.0f);  // tanh(9) rounds to 1 in float
  float n = static_cast<float>(static_cast<int>(t * 1.44269504088896341f - 0.5f));
  float r = t - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float e = p * r * r + r + 1.0f;
  int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  __builtin_memcpy(&scale, &bits, sizeof(scale));
  e *= scale;
  float big = __builtin_copysignf((1.0f - e) / (1.0f + e), x);
  big = SelectBits(ax == ax, big, x);  // NaN stays NaN
  return SelectBits(ax < 0.625f, small, big);
}
#endif
MX_MATH_FN(asinh, asinhf, asinh)
MX_MATH_FN(acosh, acoshf, acosh)
MX_MATH_FN(atanh, atanhf, atanh)
MX_MATH_FN(round, roundf, round)
MX_MATH_FN(rint, rintf, rint)
MX_MATH_FN(ceil, ceilf, ceil)
MX_MATH_FN(floor, floorf, floor)
MX_MATH_FN(trunc, truncf, trunc)
MX_MATH_FN(fabs, fabsf, fabs)
MX_MATH_FN(erf, erff, erf)
MX_MATH_FN(tgamma, tgammaf, tgamma)
MX_MATH_FN(lgamma, lgammaf, lgamma)
#undef MX_MATH_FN
MX_XINLINE float pow(float a, float b) { return ::powf(a, b); }
MX_XINLINE double pow(double a, double b) { return ::pow(a, b); }
MX_XINLINE float fmod(float a, float b) { return ::fmodf(a, b); }
MX_XINLINE double fmod(double a, double b) { return ::fmod(a, b); }
// psi(x) = d/dx log|gamma(x)|: reflection below 0, recurrence up to 10, then the asymptotic
// series (error below 1e-14 there); NaN at the poles 0, -1, -2, ...
MX_XINLINE double digamma(double x) {
  const double kPi = 3.14159265358979323846;
  double r = 0;
  if (x <= 0) {
    if (::floor(x) == x) return ::nan("");
    r = -kPi / ::tan(kPi * x);
    x = 1 - x;
  }
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  double f = 1 / (x * x);
  return r + ::log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}
MX_XINLINE float hypot(float a, float b) { return ::hypotf(a, b); }
MX_XINLINE double hypot(double a, double b) { return ::hypot(a, b); }
}  // namespace math

// ---- unary ----
#define MX_UNARY_MATH(name, expr)     \
  struct name {                       \
    template <typename T>             \
    MX_XINLINE static T Map(T a_in) { \
      M<T> a = ToM(a_in);             \
      return FromM<T>(expr);          \
    }                                 \
  };
MX_UNARY_MATH(identity, a)
MX_UNARY_MATH(negative, -a)
MX_UNARY_MATH(abs, math::fabs(a))
MX_UNARY_MATH(sign, a > 0 ? M<T>(1) : (a < 0 ? M<T>(-1) : M<T>(0)))
MX_UNARY_MATH(round, math::round(a))
MX_UNARY_MATH(rint, math::rint(a))
MX_UNARY_MATH(ceil, math::ceil(a))
MX_UNARY_MATH(floor, math::floor(a))
MX_UNARY_MATH(trunc, math::trunc(a))
MX_UNARY_MATH(sqrt, math::sqrt(a))
MX_UNARY_MATH(rsqrt, M<T>(1) / math::sqrt(a))
MX_UNARY_MATH(cbrt, math::cbrt(a))
MX_UNARY_MATH(square, a* a)
MX_UNARY_MATH(reciprocal, M<T>(1) / a)
MX_UNARY_MATH(exp, math::exp(a))
MX_UNARY_MATH(expm1, math::expm1(a))
MX_UNARY_MATH(log, math::log(a))
MX_UNARY_MATH(log1p, math::log1p(a))
MX_UNARY_MATH(log2, math::log2(a))
MX_UNARY_MATH(log10, math::log10(a))
MX_UNARY_MATH(sin, math::sin(a))
MX_UNARY_MATH(cos, math::cos(a))
MX_UNARY_MATH(tan, math::tan(a))
MX_UNARY_MATH(arcsin, math::asin(a))
MX_UNARY_MATH(arccos, math::acos(a))
MX_UNARY_MATH(arctan, math::atan(a))
MX_UNARY_MATH(sinh, math::sinh(a))
MX_UNARY_MATH(cosh, math::cosh(a))
MX_UNARY_MATH(tanh, math::tanh(a))
MX_UNARY_MATH(arcsinh, math::asinh(a))
MX_UNARY_MATH(arccosh, math::acosh(a))
MX_UNARY_MATH(arctanh, math::atanh(a))
MX_UNARY_MATH(sigmoid, M<T>(1) / (M<T>(1) + math::exp(-a)))
MX_UNARY_MATH(relu, a > 0 ? a : M<T>(0))
MX_UNARY_MATH(softsign, a / (M<T>(1) + math::fabs(a)))
MX_UNARY_MATH(erf, math::erf(a))
MX_UNARY_MATH(gamma, math::tgamma(a))
MX_UNARY_MATH(gammaln, math::lgamma(a))
MX_UNARY_MATH(digamma, M<T>(math::digamma(static_cast<double>(a))))
MX_UNARY_MATH(degrees, a* M<T>(57.29577951308232))
MX_UNARY_MATH(radians, a* M<T>(0.017453292519943295))
MX_UNARY_MATH(logical_not, a == M<T>(0) ? M<T>(1) : M<T>(0))
#undef MX_UNARY_MATH

struct zero {
  template <typename T>
  MX_XINLINE static T Map(T) {
    return FromM<T>(M<T>(0));
  }
};
struct one {
  template <typename T>
  MX_XINLINE static T Map(T) {
    return FromM<T>(M<T>(1));
  }
};

// ---- binary ----
#define MX_BINARY_MATH(name, expr)            \
  struct name {                               \
    template <typename T>                     \
    MX_XINLINE static T Map(T a_in, T b_in) { \
      M<T> a = ToM(a_in);                     \
      M<T> b = ToM(b_in);                     \
      return FromM<T>(expr);                  \
    }                                         \
  };
MX_BINARY_MATH(plus, a + b)
MX_BINARY_MATH(minus, a - b)
MX_BINARY_MATH(mul, a* b)
MX_BINARY_MATH(div, a / b)
MX_BINARY_MATH(power, math::pow(a, b))
MX_BINARY_MATH(maximum, a > b ? a : b)
MX_BINARY_MATH(minimum, a < b ? a : b)
MX_BINARY_MATH(hypot, math::hypot(a, b))
MX_BINARY_MATH(equal, a == b ? M<T>(1) : M<T>(0))
MX_BINARY_MATH(not_equal, a != b ? M<T>(1) : M<T>(0))
MX_BINARY_MATH(greater, a > b ? M<T>(1) : M<T>(0))
MX_BINARY_MATH(greater_equal, a >= b ? M<T>(1) : M<T>(0))
MX_BINARY_MATH(less, a < b ? M<T>(1) : M<T>(0))
MX_BINARY_MATH(less_equal, a <= b ? M<T>(1) : M<T>(0))
MX_BINARY_MATH(logical_and, (a != M<T>(0) && b != M<T>(0)) ? M<T>(1) : M<T>(0))
MX_BINARY_MATH(logical_or, (a != M<T>(0) || b != M<T>(0)) ? M<T>(1) : M<T>(0))
MX_BINARY_MATH(logical_xor, ((a != M<T>(0)) != (b != M<T>(0))) ? M<T>(1) : M<T>(0))
// smooth_l1 with sigma b: 0.5 (b a)^2 where |a| < 1 / b^2, else |a| - 0.5 / b^2; and its slope.
MX_BINARY_MATH(smooth_l1, math::fabs(a) < M<T>(1) / (b * b)
                              ? M<T>(0.5) * (b * a) * (b * a)
                              : math::fabs(a) - M<T>(0.5) / (b * b))
MX_BINARY_MATH(smooth_l1_grad, math::fabs(a) < M<T>(1) / (b * b)
                                   ? b * b * a
                                   : (a > M<T>(0) ? M<T>(1) : (a < M<T>(0) ? M<T>(-1) : M<T>(0))))
#undef MX_BINARY_MATH

// Python-style modulo: the result takes the divisor's sign; x mod 0 is 0 (MXNet).
struct mod {
  template <typename T>
  MX_XINLINE static T Map(T a_in, T b_in) {
    M<T> a = ToM(a_in), b = ToM(b_in);
    if (b == M<T>(0)) return FromM<T>(M<T>(0));
    M<T> r = math::fmod(a, b);
    if (r != M<T>(0) && ((r < M<T>(0)) != (b < M<T>(0)))) r += b;
    return FromM<T>(r);
  }
};

// Reversed operand order, for scalar ops whose scalar is on the left (_rminus_scalar, ...).
template <typename OP>
struct reverse {
  template <typename T>
  MX_XINLINE static T Map(T a, T b) {
    return OP::Map(b, a);
  }
};

// Writes `v` to `out` as `req` says (0 null, 1 write, 2 in place, 3 add).
template <typename T>
MX_XINLINE void Assign(T* out, int req, T v) {
  if (req == 3) {
    *out = FromM<T>(ToM(*out) + ToM(v));
  } else if (req != 0) {
    *out = v;
  }
}

}  // namespace mop
}  // namespace mx

#endif  // TESSERA_CORE_OPS_ELEMWISE_MATH_FUNCTORS_H_
