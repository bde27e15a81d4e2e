// slice, slice_like, reverse (flip), SwapAxis (swapaxes), depth_to_space and space_to_depth
// with their gradients, CPU kernels (GPU: axis_map_ops.cu). Index ranges follow MXNet 1.9's slice: None is the start or end in the
// step's direction, negative indices count from the end, out-of-range ends are clipped.
#include "core/base/error.h"
#include "core/ops/matrix/axis_map-inl.h"
#include "core/ops/matrix/matrix-inl.h"

namespace mx {
namespace {

struct Ranges {
  std::vector<int64_t> begin, step, size;
};

Ranges SliceRanges(const SliceParam& p, const Shape& s) {
  MX_CHECK_AS(ValueError, s.ndim() > 0) << "operator slice: data must have at least 1 dimension.";
  MX_CHECK_AS(ValueError, p.begin.size() == p.end.size() && p.begin.size() <= s.ndim() &&
                              (p.step.size() == 0 || p.step.size() == p.begin.size()))
      << "operator slice: begin " << DefaultText(p.begin) << ", end " << DefaultText(p.end)
      << " and step " << DefaultText(p.step)
      << " must have the same length, at most data's number of dimensions " << s.ndim() << ".";
  Ranges r;
  for (int d = 0; d < s.ndim(); ++d) {
    int64_t len = s[d], b = 0, e = len, st = 1;
    if (d < p.begin.size()) {
      if (p.step.size() > 0 && p.step.items[d]) st = *p.step.items[d];
      MX_CHECK_AS(ValueError, st != 0) << "operator slice: step[" << d << "] must not be 0.";
      const auto& pb = p.begin.items[d];
      const auto& pe = p.end.items[d];
      b = pb ? *pb : (st < 0 ? len - 1 : 0);
      e = pe ? *pe : (st < 0 ? -1 : len);
      if (b < 0) b += len;
      if (e < 0 && pe) e += len;
      b = (b < 0 && st > 0) ? 0 : b;
      b = (b > len - 1 && st < 0) ? len - 1 : b;
      e = e < -1 ? -1 : (e > len ? len : e);
      if (len == 0) b = e = 0;
    }
    int64_t n = 0;
    if (b >= 0 && b < len) n = st > 0 ? (e > b ? (e - b - 1) / st + 1 : 0)
                                      : (e < b ? (b - e - 1) / (-st) + 1 : 0);
    r.begin.push_back(n > 0 ? b : 0);
    r.step.push_back(st);
    r.size.push_back(n);
  }
  return r;
}

std::vector<int> CanonicalAxes(const Shape& axes, const Shape& s, const char* who) {
  std::vector<int> out;
  for (int64_t a : axes) out.push_back(s.CanonicalAxis(static_cast<int>(a), who));
  return out;
}

Ranges SliceLikeRanges(const SliceLikeParam& p, const Shape& s, const Shape& like) {
  Ranges r{std::vector<int64_t>(s.ndim(), 0), std::vector<int64_t>(s.ndim(), 1), s.dims()};
  std::vector<int> axes;
  if (p.axes.ndim() == 0) {
    MX_CHECK_AS(ShapeError, like.ndim() == s.ndim())
        << "operator slice_like: data " << s << " and shape_like " << like
        << " must have the same number of dimensions when axes is ().";
    for (int d = 0; d < s.ndim(); ++d) axes.push_back(d);
  } else {
    axes = CanonicalAxes(p.axes, s, "slice_like");
  }
  for (int a : axes) {
    MX_CHECK_AS(ShapeError, a < like.ndim() && like[a] <= s[a])
        << "operator slice_like: axis " << a << " of shape_like " << like
        << " is missing or longer than data's " << s << ".";
    r.size[a] = like[a];
  }
  return r;
}

std::vector<int> SwapPerm(const SwapAxisParam& p, const Shape& s) {
  std::vector<int> perm(s.ndim());
  for (int d = 0; d < s.ndim(); ++d) perm[d] = d;
  int a = s.CanonicalAxis(p.dim1, "SwapAxis"), b = s.CanonicalAxis(p.dim2, "SwapAxis");
  std::swap(perm[a], perm[b]);
  return perm;
}

Ranges ReverseRanges(const ReverseParam& p, const Shape& s) {
  Ranges r{std::vector<int64_t>(s.ndim(), 0), std::vector<int64_t>(s.ndim(), 1), s.dims()};
  for (int a : CanonicalAxes(p.axis, s, "reverse")) {
    r.begin[a] = s[a] > 0 ? s[a] - 1 : 0;
    r.step[a] = -1;
  }
  return r;
}

// depth_to_space and space_to_depth (MXNet's DCR order) as a permutation of a 6-D view:
// depth_to_space reads (N, b, b, C / b^2, H, W) in the order (0, 3, 4, 1, 5, 2), space_to_depth
// reads (N, C, H / b, b, W / b, b) in the order (0, 3, 5, 1, 2, 4).
struct BlockView {
  Shape view, out;
  std::vector<int> perm;
};

BlockView BlockViewOf(const std::string& op, int block, const Shape& s) {
  MX_CHECK_AS(ShapeError, s.ndim() == 4)
      << "operator " << op << ": data must be (N, C, H, W); found " << s << ".";
  int64_t b = block, n = s[0], c = s[1], h = s[2], w = s[3];
  MX_CHECK_AS(ValueError, b > 0) << "operator " << op << ": block_size must be positive, found "
                                 << block << ".";
  if (op == "depth_to_space") {
    MX_CHECK_AS(ShapeError, c % (b * b) == 0)
        << "operator depth_to_space: the " << c << " channels of " << s
        << " must be a multiple of block_size^2 = " << b * b << ".";
    return {Shape({n, b, b, c / (b * b), h, w}), Shape({n, c / (b * b), h * b, w * b}),
            {0, 3, 4, 1, 5, 2}};
  }
  MX_CHECK_AS(ShapeError, h % b == 0 && w % b == 0)
      << "operator space_to_depth: height and width of " << s
      << " must be multiples of block_size " << b << ".";
  return {Shape({n, c, h / b, b, w / b, b}), Shape({n, c * b * b, h / b, w / b}),
          {0, 3, 5, 1, 2, 4}};
}

bool IsBlockOp(const std::string& op) { return op == "depth_to_space" || op == "space_to_depth"; }

Shape OutShape(const OpAttrs& attrs, const Shape& s, const Shape* like) {
  std::string op = ForwardName(attrs);
  if (IsBlockOp(op)) return BlockViewOf(op, attrs.get<BlockSizeParam>().block_size, s).out;
  if (op == "SwapAxis") {
    std::vector<int64_t> dims;
    for (int a : SwapPerm(attrs.get<SwapAxisParam>(), s)) dims.push_back(s[a]);
    return Shape(dims);
  }
  if (op == "reverse") return s;
  if (op == "slice") return Shape(SliceRanges(attrs.get<SliceParam>(), s).size);
  return Shape(SliceLikeRanges(attrs.get<SliceLikeParam>(), s, *like).size);
}

bool SliceFamilyShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  if (in->size() > 1 && (*in)[1].ndim() == 0) return false;  // slice_like's shape_like
  AssignShape(&(*out)[0], OutShape(attrs, s, in->size() > 1 ? &(*in)[1] : nullptr), attrs,
              "the output");
  return true;
}

// Registers a one-input member of the family: its shape, type and CPU kernel.
OpDef& SliceFamily(const char* name) {
  return OpRegistry::Get()
      ->Register(name)
      .NumInputs(1)
      .InputNames({"data"})
      .InferShape(SliceFamilyShape)
      .InferType(SameTypeInferType)
      .Compute(DeviceType::kCPU, SliceFamilyCompute<CPU>);
}

FGradient Self() {
  return [](const OpAttrs& attrs, GradContext* ctx) {
    return ctx->Op(attrs.op->name(), {ctx->OutGrad(0)}, attrs.dict);
  };
}

[[maybe_unused]] OpDef& k_slice = SliceFamily("slice")
    .Describe("A strided slice of data: begin/end/step per axis, None for the default.")
    .Params<SliceParam>()
    .Gradient(ViaBackwardWithInputs("slice", 1));

MX_REGISTER_OP(_backward_slice)
    .Describe("Gradient of slice: inputs (ograd, data); zeros outside the slice.")
    .NumInputs(2)
    .InputNames({"ograd", "data"})
    .Params<SliceParam>()
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, SliceFamilyBackward<CPU>);

