// Activation kernels shared by CPU and GPU (activation.cc, activation.cu): forward maps are the
// element-wise functors of math_functors.h; backward maps compute dx from (dy, x, y):
//   relu: dy (y > 0); sigmoid: dy y (1 - y); tanh: dy (1 - y^2); softrelu: dy (1 - e^-y);
//   softsign: dy / (1 + |x|)^2. Math in float for 16- and 32-bit types, double for float64.
#ifndef TESSERA_CORE_OPS_NN_ACTIVATION_INL_H_
#define TESSERA_CORE_OPS_NN_ACTIVATION_INL_H_

#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

struct ActivationParam {
  std::string act_type;
  void Declare(ParamDeclarer* d) {
    d->Declare("act_type", &act_type)
        .Enum({"relu", "sigmoid", "tanh", "softrelu", "softsign"})
        .Describe("The nonlinearity.");
  }
};

namespace mop {

// softrelu(x) = log(1 + e^x), computed without overflow for large x.
struct softrelu {
  template <typename T>
  MX_XINLINE static T Map(T a_in) {
    M<T> a = ToM(a_in);
    return FromM<T>(a > M<T>(20) ? a : math::log1p(math::exp(a)));
  }
};

#define MX_ACT_GRAD(name, expr)                        \
  struct name {                                        \
    template <typename T>                              \
    MX_XINLINE static T Map(T dy_in, T x_in, T y_in) { \
      M<T> dy = ToM(dy_in);                            \
      M<T> x = ToM(x_in);                              \
      M<T> y = ToM(y_in);                              \
      (void)x;                                         \
      (void)y;                                         \
      return FromM<T>(expr);                           \
    }                                                  \
  };
MX_ACT_GRAD(relu_grad, y > M<T>(0) ? dy : M<T>(0))
MX_ACT_GRAD(sigmoid_grad, dy* y*(M<T>(1) - y))
MX_ACT_GRAD(tanh_grad, dy*(M<T>(1) - y * y))
MX_ACT_GRAD(softrelu_grad, dy*(-math::expm1(-y)))
MX_ACT_GRAD(softsign_grad, dy / ((M<T>(1) + math::fabs(x)) * (M<T>(1) + math::fabs(x))))
#undef MX_ACT_GRAD

}  // namespace mop

template <typename OP>
struct ActGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, const T* x, const T* y, T* dx, int req) {
    mop::Assign(dx + i, req, OP::Map(dy[i], x[i], y[i]));
  }
};

template <typename xpu>
void ActivationForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const std::string& t = attrs.get<ActivationParam>().act_type;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Activation", {
    auto run = [&](auto functor) {
      using OP = decltype(functor);
      if (req[0] == OpReq::kWrite || req[0] == OpReq::kInplace)
        Kernel<xpu>::template Launch<UnaryWrite<OP>>(ctx.run.stream, in[0].size(), in[0].ptr<T>(),
                                                     out[0].ptr<T>());
      else
        Kernel<xpu>::template Launch<UnaryMap<OP>>(ctx.run.stream, in[0].size(), in[0].ptr<T>(),
                                                   out[0].ptr<T>(), static_cast<int>(req[0]));
    };
    if (t == "relu")
      run(mop::relu());
    else if (t == "sigmoid")
      run(mop::sigmoid());
    else if (t == "tanh")
      run(mop::tanh());
    else if (t == "softrelu")
      run(mop::softrelu());
    else
      run(mop::softsign());
  });
}

// Inputs (ograd, data, output).
template <typename xpu>
void ActivationBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const std::string& t = attrs.get<ActivationParam>().act_type;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Activation backward", {
    auto run = [&](auto functor) {
      using OP = decltype(functor);
      Kernel<xpu>::template Launch<ActGradMap<OP>>(ctx.run.stream, in[0].size(), in[0].ptr<T>(),
                                                   in[1].ptr<T>(), in[2].ptr<T>(), out[0].ptr<T>(),
                                                   static_cast<int>(req[0]));
    };
    if (t == "relu")
      run(mop::relu_grad());
    else if (t == "sigmoid")
      run(mop::sigmoid_grad());
    else if (t == "tanh")
      run(mop::tanh_grad());
    else if (t == "softrelu")
      run(mop::softrelu_grad());
    else
      run(mop::softsign_grad());
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_ACTIVATION_INL_H_
