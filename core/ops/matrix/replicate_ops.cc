// tile, repeat, broadcast_axis (broadcast_axes), broadcast_to and broadcast_like with their
// gradients, CPU kernels (GPU: axis_map_ops.cu). Shapes follow MXNet 1.9: tile aligns reps with
// the last axes, repeat without an axis repeats the flattened array, the broadcasts stretch
// axes of size 1.
#include "core/base/error.h"
#include "core/ops/matrix/axis_map-inl.h"
#include "core/ops/matrix/matrix-inl.h"

namespace mx {
namespace {

// The input shape with leading 1s up to `ndim` axes.
Shape Aligned(const Shape& s, int ndim) {
  std::vector<int64_t> dims(ndim - s.ndim(), 1);
  dims.insert(dims.end(), s.begin(), s.end());
  return Shape(dims);
}

Shape TileShape(const TileParam& p, const Shape& s) {
  int ndim = std::max(s.ndim(), p.reps.ndim());
  Shape in = Aligned(s, ndim), reps = Aligned(p.reps, ndim);
  std::vector<int64_t> dims(ndim);
  for (int d = 0; d < ndim; ++d) {
    MX_CHECK_AS(ValueError, reps[d] >= 0)
        << "operator tile: reps " << p.reps << " must not be negative.";
    dims[d] = in[d] * reps[d];
  }
  return Shape(dims);
}

Shape RepeatShape(const RepeatParam& p, const Shape& s) {
  MX_CHECK_AS(ValueError, p.repeats >= 0)
      << "operator repeat: repeats must not be negative, found " << p.repeats << ".";
  if (p.repeats == 0) return Shape({0});
  if (!p.axis) return Shape({s.Size() * p.repeats});
  std::vector<int64_t> dims = s.dims();
  dims[s.CanonicalAxis(*p.axis, "repeat")] *= p.repeats;
  return Shape(dims);
}

void CheckStretch(const Shape& s, int axis, int64_t size, const char* who) {
  MX_CHECK_AS(ShapeError, s[axis] == 1 || s[axis] == size)
      << "operator " << who << ": axis " << axis << " of " << s << " has size " << s[axis]
      << "; only axes of size 1 broadcast (to " << size << ").";
}

Shape BroadcastAxisShape(const BroadcastAxesParam& p, const Shape& s) {
  MX_CHECK_AS(ValueError, p.axis.ndim() == p.size.ndim())
      << "operator broadcast_axis: axis " << p.axis << " and size " << p.size
      << " must have the same length.";
  std::vector<int64_t> dims = s.dims();
  for (int i = 0; i < p.axis.ndim(); ++i) {
    int a = s.CanonicalAxis(static_cast<int>(p.axis[i]), "broadcast_axis");
    MX_CHECK_AS(ShapeError, s[a] == 1)
        << "operator broadcast_axis: axis " << a << " of " << s << " has size " << s[a]
        << "; the broadcast axes must have size 1.";
    dims[a] = p.size[i];
  }
  return Shape(dims);
}

Shape BroadcastToShape(const BroadcastToParam& p, const Shape& s) {
  MX_CHECK_AS(ShapeError, p.shape.ndim() == s.ndim())
      << "operator broadcast_to: cannot broadcast " << s << " to " << p.shape
      << " (the number of dimensions must match).";
  std::vector<int64_t> dims = s.dims();
  for (int d = 0; d < s.ndim(); ++d) {
    if (p.shape[d] == 0) continue;
    CheckStretch(s, d, p.shape[d], "broadcast_to");
    dims[d] = p.shape[d];
  }
  return Shape(dims);
}

Shape BroadcastLikeShape(const BroadcastLikeParam& p, const Shape& lhs, const Shape& rhs) {
  std::vector<int64_t> dims = lhs.dims();
  if (!p.lhs_axes || !p.rhs_axes) {
    MX_CHECK_AS(ShapeError, lhs.ndim() == rhs.ndim())
        << "operator broadcast_like: cannot broadcast " << lhs << " to " << rhs
        << " (the number of dimensions must match).";
    for (int d = 0; d < lhs.ndim(); ++d) CheckStretch(lhs, d, rhs[d], "broadcast_like");
    return rhs;
  }
  MX_CHECK_AS(ValueError, p.lhs_axes->ndim() == p.rhs_axes->ndim() && p.lhs_axes->ndim() > 0)
      << "operator broadcast_like: lhs_axes " << *p.lhs_axes << " and rhs_axes " << *p.rhs_axes
      << " must be non-empty and of the same length.";
  for (int i = 0; i < p.lhs_axes->ndim(); ++i) {
    int a = lhs.CanonicalAxis(static_cast<int>((*p.lhs_axes)[i]), "broadcast_like");
    int b = rhs.CanonicalAxis(static_cast<int>((*p.rhs_axes)[i]), "broadcast_like");
    MX_CHECK_AS(ShapeError, lhs[a] == 1)
        << "operator broadcast_like: axis " << a << " of lhs " << lhs << " has size " << lhs[a]
        << "; the broadcast axes must have size 1.";
    dims[a] = rhs[b];
  }
  return Shape(dims);
}

Shape ReplicatedShape(const OpAttrs& attrs, const Shape& s, const Shape* like) {
  std::string op = ForwardName(attrs);
  if (op == "tile") return TileShape(attrs.get<TileParam>(), s);
  if (op == "repeat") return RepeatShape(attrs.get<RepeatParam>(), s);
  if (op == "broadcast_axis") return BroadcastAxisShape(attrs.get<BroadcastAxesParam>(), s);
  if (op == "broadcast_to") return BroadcastToShape(attrs.get<BroadcastToParam>(), s);
  return BroadcastLikeShape(attrs.get<BroadcastLikeParam>(), s, *like);
}

bool ReplicateShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  if (in->size() > 1 && (*in)[1].ndim() == 0) return false;  // broadcast_like's rhs
  AssignShape(&(*out)[0], ReplicatedShape(attrs, s, in->size() > 1 ? &(*in)[1] : nullptr),
              attrs, "the output");
  return true;
}

// Broadcasts sum their gradient back to the input's shape.
std::vector<GradEntry> SumToInput(const OpAttrs& attrs, GradContext* ctx) {
  std::vector<GradEntry> g = ctx->Op("_sum_to_like", {ctx->OutGrad(0), ctx->Input(0)}, {});
  if (attrs.op->num_inputs(attrs) == 2) g.push_back(GradEntry());
  return g;
}

// Registers a replicating operator's shape, type and CPU kernel.
OpDef& Replicating(const char* name) {
  return OpRegistry::Get()
      ->Register(name)
      .InferShape(ReplicateShape)
      .InferType(FirstInputType)
      .Compute(DeviceType::kCPU, ReplicateCompute<CPU>);
}

// Registers _backward_<op>(ograd, data), which sums the replicas.
OpDef& ReplicaGradient(const char* name) {
  return OpRegistry::Get()
      ->Register(name)
      .NumInputs(2)
      .InputNames({"ograd", "data"})
      .InferShape(ShapesOfForwardInputs)
      .InferType(TypesOfForwardInputs)
      .Compute(DeviceType::kCPU, ReplicateBackward<CPU>);
}

[[maybe_unused]] OpDef& k_tile = Replicating("tile")
    .Describe("data repeated reps times along each axis (reps aligned with the last axes).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<TileParam>()
    .Gradient(ViaBackwardWithInputs("tile", 1));

[[maybe_unused]] OpDef& k__backward_tile = ReplicaGradient("_backward_tile")
    .Describe("Gradient of tile: inputs (ograd, data); sums the tiles.")
    .Params<TileParam>();

[[maybe_unused]] OpDef& k_repeat = Replicating("repeat")
    .Describe("Each element repeated along an axis (None: of the flattened array).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<RepeatParam>()
    .Gradient(ViaBackwardWithInputs("repeat", 1));

[[maybe_unused]] OpDef& k__backward_repeat = ReplicaGradient("_backward_repeat")
    .Describe("Gradient of repeat: inputs (ograd, data); sums the repeats.")
    .Params<RepeatParam>();

[[maybe_unused]] OpDef& k_broadcast_axis = Replicating("broadcast_axis")
    .Describe("Axes of size 1 stretched to the given sizes (alias broadcast_axes).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<BroadcastAxesParam>()
    .Gradient(SumToInput);

[[maybe_unused]] OpDef& k_broadcast_to = Replicating("broadcast_to")
    .Describe("data broadcast to a shape (0 keeps an axis).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<BroadcastToParam>()
    .Gradient(SumToInput);

[[maybe_unused]] OpDef& k_broadcast_like = Replicating("broadcast_like")
    .Describe("lhs broadcast to rhs's shape (or to rhs's sizes of rhs_axes on lhs_axes).")
    .NumInputs(2)
    .InputNames({"lhs", "rhs"})
    .Params<BroadcastLikeParam>()
    .Gradient(SumToInput);

}  // namespace

AxisMapPlan ReplicatePlanFor(const OpAttrs& attrs, const Shape& in, const Shape& out) {
  std::string op = ForwardName(attrs);
  if (op == "repeat") {
    const auto& p = attrs.get<RepeatParam>();
    if (!p.axis) return ReplicatePlan(Shape({in.Size()}), out, 0);
    return ReplicatePlan(in, out, in.CanonicalAxis(*p.axis, "repeat"));
  }
  return ReplicatePlan(Aligned(in, out.ndim()), out);
}

}  // namespace mx
