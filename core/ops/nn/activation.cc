// Activation: relu, sigmoid, tanh, softrelu (log(1 + e^x)) and softsign (x / (1 + |x|)).
// Backward (_backward_Activation, inputs ograd, data, output):
//   relu: dy * (y > 0); sigmoid: dy * y (1 - y); tanh: dy (1 - y^2);
//   softrelu: dy (1 - e^-y); softsign: dy / (1 + |x|)^2.
#include <cmath>
#include <string>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {
namespace {

struct ActivationParam {
  std::string act_type;
  void Declare(ParamDeclarer* d) {
    d->Declare("act_type", &act_type)
        .Enum({"relu", "sigmoid", "tanh", "softrelu", "softsign"})
        .Describe("The nonlinearity.");
  }
};

enum Act { kRelu, kSigmoid, kTanh, kSoftrelu, kSoftsign };

Act ActOf(const OpAttrs& attrs) {
  const std::string& t = attrs.get<ActivationParam>().act_type;
  if (t == "relu") return kRelu;
  if (t == "sigmoid") return kSigmoid;
  if (t == "tanh") return kTanh;
  if (t == "softrelu") return kSoftrelu;
  return kSoftsign;
}

template <typename T>
void ActForward(Act a, const T* x, T* y, int64_t n, int req) {
#pragma omp parallel for num_threads(CpuKernelThreads()) if (n > 32768)
  for (int64_t i = 0; i < n; ++i) {
    double v = ConvertValue<double>(x[i]), r;
    switch (a) {
      case kRelu: r = v > 0 ? v : 0; break;
      case kSigmoid: r = 1 / (1 + std::exp(-v)); break;
      case kTanh: r = std::tanh(v); break;
      case kSoftrelu: r = v > 20 ? v : std::log1p(std::exp(v)); break;
      default: r = v / (1 + std::fabs(v)); break;
    }
    mop::Assign(y + i, req, ConvertValue<T>(r));
  }
}

template <typename T>
void ActBackward(Act a, const T* dy, const T* x, const T* y, T* dx, int64_t n, int req) {
#pragma omp parallel for num_threads(CpuKernelThreads()) if (n > 32768)
  for (int64_t i = 0; i < n; ++i) {
    double g = ConvertValue<double>(dy[i]), o = ConvertValue<double>(y[i]), r;
    switch (a) {
      case kRelu: r = o > 0 ? g : 0; break;
      case kSigmoid: r = g * o * (1 - o); break;
      case kTanh: r = g * (1 - o * o); break;
      case kSoftrelu: r = g * -std::expm1(-o); break;
      default: {
        double d = 1 + std::fabs(ConvertValue<double>(x[i]));
        r = g / (d * d);
      }
    }
    mop::Assign(dx + i, req, ConvertValue<T>(r));
  }
}

void ActivationForward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Activation", {
    ActForward(ActOf(attrs), in[0].ptr<T>(), out[0].ptr<T>(), in[0].size(),
               static_cast<int>(req[0]));
  });
}

void ActivationBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Activation backward", {
    ActBackward(ActOf(attrs), in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(), out[0].ptr<T>(),
                in[0].size(), static_cast<int>(req[0]));
  });
}

MX_REGISTER_OP(Activation)
    .Describe("Element-wise nonlinearity: relu, sigmoid, tanh, softrelu or softsign.")
    .Params<ActivationParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ActivationForward)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_Activation", {ctx->OutGrad(0), ctx->Input(0), ctx->Output(0)},
                     attrs.dict);
    });

MX_REGISTER_OP(_backward_Activation)
    .Describe("Gradient of Activation: inputs (ograd, data, output).")
    .Params<ActivationParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "output"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ActivationBackward);

}  // namespace
}  // namespace mx
