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

Spatial SpatialOf(const Shape& data, int spatial) {
  MX_INTERNAL_CHECK(spatial >= 1 && spatial <= 3 && data.ndim() == spatial + 2)
      << "spatial " << spatial << " for shape " << data;
  Spatial s;
  int last = data.ndim() - 1;
  s.w = data[last];
  if (spatial >= 2) s.h = data[last - 1];
  if (spatial == 3) s.d = data[last - 2];
  return s;
}

Shape SpatialShape(int64_t n, int64_t c, int spatial, const Spatial& s) {
  if (spatial == 3) return Shape{n, c, s.d, s.h, s.w};
  if (spatial == 2) return Shape{n, c, s.h, s.w};
  return Shape{n, c, s.w};
}

const char* SpatialLayout(int spatial) {
  return spatial == 3 ? "NCDHW" : spatial == 2 ? "NCHW" : "NCW";
}

Window MakeWindow(const char* op, int spatial, const Shape& kernel, const Shape& stride,
                  const Shape& dilate, const Shape& pad) {
  MX_CHECK_AS(NotImplementedError, spatial >= 1 && spatial <= 3)
      << "operator " << op << ": a kernel of " << spatial << " values " << kernel.ToPythonString()
      << " is not supported; use a 1-D (NCW), 2-D (NCHW) or 3-D (NCDHW) kernel.";
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
  // The axes from the last (width) back: width, height, depth.
  Window g;
  int64_t* fields[3][4] = {
      {&g.kw, &g.sw, &g.dw, &g.pw}, {&g.kh, &g.sh, &g.dh, &g.ph}, {&g.kd, &g.sd, &g.dd, &g.pd}};
  for (int a = 0; a < spatial; ++a) {
    int i = spatial - 1 - a;
    *fields[a][0] = k[i];
    *fields[a][1] = s[i];
    *fields[a][2] = d[i];
    *fields[a][3] = p[i];
  }
  return g;
}

}  // namespace mx
