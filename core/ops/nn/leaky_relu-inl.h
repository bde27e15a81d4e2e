// LeakyReLU's parameters and activation formulas, shared by the CPU (leaky_relu.cc) and GPU
// (leaky_relu.cu) kernels; leaky_relu.cc documents the semantics.
#ifndef TESSERA_CORE_OPS_NN_LEAKY_RELU_INL_H_
#define TESSERA_CORE_OPS_NN_LEAKY_RELU_INL_H_

#include <math.h>

#include <string>

#include "core/base/half.h"
#include "core/op/op_def.h"

namespace mx {

constexpr double kSeluAlpha = 1.6732632423543772;
constexpr double kSeluLambda = 1.0507009873554805;

struct LeakyReLUParam {
  std::string act_type;
  double slope, lower_bound, upper_bound;
  void Declare(ParamDeclarer* d) {
    d->Declare("act_type", &act_type, std::string("leaky"))
        .Enum({"leaky", "prelu", "elu", "selu", "gelu"})
        .Describe("leaky, prelu, elu, selu or gelu.");
    d->Declare("slope", &slope, 0.25).Describe("Negative slope (leaky, elu).");
    d->Declare("lower_bound", &lower_bound, 0.125).Describe("rrelu only (unsupported).");
    d->Declare("upper_bound", &upper_bound, 0.334).Describe("rrelu only (unsupported).");
  }
};

enum class LeakyKind : int { kLeaky, kPrelu, kElu, kSelu, kGelu };

inline LeakyKind KindOf(const LeakyReLUParam& p) {
  const std::string& t = p.act_type;
  return t == "leaky"   ? LeakyKind::kLeaky
         : t == "prelu" ? LeakyKind::kPrelu
         : t == "elu"   ? LeakyKind::kElu
         : t == "selu"  ? LeakyKind::kSelu
                        : LeakyKind::kGelu;
}

// Value and derivative of the activation at x (with slope `s`), on either device.
MX_XINLINE void LeakyAct(LeakyKind t, double x, double s, double* y, double* dy) {
  switch (t) {
    case LeakyKind::kLeaky:
    case LeakyKind::kPrelu:
      *y = x > 0 ? x : s * x;
      *dy = x > 0 ? 1 : s;
      break;
    case LeakyKind::kElu:
      *y = x > 0 ? x : s * ::expm1(x);
      *dy = x > 0 ? 1 : s * ::exp(x);
      break;
    case LeakyKind::kSelu:
      *y = kSeluLambda * (x > 0 ? x : kSeluAlpha * ::expm1(x));
      *dy = kSeluLambda * (x > 0 ? 1 : kSeluAlpha * ::exp(x));
      break;
    default: {  // gelu
      double cdf = 0.5 * (1 + ::erf(x * 0.70710678118654752440));
      *y = x * cdf;
      *dy = cdf + x * ::exp(-0.5 * x * x) * 0.39894228040143267794;  // 1 / sqrt(2 pi)
    }
  }
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_LEAKY_RELU_INL_H_
