// Shape and type inference of the layout operators (matrix-inl.h).
#include <algorithm>

#include "core/ops/matrix/matrix-inl.h"

namespace mx {
namespace {

std::string OpName(const OpAttrs& a) { return a.op->name(); }

}  // namespace

bool ReshapeShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[0].ndim() == 0) return false;
  const auto& p = attrs.get<ReshapeParam>();
  MX_CHECK_AS(ValueError, p.shape.ndim() > 0)
      << "operator Reshape: parameter 'shape' is required (e.g. {\"shape\", {2, -1}}).";
  AssignShape(&(*out)[0], InferReshape((*in)[0], p.shape.dims(), p.reverse), attrs, "the output");
  return true;
}

bool FlattenShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  AssignShape(&(*out)[0], Shape{s[0], s.ProdRange(1, s.ndim())}, attrs, "the output");
  return true;
}

bool ExpandDimsShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  int axis = attrs.get<ExpandDimsParam>().axis;
  int n = s.ndim() + 1;
  MX_CHECK_AS(ValueError, axis >= -n && axis < n)
      << "operator expand_dims: axis " << axis << " is out of range for a result with " << n
      << " dimensions; use an axis in [" << -n << ", " << n << ").";
  if (axis < 0) axis += n;
  std::vector<int64_t> dims = s.dims();
  dims.insert(dims.begin() + axis, 1);
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

bool SqueezeShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  const auto& axis = attrs.get<SqueezeParam>().axis;
  std::vector<bool> drop(s.ndim(), false);
  if (axis && axis->ndim() > 0) {
    for (int64_t a : axis->dims()) {
      int d = s.CanonicalAxis(static_cast<int>(a), "squeeze");
      MX_CHECK_AS(ShapeError, s[d] == 1)
          << "operator squeeze: axis " << a << " of shape " << s << " has size " << s[d]
          << "; only axes of size 1 can be squeezed.";
      drop[d] = true;
    }
  } else {
    for (int d = 0; d < s.ndim(); ++d) drop[d] = s[d] == 1;
  }
  std::vector<int64_t> dims;
  for (int d = 0; d < s.ndim(); ++d)
    if (!drop[d]) dims.push_back(s[d]);
  if (dims.empty()) dims.push_back(1);
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

std::vector<int> TransposeAxes(const OpAttrs& attrs, int ndim) {
  const Shape& axes = attrs.get<TransposeParam>().axes;
  std::vector<int> perm;
  if (axes.ndim() == 0) {
    for (int d = ndim - 1; d >= 0; --d) perm.push_back(d);
    return perm;
  }
  MX_CHECK_AS(ValueError, axes.ndim() == ndim)
      << "operator transpose: axes " << axes << " has " << axes.ndim()
      << " entries but the input has " << ndim << " dimensions.";
  std::vector<bool> seen(ndim, false);
  for (int64_t a : axes.dims()) {
    int d = static_cast<int>(a < 0 ? a + ndim : a);
    MX_CHECK_AS(ValueError, d >= 0 && d < ndim && !seen[d])
        << "operator transpose: axes " << axes << " is not a permutation of 0.." << ndim - 1 << ".";
    seen[d] = true;
    perm.push_back(d);
  }
  return perm;
}

bool TransposeShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  std::vector<int> perm = TransposeAxes(attrs, s.ndim());
  std::vector<int64_t> dims;
  for (int d : perm) dims.push_back(s[d]);
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

namespace {

// Joins shapes along `axis`; `stack` inserts a new axis instead.
bool JoinShapes(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out, int axis,
                bool stack) {
  Shape ref;
  for (const Shape& s : *in)
    if (s.ndim()) ref = s;
  if (ref.ndim() == 0) return false;
  int n = ref.ndim() + (stack ? 1 : 0);
  MX_CHECK_AS(ValueError, axis >= -n && axis < n)
      << "operator " << OpName(attrs) << ": axis " << axis << " is out of range for inputs of "
      << "shape " << ref << ".";
  if (axis < 0) axis += n;
  int64_t total = 0;
  for (size_t k = 0; k < in->size(); ++k) {
    const Shape& s = (*in)[k];
    if (s.ndim() == 0) return false;
    MX_CHECK_AS(ShapeError, s.ndim() == ref.ndim())
        << "operator " << OpName(attrs) << ": input " << k << " has shape " << s
        << " but input shapes must have " << ref.ndim() << " dimensions like " << ref << ".";
    for (int d = 0; d < s.ndim(); ++d) {
      if (!stack && d == axis) continue;
      MX_CHECK_AS(ShapeError, s[d] == ref[d])
          << "operator " << OpName(attrs) << ": input " << k << " has shape " << s
          << ", which differs from " << ref << " in dimension " << d
          << (stack ? "; stacked arrays must have equal shapes."
                    : "; only the concatenation axis may differ.");
    }
    total += stack ? 1 : s[axis];
  }
  std::vector<int64_t> dims = ref.dims();
  if (stack)
    dims.insert(dims.begin() + axis, total);
  else
    dims[axis] = total;
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

}  // namespace

bool ConcatShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  return JoinShapes(attrs, in, out, attrs.get<ConcatParam>().dim, false);
}

bool StackShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  return JoinShapes(attrs, in, out, attrs.get<StackParam>().axis, true);
}

