#include "core/ops/nn/conv_geometry.h"

namespace mx {
namespace {

std::vector<int64_t> Fill(const char* op, const char* what, const Shape& v, int spatial,
                          int64_t def) {
  if (v.ndim() == 0) return std::vector<int64_t>(spatial, def);
  MX_CHECK_AS(ValueError, v.ndim() == spatial)
      << "operator " << op << ": " << what << " " << v.ToPythonString() << " has " << v.ndim()
      << " values but the kernel has " << spatial << " spatial dimensions.";
  return v.dims();
}

}  // namespace

Window2D MakeWindow(const char* op, int spatial, const Shape& kernel, const Shape& stride,
                    const Shape& dilate, const Shape& pad) {
  MX_CHECK_AS(NotImplementedError, spatial == 1 || spatial == 2)
      << "operator " << op << ": " << spatial
      << "-D kernels are not supported yet; use a 1-D (NCW) or 2-D (NCHW) kernel.";
  std::vector<int64_t> k = kernel.dims();
  std::vector<int64_t> s = Fill(op, "stride", stride, spatial, 1);
  std::vector<int64_t> d = Fill(op, "dilate", dilate, spatial, 1);
  std::vector<int64_t> p = Fill(op, "pad", pad, spatial, 0);
  for (int i = 0; i < spatial; ++i) {
    MX_CHECK_AS(ValueError, k[i] > 0 && s[i] > 0 && d[i] > 0 && p[i] >= 0)
        << "operator " << op << ": kernel, stride and dilate must be positive and pad "
        << "non-negative; found kernel " << kernel.ToPythonString() << ", stride "
        << stride.ToPythonString() << ", dilate " << dilate.ToPythonString() << ", pad "
        << pad.ToPythonString() << ".";
  }
  Window2D g;
  int o = spatial == 2 ? 1 : 0;  // index of the width entry
  if (spatial == 2) {
    g.kh = k[0];
    g.sh = s[0];
    g.dh = d[0];
    g.ph = p[0];
  }
  g.kw = k[o];
  g.sw = s[o];
  g.dw = d[o];
  g.pw = p[o];
  return g;
}

}  // namespace mx
