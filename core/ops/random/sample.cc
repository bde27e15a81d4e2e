// The random samplers (sample-inl.h): parameter checks, shapes, types, registration, CPU
// kernels.
#include <cmath>

#include "core/base/error.h"
#include "core/ops/random/sample-inl.h"

namespace mx {

std::vector<double> StandardDraws(Distribution dist, int64_t n, std::mt19937* rng) {
  MX_INTERNAL_CHECK(rng != nullptr) << "a random sampler ran without the process generator";
  std::vector<double> u(static_cast<size_t>(n));
  for (double& v : u) {
    if (dist == Distribution::kUniform) {
      v = std::generate_canonical<double, 53>(*rng);
      continue;
    }
    double u1 = std::generate_canonical<double, 53>(*rng);
    double u2 = std::generate_canonical<double, 53>(*rng);
    if (u1 < 1e-300) u1 = 1e-300;
    v = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  return u;
}

template <>
const double* PlaceDraws<CPU>(const std::vector<double>& draws, void*) {
  return draws.data();
}

namespace {

int OutputType(const std::optional<std::string>& dtype, int fallback, const std::string& op) {
  if (!dtype || *dtype == "None") return fallback;
  DType t;
  MX_CHECK_AS(ValueError, ParseValue(*dtype, &t) &&
                              (t == kFloat16 || t == kFloat32 || t == kFloat64))
      << "operator " << op << ": dtype must be None, float16, float32 or float64; found '"
      << *dtype << "'.";
  return static_cast<int>(t);
}

bool RandomShape(const OpAttrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  const std::string& op = attrs.op->name();
  bool uniform = op.find("uniform") != std::string::npos;
  const RandomParam& p = RandomParamOf(attrs, uniform);
  MX_CHECK_AS(ValueError, uniform ? p.a <= p.b : p.b >= 0)
      << "operator " << op << ": "
      << (uniform ? "low must not exceed high" : "scale must be >= 0") << "; found "
      << (uniform ? "low " : "loc ") << p.a << (uniform ? ", high " : ", scale ") << p.b << ".";
  if (p.shape.ndim() == 0) return (*out)[0].ndim() > 0;  // from the graph, as MXNet
  AssignShape(&(*out)[0], p.shape, attrs, "the output");
  return true;
}

bool RandomType(const OpAttrs& attrs, std::vector<int>*, std::vector<int>* out) {
  const std::string& op = attrs.op->name();
  const RandomParam& p = RandomParamOf(attrs, op.find("uniform") != std::string::npos);
  (*out)[0] = OutputType(p.dtype, static_cast<int>(kFloat32), op);
  return true;
}

bool SampleShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  Shape& a = (*in)[0];
  Shape& b = (*in)[1];
  if (a.ndim() == 0 && b.ndim() > 0) a = b;
  if (b.ndim() == 0 && a.ndim() > 0) b = a;
  if (a.ndim() == 0) return false;
  const std::string& op = attrs.op->name();
  MX_CHECK_AS(ShapeError, a == b)
      << "operator " << op << ": the two parameter arrays must have one shape; found " << a
      << " and " << b << ".";
  std::vector<int64_t> dims = a.dims();
  for (int64_t d : attrs.get<SampleParam>().shape.dims()) dims.push_back(d);
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

bool SampleType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  int t = (*in)[0] >= 0 ? (*in)[0] : (*in)[1];
  if (t < 0) return false;
  (*in)[0] = (*in)[1] = t;
  (*out)[0] = OutputType(attrs.get<SampleParam>().dtype, t, attrs.op->name());
  return true;
}

template <typename P>
OpDef& Sampler(const char* name, const char* text, bool per_element,
               std::vector<std::string> inputs = {}) {
  OpDef& op = OpRegistry::Get()->Register(name);
  op.Describe(text)
      .Params<P>()
      .NumInputs(static_cast<int>(inputs.size()))
      .InputNames(inputs)
      .InferShape(per_element ? FInferShape(SampleShape) : FInferShape(RandomShape))
      .InferType(per_element ? FInferType(SampleType) : FInferType(RandomType))
      .RequestRandom()
      .Compute(DeviceType::kCPU, SampleCompute<CPU>);
  return op;
}

[[maybe_unused]] OpDef& kRandomUniform = Sampler<RandomUniformParam>(
    "_random_uniform", "Uniform samples on [low, high) of the given shape.", false);
[[maybe_unused]] OpDef& kRandomNormal = Sampler<RandomNormalParam>(
    "_random_normal", "Normal samples with mean loc and deviation scale.", false);
[[maybe_unused]] OpDef& kSampleUniform = Sampler<SampleParam>(
    "_sample_uniform", "Uniform samples on [low[i], high[i]) for each element.", true,
    {"low", "high"});
[[maybe_unused]] OpDef& kSampleNormal = Sampler<SampleParam>(
    "_sample_normal", "Normal samples with mean mu[i] and deviation sigma[i] for each element.",
    true, {"mu", "sigma"});

}  // namespace
}  // namespace mx