bool SliceChannelShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  const auto& p = attrs.get<SliceChannelParam>();
  int axis = s.CanonicalAxis(p.axis, "SliceChannel");
  MX_CHECK_AS(ShapeError, p.num_outputs > 0 && s[axis] % p.num_outputs == 0)
      << "operator SliceChannel: axis " << axis << " of shape " << s << " has size " << s[axis]
      << ", which does not split into " << p.num_outputs << " equal parts.";
  std::vector<int64_t> dims = s.dims();
  dims[axis] /= p.num_outputs;
  if (p.squeeze_axis) {
    MX_CHECK_AS(ShapeError, dims[axis] == 1)
        << "operator SliceChannel: squeeze_axis needs parts of size 1 along axis " << axis
        << ", found " << dims[axis] << ".";
    dims.erase(dims.begin() + axis);
    if (dims.empty()) dims.push_back(1);
  }
  for (Shape& o : *out) AssignShape(&o, Shape(dims), attrs, "an output");
  return true;
}

void SliceAxisRange(const SliceAxisParam& p, int64_t len, int64_t* begin, int64_t* end) {
  int64_t b = p.begin, e = p.end ? *p.end : len;
  if (b < 0) b += len;
  if (e < 0) e += len;
  MX_CHECK_AS(IndexError, b >= 0 && b < e && e <= len)
      << "operator slice_axis: range [" << p.begin << ", "
      << (p.end ? std::to_string(*p.end) : std::string("None")) << ") is empty or out of range "
      << "for an axis of length " << len << ".";
  *begin = b;
  *end = e;
}

bool SliceAxisShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  const auto& p = attrs.get<SliceAxisParam>();
  int axis = s.CanonicalAxis(p.axis, "slice_axis");
  int64_t b, e;
  SliceAxisRange(p, s[axis], &b, &e);
  std::vector<int64_t> dims = s.dims();
  dims[axis] = e - b;
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

bool OneHotShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  int depth = attrs.get<OneHotParam>().depth;
  MX_CHECK_AS(ValueError, depth > 0) << "operator one_hot: depth must be > 0, found " << depth;
  std::vector<int64_t> dims = s.dims();
  dims.push_back(depth);
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

bool OneHotType(const OpAttrs& attrs, std::vector<int>*, std::vector<int>* out) {
  (*out)[0] = static_cast<int>(attrs.get<OneHotParam>().dtype);
  return true;
}

bool TakeShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  const Shape& idx = (*in)[1];
  if (a.ndim() == 0 || idx.ndim() == 0) return false;
  int axis = a.CanonicalAxis(attrs.get<TakeParam>().axis, "take");
  std::vector<int64_t> dims(a.begin(), a.begin() + axis);
  dims.insert(dims.end(), idx.begin(), idx.end());
  dims.insert(dims.end(), a.begin() + axis + 1, a.end());
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

bool TakeType(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  (*out)[0] = (*in)[0];
  return true;
}

bool WhereShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& c = (*in)[0];
  const Shape& x = (*in)[1];
  const Shape& y = (*in)[2];
  if (c.ndim() == 0 || x.ndim() == 0 || y.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, x == y) << "operator where: x has shape " << x << " but y has shape " << y
                                  << "; they must be equal.";
  MX_CHECK_AS(ShapeError, c == x || (c.ndim() == 1 && c[0] == x[0]))
      << "operator where: condition has shape " << c << "; it must equal x's shape " << x
      << " or be 1-D of length " << x[0] << ".";
  AssignShape(&(*out)[0], x, attrs, "the output");
  return true;
}

bool WhereType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[1] < 0 || (*in)[2] < 0) return false;
  MX_CHECK_AS(TypeError, (*in)[1] == (*in)[2])
      << "operator where: x is " << static_cast<DType>((*in)[1]) << " but y is "
      << static_cast<DType>((*in)[2]) << "; they must have the same dtype.";
  (void)attrs;
  (*out)[0] = (*in)[1];
  return true;
}

bool ReshapeLikeShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& a = (*in)[0];
  const Shape& b = (*in)[1];
  if (a.ndim() == 0 || b.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, a.Size() == b.Size())
      << "operator reshape_like: data of shape " << a << " (" << a.Size()
      << " elements) cannot take the shape " << b << " (" << b.Size() << " elements).";
  AssignShape(&(*out)[0], b, attrs, "the output");
  return true;
}

bool FirstInputType(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  (*out)[0] = (*in)[0];
  return true;
}

bool CastType(const OpAttrs& attrs, std::vector<int>*, std::vector<int>* out) {
  (*out)[0] = static_cast<int>(attrs.get<CastParam>().dtype);
  return true;
}

void CheckTakeIndices(const TBlob& idx, int64_t axis_len) {
  MX_TYPE_SWITCH_ARITH(idx.dtype, I, "take indices", {
    const I* p = idx.ptr<I>();
    for (int64_t i = 0; i < idx.size(); ++i) {
      double v = ConvertValue<double>(p[i]);
      MX_CHECK_AS(IndexError, v >= 0 && v < axis_len)
          << "operator take (mode 'raise'): index " << v << " at position " << i
          << " is out of range for an axis of length " << axis_len
          << "; use mode 'clip' or 'wrap', or fix the indices.";
    }
  });
}

}  // namespace mx
