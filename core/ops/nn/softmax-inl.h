// softmax / log_softmax along an axis (default -1) with an optional temperature, and
// SoftmaxActivation (mode instance: over all axes but the first; mode channel: over axis 1).
// One kernel thread per row, accumulation in double; both devices (softmax.cc, softmax.cu).
// Backward (inputs ograd, output):
//   softmax: dx = (dy - sum(dy * y)) * y / T;   log_softmax: dx = (dy - e^y sum(dy)) / T.
#ifndef TESSERA_CORE_OPS_NN_SOFTMAX_INL_H_
#define TESSERA_CORE_OPS_NN_SOFTMAX_INL_H_

#include <math.h>

#include <optional>
#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

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

inline AxisView ViewAround(const Shape& s, int axis) {
  return {s.ProdRange(0, axis), s[axis], s.ProdRange(axis + 1, s.ndim())};
}

// One (outer, inner) row of the softmax: Map(r, ...) normalizes row r.
struct SoftmaxRowMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t r, const T* x, T* y, AxisView v, double temp, bool log,
                             int req) {
    int64_t base = (r / v.inner) * v.n * v.inner + r % v.inner;
    double mx = -INFINITY;
    for (int64_t k = 0; k < v.n; ++k) {
      double z = ConvertValue<double>(x[base + k * v.inner]) / temp;
      mx = z > mx ? z : mx;
    }
    double sum = 0;
    for (int64_t k = 0; k < v.n; ++k)
      sum += exp(ConvertValue<double>(x[base + k * v.inner]) / temp - mx);
    for (int64_t k = 0; k < v.n; ++k) {
      double z = ConvertValue<double>(x[base + k * v.inner]) / temp - mx;
      double out = log ? z - ::log(sum) : exp(z) / sum;
      mop::Assign(y + base + k * v.inner, req, ConvertValue<T>(out));
    }
  }
};

struct SoftmaxGradRowMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t r, const T* dy, const T* y, T* dx, AxisView v, double temp,
                             bool log, int req) {
    int64_t base = (r / v.inner) * v.n * v.inner + r % v.inner;
    double acc = 0;
    for (int64_t k = 0; k < v.n; ++k) {
      int64_t i = base + k * v.inner;
      acc += log ? ConvertValue<double>(dy[i])
                 : ConvertValue<double>(dy[i]) * ConvertValue<double>(y[i]);
    }
    for (int64_t k = 0; k < v.n; ++k) {
      int64_t i = base + k * v.inner;
      double g = ConvertValue<double>(dy[i]), o = ConvertValue<double>(y[i]);
      double out = log ? g - exp(o) * acc : (g - acc) * o;
      mop::Assign(dx + i, req, ConvertValue<T>(out / temp));
    }
  }
};

inline AxisView SoftmaxView(const OpAttrs& attrs, const Shape& s) {
  if (attrs.op->name().find("SoftmaxActivation") != std::string::npos) {
    if (attrs.get<SoftmaxActivationParam>().mode == "channel") return ViewAround(s, 1);
    return {s[0], s.ProdRange(1, s.ndim()), 1};
  }
  const auto& p = attrs.get<SoftmaxParam>();
  MX_CHECK_AS(NotImplementedError, !p.use_length.value_or(false))
      << "operator " << attrs.op->name() << ": use_length=True is not supported.";
  return ViewAround(s, s.CanonicalAxis(p.axis, attrs.op->name().c_str()));
}

inline double Temperature(const OpAttrs& attrs) {
  if (attrs.op->name().find("SoftmaxActivation") != std::string::npos) return 1.0;
  double t = attrs.get<SoftmaxParam>().temperature.value_or(1.0);
  MX_CHECK_AS(ValueError, t > 0) << "operator " << attrs.op->name()
                                 << ": temperature must be > 0, found " << t << ".";
  return t;
}

inline bool IsLog(const OpAttrs& attrs) {
  return attrs.op->name().find("log_softmax") != std::string::npos;
}

template <typename xpu>
void SoftmaxCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                    const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  AxisView v = SoftmaxView(attrs, in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, attrs.op->name().c_str(), {
    Kernel<xpu>::template Launch<SoftmaxRowMap>(ctx.run.stream, v.outer * v.inner, in[0].ptr<T>(),
                                                out[0].ptr<T>(), v, Temperature(attrs),
                                                IsLog(attrs), static_cast<int>(req[0]));
  });
}

// Inputs (ograd, output).
template <typename xpu>
void SoftmaxGradCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  AxisView v = SoftmaxView(attrs, in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, attrs.op->name().c_str(), {
    Kernel<xpu>::template Launch<SoftmaxGradRowMap>(
        ctx.run.stream, v.outer * v.inner, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>(), v,
        Temperature(attrs), IsLog(attrs), static_cast<int>(req[0]));
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_SOFTMAX_INL_H_
