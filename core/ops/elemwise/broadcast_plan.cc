#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

BroadcastPlan PlanBroadcast(const Shape& lhs, const Shape& rhs, const Shape& out) {
  int n = out.ndim();
  // Align to out's rank; stride 0 on broadcast dimensions.
  std::vector<int64_t> dims, ls, rs;
  std::vector<int64_t> lstr(n, 0), rstr(n, 0);
  int64_t la = 1, ra = 1;
  for (int d = n - 1; d >= 0; --d) {
    int il = lhs.ndim() - n + d, ir = rhs.ndim() - n + d;
    int64_t dl = il >= 0 ? lhs[il] : 1, dr = ir >= 0 ? rhs[ir] : 1;
    lstr[d] = dl == 1 ? 0 : la;
    rstr[d] = dr == 1 ? 0 : ra;
    la *= dl;
    ra *= dr;
  }
  for (int d = 0; d < n; ++d) {
    if (out[d] == 1) continue;
    // Merge with the previous dimension when both operands stay contiguous across it.
    if (!dims.empty() && ls.back() == lstr[d] * out[d] && rs.back() == rstr[d] * out[d]) {
      dims.back() *= out[d];
      ls.back() = lstr[d];
      rs.back() = rstr[d];
      continue;
    }
    dims.push_back(out[d]);
    ls.push_back(lstr[d]);
    rs.push_back(rstr[d]);
  }
  BroadcastPlan p;
  MX_CHECK_AS(NotImplementedError, dims.size() <= static_cast<size_t>(kMaxDim))
      << "broadcasting " << lhs << " with " << rhs << " needs " << dims.size()
      << " dimensions after merging; at most " << kMaxDim << " are supported.";
  p.ndim = static_cast<int>(dims.size());
  for (int d = 0; d < p.ndim; ++d) {
    p.shape.v[d] = dims[d];
    p.lstride.v[d] = ls[d];
    p.rstride.v[d] = rs[d];
  }
  return p;
}

bool BroadcastBinaryShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  const Shape& b = (*in)[1];
  if (a.ndim() == 0 || b.ndim() == 0) return false;
  AssignShape(&(*out)[0], BroadcastShapes(a, b, attrs.op->name().c_str()), attrs, "the output");
  return true;
}

}  // namespace mx
