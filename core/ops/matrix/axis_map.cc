// Plans of the axis-map operators (axis_map-inl.h).
#include "core/base/error.h"
#include "core/ops/matrix/axis_map-inl.h"

namespace mx {
namespace {

AxisMapPlan EmptyPlan(const Shape& out, const char* who) {
  MX_CHECK_AS(NotImplementedError, out.ndim() <= kMaxDim)
      << "operator " << who << " supports at most " << kMaxDim << " dimensions, found "
      << out.ndim() << ".";
  AxisMapPlan p;
  p.ndim = out.ndim();
  for (int d = 0; d < out.ndim(); ++d) {
    p.out_shape.v[d] = out[d];
    p.div.v[d] = 1;
    p.mod.v[d] = out[d] > 0 ? out[d] : 1;
    p.step.v[d] = 1;
    p.begin.v[d] = 0;
    p.in_stride.v[d] = 0;
    p.in_shape.v[d] = out[d];
  }
  return p;
}

}  // namespace

std::string ForwardName(const OpAttrs& attrs) {
  const std::string& name = attrs.op->name();
  return name.rfind("_backward_", 0) == 0 ? name.substr(10) : name;
}

AxisMapPlan SlicePlan(const Shape& in, const std::vector<int64_t>& begin,
                      const std::vector<int64_t>& step, const Shape& out) {
  AxisMapPlan p = EmptyPlan(out, "slice");
  std::vector<int64_t> stride = in.Strides();
  for (int d = 0; d < out.ndim(); ++d) {
    p.begin.v[d] = begin[d];
    p.step.v[d] = step[d];
    p.in_stride.v[d] = stride[d];
  }
  return p;
}

AxisMapPlan PermutePlan(const Shape& in, const std::vector<int>& perm) {
  std::vector<int64_t> dims;
  for (int a : perm) dims.push_back(in[a]);
  AxisMapPlan p = EmptyPlan(Shape(dims), "SwapAxis");
  std::vector<int64_t> stride = in.Strides();
  for (int d = 0; d < in.ndim(); ++d) p.in_stride.v[d] = stride[perm[d]];
  return p;
}

AxisMapPlan ReplicatePlan(const Shape& in, const Shape& out, int repeat_axis) {
  AxisMapPlan p = EmptyPlan(out, "tile/repeat/broadcast");
  MX_INTERNAL_CHECK(in.ndim() == out.ndim()) << "replicate plan needs aligned shapes";
  std::vector<int64_t> stride = in.Strides();
  for (int d = 0; d < out.ndim(); ++d) {
    p.in_shape.v[d] = in[d];
    p.in_stride.v[d] = stride[d];
    if (in[d] == out[d]) continue;
    p.mod.v[d] = in[d] > 0 ? in[d] : 1;
    if (d == repeat_axis) p.div.v[d] = out[d] / in[d];
  }
  return p;
}

}  // namespace mx
