// Registrations of the creation operators with their CPU kernels (GPU: init_ops.cu).
#include <cmath>

#include "core/base/error.h"
#include "core/ops/init/init-inl.h"

namespace mx {

void RangeOf(const OpAttrs& attrs, double* start, double* step, int64_t* repeat) {
  if (attrs.op->name() == "_linspace") {
    const auto& p = attrs.get<LinspaceParam>();
    *start = p.start;
    *step = p.num > 1 ? (p.stop - p.start) / (p.endpoint ? p.num - 1 : p.num) : 0.0;
    *repeat = 1;
    return;
  }
  const auto& p = attrs.get<ArangeParam>();
  *start = p.stop ? p.start : 0.0;
  *step = p.step;
  *repeat = p.repeat;
}

namespace {

// A shape of the parameter: with 0 (unknown) dimensions it only checks a shape found elsewhere.
bool FixedShape(const OpAttrs& attrs, const Shape& s, std::vector<Shape>* out) {
  bool complete = true;
  for (int64_t d : s) {
    MX_CHECK_AS(ValueError, d >= 0)
        << "operator " << attrs.op->name() << ": shape " << s << " has a negative dimension.";
    complete = complete && d > 0;
  }
  if (complete) {
    AssignShape(&(*out)[0], s, attrs, "the output");
    return true;
  }
  if ((*out)[0].ndim() == 0) {  // a partial shape (-1 where unknown) for the consumers
    std::vector<int64_t> d = s.dims();
    for (int64_t& x : d)
      if (x == 0) x = -1;
    (*out)[0] = Shape(d);
    return false;
  }
  const Shape& have = (*out)[0];
  bool fits = have.ndim() == s.ndim();
  for (int i = 0; fits && i < s.ndim(); ++i) fits = s[i] == 0 || have[i] < 0 || s[i] == have[i];
  MX_CHECK_AS(ShapeError, fits) << "operator " << attrs.op->name() << ": shape " << s
                                << " does not fit the shape " << have << " found for it.";
  for (int64_t d : have)
    if (d < 0) return false;  // still partial
  return true;
}

bool InitShape(const OpAttrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  return FixedShape(attrs, attrs.get<InitParam>().shape, out);
}

bool FullShape(const OpAttrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  return FixedShape(attrs, attrs.get<FullParam>().shape, out);
}

bool ArangeShape(const OpAttrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  const auto& p = attrs.get<ArangeParam>();
  MX_CHECK_AS(ValueError, p.step != 0 && p.repeat > 0)
      << "operator _arange: step must not be 0 and repeat must be > 0; found step " << p.step
      << ", repeat " << p.repeat << ".";
  if (p.infer_range && !p.stop) return (*out)[0].ndim() > 0;
  double start = p.stop ? p.start : 0.0, stop = p.stop ? *p.stop : p.start;
  double n = std::ceil((stop - start) / p.step);
  MX_CHECK_AS(ValueError, n > 0) << "operator _arange: the range from " << start << " to " << stop
                                 << " by " << p.step << " is empty.";
  AssignShape(&(*out)[0], Shape({static_cast<int64_t>(n) * p.repeat}), attrs, "the output");
  return true;
}

bool LinspaceShape(const OpAttrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  const auto& p = attrs.get<LinspaceParam>();
  MX_CHECK_AS(ValueError, p.num >= 0)
      << "operator _linspace: num must not be negative, found " << p.num << ".";
  AssignShape(&(*out)[0], Shape({p.num}), attrs, "the output");
  return true;
}

bool EyeShape(const OpAttrs& attrs, std::vector<Shape>*, std::vector<Shape>* out) {
  const auto& p = attrs.get<EyeParam>();
  MX_CHECK_AS(ValueError, p.N >= 0 && p.M >= 0)
      << "operator _eye: N and M must not be negative, found " << p.N << " and " << p.M << ".";
  AssignShape(&(*out)[0], Shape({p.N, p.M > 0 ? p.M : p.N}), attrs, "the output");
  return true;
}

template <typename P>
bool DTypeOfParam(const OpAttrs& attrs, std::vector<int>*, std::vector<int>* out) {
  (*out)[0] = static_cast<int>(attrs.get<P>().dtype);
  return true;
}

template <typename P>
OpDef& Creation(const char* name, const char* doc, FInferShape shape) {
  return OpRegistry::Get()
      ->Register(name)
      .Describe(doc)
      .NumInputs(0)
      .Params<P>()
      .InferShape(shape)
      .InferType(DTypeOfParam<P>)
      .Compute(DeviceType::kCPU, InitCompute<CPU>);
}

[[maybe_unused]] OpDef& kZeros = Creation<InitParam>("_zeros", "An array of zeros.", InitShape);
[[maybe_unused]] OpDef& kOnes = Creation<InitParam>("_ones", "An array of ones.", InitShape);
[[maybe_unused]] OpDef& kFull =
    Creation<FullParam>("_full", "An array filled with value.", FullShape);
[[maybe_unused]] OpDef& kArange = Creation<ArangeParam>(
    "_arange", "Evenly spaced values in [start, stop), each repeated.", ArangeShape);
[[maybe_unused]] OpDef& kLinspace = Creation<LinspaceParam>(
    "_linspace", "num evenly spaced values from start to stop.", LinspaceShape);
[[maybe_unused]] OpDef& kEye =
    Creation<EyeParam>("_eye", "A matrix with ones on diagonal k.", EyeShape);

}  // namespace
}  // namespace mx
