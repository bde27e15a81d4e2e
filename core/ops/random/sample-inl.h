// Random samplers inside graphs (MXNet 1.9's names): _random_uniform / _random_normal (aliases
// random_uniform, uniform, random_normal, normal) draw an array of `shape` from one
// distribution; _sample_uniform / _sample_normal (aliases sample_uniform, sample_normal) draw
// `shape` values for each element of their parameter arrays (output shape: the parameters'
// shape followed by `shape`). Standard variates (uniform on [0, 1), Box-Muller normals) are
// drawn on the host from the process generator in engine order (mx::random::Seed and the
// Module's exact resume cover them); a kernel on the output's device maps them to the
// distribution: low + (high - low) * u, loc + scale * z. No gradient flows to the parameters
// (MXNet's is zero). Registrations: sample.cc (CPU), sample.cu (GPU).
#ifndef TESSERA_CORE_OPS_RANDOM_SAMPLE_INL_H_
#define TESSERA_CORE_OPS_RANDOM_SAMPLE_INL_H_

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct RandomParam {
  double a, b;  // low/high or loc/scale
  Shape shape;
  std::string ctx;
  std::optional<std::string> dtype;
  void Declare(ParamDeclarer* d, bool uniform) {
    if (uniform) {
      d->Declare("low", &a, 0.0).Describe("Lower bound (included).");
      d->Declare("high", &b, 1.0).Describe("Upper bound (excluded).");
    } else {
      d->Declare("loc", &a, 0.0).Describe("Mean.");
      d->Declare("scale", &b, 1.0).Describe("Standard deviation.");
    }
    d->Declare("shape", &shape, Shape()).Describe("The output's shape.");
    d->Declare("ctx", &ctx, std::string()).Describe("Context (the executor's is used).");
    d->Declare("dtype", &dtype, std::optional<std::string>())
        .Describe("float16, float32 or float64; None: float32.");
  }
};
struct RandomUniformParam : RandomParam {
  void Declare(ParamDeclarer* d) { RandomParam::Declare(d, true); }
};
struct RandomNormalParam : RandomParam {
  void Declare(ParamDeclarer* d) { RandomParam::Declare(d, false); }
};

struct SampleParam {
  Shape shape;
  std::optional<std::string> dtype;
  void Declare(ParamDeclarer* d) {
    d->Declare("shape", &shape, Shape()).Describe("Samples per parameter element.");
    d->Declare("dtype", &dtype, std::optional<std::string>())
        .Describe("float16, float32 or float64; None: the parameters' dtype.");
  }
};

enum class Distribution { kUniform, kNormal };

inline const RandomParam& RandomParamOf(const OpAttrs& attrs, bool uniform) {
  if (uniform) return attrs.get<RandomUniformParam>();
  return attrs.get<RandomNormalParam>();
}

// n standard variates of `dist`, drawn on the host.
std::vector<double> StandardDraws(Distribution dist, int64_t n, std::mt19937* rng);

// out[i] = a + (b - a) * u[i] (uniform) or a + b * u[i] (normal), with (a, b) the scalars or,
// per block of `per` outputs, element i / per of the parameter arrays.
struct SampleMap {
  template <typename T, typename P>
  MX_XINLINE static void Map(int64_t i, const double* u, T* out, const P* pa, const P* pb,
                             double a, double b, int64_t per, bool uniform) {
    if (pa) {
      a = ConvertValue<double>(pa[i / per]);
      b = ConvertValue<double>(pb[i / per]);
    }
    out[i] = ConvertValue<T>(uniform ? a + (b - a) * u[i] : a + b * u[i]);
  }
};

// The variates where a kernel on xpu reads them (sample.cc: the host vector; sample.cu: a
// device copy in workspace memory).
template <typename xpu>
const double* PlaceDraws(const std::vector<double>& draws, void* stream);

template <typename xpu>
void SampleCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const std::string& op = attrs.op->name();
  MX_CHECK_AS(NotImplementedError, req[0] != OpReq::kAddTo)
      << "operator " << op << " only writes its output (found accumulation).";
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  bool uniform = op.find("uniform") != std::string::npos;
  bool per_element = !in.empty();
  double a = 0, b = 0;
  if (!per_element) {
    const RandomParam& p = RandomParamOf(attrs, uniform);
    a = p.a;
    b = p.b;
  }
  std::vector<double> draws =
      StandardDraws(uniform ? Distribution::kUniform : Distribution::kNormal, out[0].size(),
                    ctx.rng);
  const double* u = PlaceDraws<xpu>(draws, ctx.run.stream);
  int64_t per = per_element ? out[0].size() / in[0].size() : 1;
  DType ptype = per_element ? in[0].dtype : kFloat64;
  MX_TYPE_SWITCH_FLOAT(ptype, P, op.c_str(), {
    MX_TYPE_SWITCH_FLOAT(out[0].dtype, T, op.c_str(), {
      const P* pa = per_element ? in[0].ptr<P>() : nullptr;
      const P* pb = per_element ? in[1].ptr<P>() : nullptr;
      Kernel<xpu>::template Launch<SampleMap>(ctx.run.stream, out[0].size(), u, out[0].ptr<T>(),
                                              pa, pb, a, b, per, uniform);
    });
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_RANDOM_SAMPLE_INL_H_
