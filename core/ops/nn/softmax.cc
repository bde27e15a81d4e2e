// softmax / log_softmax along an axis (default -1) with an optional temperature, and
// SoftmaxActivation (mode instance: over all axes but the first; mode channel: over axis 1).
// Accumulation in double. Backward (inputs ograd, output):
//   softmax: dx = (dy - sum(dy * y)) * y / T;   log_softmax: dx = (dy - e^y sum(dy)) / T.
#include <cmath>
#include <optional>
#include <string>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {
namespace {

struct SoftmaxParam {
  int axis;
  std::optional<double> temperature;
  std::optional<DType> dtype;
  std::optional<bool> use_length;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, -1).Describe("Axis to normalize over.");
    d->Declare("temperature", &temperature, std::optional<double>()).Describe("Divides inputs.");
    d->Declare("dtype", &dtype, std::optional<DType>()).Describe("Accepted; output keeps dtype.");
    d->Declare("use_length", &use_length, std::optional<bool>()).Describe("Must be False.");
  }
};

struct SoftmaxActivationParam {
  std::string mode;
  void Declare(ParamDeclarer* d) {
    d->Declare("mode", &mode, std::string("instance"))
        .Enum({"instance", "channel"})
        .Describe("instance: over all but the first axis; channel: over axis 1.");
  }
};

// The (outer, n, inner) view of a shape around `axis`.
struct AxisView {
  int64_t outer, n, inner;
};

AxisView ViewAround(const Shape& s, int axis) {
  return {s.ProdRange(0, axis), s[axis], s.ProdRange(axis + 1, s.ndim())};
}

template <typename T>
void SoftmaxForward(const T* x, T* y, AxisView v, double temp, bool log, int req) {
#pragma omp parallel for num_threads(CpuKernelThreads()) if (v.outer * v.n * v.inner > 32768)
  for (int64_t o = 0; o < v.outer * v.inner; ++o) {
    int64_t base = (o / v.inner) * v.n * v.inner + o % v.inner;
    double mx = -INFINITY;
    for (int64_t k = 0; k < v.n; ++k) mx = std::max(mx, ConvertValue<double>(x[base + k * v.inner]) / temp);
    double sum = 0;
    for (int64_t k = 0; k < v.n; ++k) sum += std::exp(ConvertValue<double>(x[base + k * v.inner]) / temp - mx);
    for (int64_t k = 0; k < v.n; ++k) {
      double z = ConvertValue<double>(x[base + k * v.inner]) / temp - mx;
      double r = log ? z - std::log(sum) : std::exp(z) / sum;
      mop::Assign(y + base + k * v.inner, req, ConvertValue<T>(r));
    }
  }
}

template <typename T>
void SoftmaxBackward(const T* dy, const T* y, T* dx, AxisView v, double temp, bool log, int req) {
#pragma omp parallel for num_threads(CpuKernelThreads()) if (v.outer * v.n * v.inner > 32768)
  for (int64_t o = 0; o < v.outer * v.inner; ++o) {
    int64_t base = (o / v.inner) * v.n * v.inner + o % v.inner;
    double acc = 0;
    for (int64_t k = 0; k < v.n; ++k) {
      int64_t i = base + k * v.inner;
      acc += log ? ConvertValue<double>(dy[i])
                 : ConvertValue<double>(dy[i]) * ConvertValue<double>(y[i]);
    }
    for (int64_t k = 0; k < v.n; ++k) {
      int64_t i = base + k * v.inner;
      double g = ConvertValue<double>(dy[i]), o_ = ConvertValue<double>(y[i]);
      double r = log ? g - std::exp(o_) * acc : (g - acc) * o_;
      mop::Assign(dx + i, req, ConvertValue<T>(r / temp));
    }
  }
}

AxisView SoftmaxView(const OpAttrs& attrs, const Shape& s) {
  if (attrs.op->name().find("SoftmaxActivation") != std::string::npos) {
    if (attrs.get<SoftmaxActivationParam>().mode == "channel") return ViewAround(s, 1);
    return {s[0], s.ProdRange(1, s.ndim()), 1};
  }
  const auto& p = attrs.get<SoftmaxParam>();
  MX_CHECK_AS(NotImplementedError, !p.use_length.value_or(false))
      << "operator " << attrs.op->name() << ": use_length=True is not supported.";
  return ViewAround(s, s.CanonicalAxis(p.axis, attrs.op->name().c_str()));
}

double Temperature(const OpAttrs& attrs) {
  if (attrs.op->name().find("SoftmaxActivation") != std::string::npos) return 1.0;
  double t = attrs.get<SoftmaxParam>().temperature.value_or(1.0);
  MX_CHECK_AS(ValueError, t > 0) << "operator " << attrs.op->name()
                                 << ": temperature must be > 0, found " << t << ".";
  return t;
}

bool IsLog(const OpAttrs& attrs) { return attrs.op->name().find("log_softmax") != std::string::npos; }

void Forward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
             const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  AxisView v = SoftmaxView(attrs, in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, attrs.op->name().c_str(), {
    SoftmaxForward(in[0].ptr<T>(), out[0].ptr<T>(), v, Temperature(attrs), IsLog(attrs),
                   static_cast<int>(req[0]));
  });
}

void Backward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
              const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  AxisView v = SoftmaxView(attrs, in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, attrs.op->name().c_str(), {
    SoftmaxBackward(in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>(), v, Temperature(attrs),
                    IsLog(attrs), static_cast<int>(req[0]));
  });
}

FGradient GradVia(const char* backward) {
  return [backward](const OpAttrs& attrs, GradContext* ctx) {
    return ctx->Op(backward, {ctx->OutGrad(0), ctx->Output(0)}, attrs.dict);
  };
}

#define MX_REGISTER_SOFTMAX(name, P, text)                             \
  MX_REGISTER_OP(name)                                                 \
      .Describe(text)                                                  \
      .Params<P>()                                                     \
      .NumInputs(1)                                                    \
      .InputNames({"data"})                                            \
      .InferShape(SameShapeInferShape)                                 \
      .InferType(SameTypeInferType)                                    \
      .Compute(DeviceType::kCPU, Forward)                              \
      .Gradient(GradVia("_backward_" #name));                          \
  MX_REGISTER_OP(_backward_##name)                                     \
      .Describe("Gradient of " #name ": inputs (ograd, output).")      \
      .Params<P>()                                                     \
      .NumInputs(2)                                                    \
      .InputNames({"ograd", "output"})                                 \
      .InferShape(SameShapeInferShape)                                 \
      .InferType(SameTypeInferType)                                    \
      .Compute(DeviceType::kCPU, Backward);
MX_REGISTER_SOFTMAX(softmax, SoftmaxParam, "exp(x/T) normalized along an axis.")
MX_REGISTER_SOFTMAX(log_softmax, SoftmaxParam, "log of softmax along an axis.")
MX_REGISTER_SOFTMAX(SoftmaxActivation, SoftmaxActivationParam,
                    "softmax over all but the first axis (instance) or over axis 1 (channel).")
#undef MX_REGISTER_SOFTMAX

}  // namespace
}  // namespace mx