MX_REGISTER_OP(slice_like)
    .Describe("data sliced from the start to shape_like's size along axes (all when ()).")
    .NumInputs(2)
    .InputNames({"data", "shape_like"})
    .Params<SliceLikeParam>()
    .InferShape(SliceFamilyShape)
    .InferType(FirstInputType)
    .Compute(DeviceType::kCPU, SliceFamilyCompute<CPU>)
    .Gradient(ViaBackwardWithInputs("slice_like", 1));

MX_REGISTER_OP(_backward_slice_like)
    .Describe("Gradient of slice_like for data: inputs (ograd, data, shape_like).")
    .NumInputs(3)
    .InputNames({"ograd", "data", "shape_like"})
    .Params<SliceLikeParam>()
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, SliceFamilyBackward<CPU>);

[[maybe_unused]] OpDef& k_reverse = SliceFamily("reverse")
    .Describe("data with the order of its elements reversed along the given axes (alias flip).")
    .Params<ReverseParam>()
    .Gradient(Self());

// depth_to_space and space_to_depth undo each other: each one's gradient is the other.
FGradient Inverse(const char* other) {
  return [other](const OpAttrs& attrs, GradContext* ctx) {
    return ctx->Op(other, {ctx->OutGrad(0)}, attrs.dict);
  };
}

[[maybe_unused]] OpDef& k_depth_to_space = SliceFamily("depth_to_space")
    .Describe("Moves channel blocks into spatial blocks: (N, C, H, W) -> (N, C/b^2, H b, W b).")
    .Params<BlockSizeParam>()
    .Gradient(Inverse("space_to_depth"));

[[maybe_unused]] OpDef& k_space_to_depth = SliceFamily("space_to_depth")
    .Describe("Moves spatial blocks into channels: (N, C, H, W) -> (N, C b^2, H/b, W/b).")
    .Params<BlockSizeParam>()
    .Gradient(Inverse("depth_to_space"));

[[maybe_unused]] OpDef& k_SwapAxis = SliceFamily("SwapAxis")
    .Describe("data with two axes interchanged (alias swapaxes).")
    .Params<SwapAxisParam>()
    .Gradient(Self());

}  // namespace

AxisMapPlan SliceLikePlanFor(const OpAttrs& attrs, const Shape& in, const Shape& out) {
  std::string op = ForwardName(attrs);
  if (op == "SwapAxis") return PermutePlan(in, SwapPerm(attrs.get<SwapAxisParam>(), in));
  if (IsBlockOp(op)) {
    BlockView v = BlockViewOf(op, attrs.get<BlockSizeParam>().block_size, in);
    return PermutePlan(v.view, v.perm);
  }
  Ranges r = op == "slice"     ? SliceRanges(attrs.get<SliceParam>(), in)
             : op == "reverse" ? ReverseRanges(attrs.get<ReverseParam>(), in)
                               : SliceLikeRanges(attrs.get<SliceLikeParam>(), in, out);
  return SlicePlan(in, r.begin, r.step, out);
}

}  // namespace mx
