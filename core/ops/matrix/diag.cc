// diag (diag-inl.h): shapes, registration, CPU kernels.
#include <algorithm>
#include <utility>

#include "core/base/error.h"
#include "core/ops/matrix/diag-inl.h"

namespace mx {

DiagGeometry MakeDiagGeometry(const DiagParam& p, const Shape& s) {
  DiagGeometry g{};
  g.k = p.k;
  MX_CHECK_AS(ShapeError, s.ndim() >= 1)
      << "operator diag: data must have rank 1 or more; found a scalar " << s << ".";
  if (s.ndim() == 1) {
    g.vector = true;
    g.n = s[0];
    return g;
  }
  int a1 = s.CanonicalAxis(p.axis1, "diag"), a2 = s.CanonicalAxis(p.axis2, "diag");
  MX_CHECK_AS(ValueError, a1 != a2)
      << "operator diag: axis1 and axis2 must be different axes; both are " << a1 << ".";
  int lo = std::min(a1, a2), hi = std::max(a1, a2);
  int64_t h = s[a1] + (p.k < 0 ? p.k : 0), w = s[a2] - (p.k > 0 ? p.k : 0);
  MX_CHECK_AS(ValueError, h >= 0 && w >= 0)
      << "operator diag: diagonal k=" << p.k << " does not exist in the (" << s[a1] << ", "
      << s[a2] << ") planes of data " << s << " (axes " << a1 << " and " << a2 << ").";
  g.len = std::min(h, w);
  g.body = s.ProdRange(lo + 1, hi);
  g.trail = s.ProdRange(hi + 1, s.ndim());
  g.stride_b = g.trail;
  g.stride_body = s[hi] * g.trail;
  g.stride_a = g.body * g.stride_body;
  g.stride_lead = s[lo] * g.stride_a;
  g.off_1 = p.k < 0 ? -p.k : 0;
  g.off_2 = p.k > 0 ? p.k : 0;
  g.swapped = a1 > a2;
  return g;
}

namespace {

bool DiagShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  const auto& p = attrs.get<DiagParam>();
  DiagGeometry g = MakeDiagGeometry(p, s);
  if (g.vector) {
    int64_t n = g.n + (g.k < 0 ? -g.k : g.k);
    AssignShape(&(*out)[0], Shape{n, n}, attrs, "the output");
    return true;
  }
  int a1 = s.CanonicalAxis(p.axis1, "diag"), a2 = s.CanonicalAxis(p.axis2, "diag");
  std::vector<int64_t> dims;
  for (int i = 0; i < s.ndim(); ++i)
    if (i != a1 && i != a2) dims.push_back(s[i]);
  dims.push_back(g.len);
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

MX_REGISTER_OP(diag)
    .Describe("A diagonal of the data, or the square matrix with a 1-D array on a diagonal.")
    .Params<DiagParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(DiagShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, DiagCompute<CPU>)
    .Gradient(ViaBackwardWithInputs("diag", 1));

MX_REGISTER_OP(_backward_diag)
    .Describe("Gradient of diag: inputs (ograd, data).")
    .Params<DiagParam>()
    .NumInputs(2)
    .InputNames({"ograd", "data"})
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, DiagBackward<CPU>);

}  // namespace
}  // namespace mx
