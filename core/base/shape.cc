#include "core/base/shape.h"

#include <algorithm>
#include <sstream>

#include "core/base/error.h"

namespace mx {

int64_t Shape::Size() const { return ProdRange(0, ndim()); }

int64_t Shape::ProdRange(int begin, int end) const {
  int64_t p = 1;
  for (int i = begin; i < end; ++i) p *= dims_[i];
  return p;
}

std::vector<int64_t> Shape::Strides() const {
  std::vector<int64_t> s(dims_.size());
  int64_t acc = 1;
  for (int i = ndim() - 1; i >= 0; --i) {
    s[i] = acc;
    acc *= dims_[i];
  }
  return s;
}

int Shape::CanonicalAxis(int axis, const char* who) const {
  int n = ndim();
  MX_CHECK_AS(ValueError, axis >= -n && axis < n)
      << who << ": axis " << axis << " is out of range for an array of shape " << *this << " (" << n
      << " dimensions); use an axis in [" << -n << ", " << n << ").";
  return axis < 0 ? axis + n : axis;
}

std::string Shape::ToString() const {
  std::ostringstream os;
  os << '(';
  for (int i = 0; i < ndim(); ++i) os << (i ? "," : "") << dims_[i];
  os << ')';
  return os.str();
}

std::string Shape::ToPythonString() const {
  std::ostringstream os;
  os << '(';
  for (int i = 0; i < ndim(); ++i) os << (i ? ", " : "") << dims_[i];
  if (ndim() == 1) os << ',';
  os << ')';
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << s.ToString(); }

namespace {

std::string TargetString(const std::vector<int64_t>& t) {
  std::ostringstream os;
  os << '(';
  for (size_t i = 0; i < t.size(); ++i) os << (i ? "," : "") << t[i];
  os << ')';
  return os.str();
}

}  // namespace

Shape InferReshape(const Shape& in_shape, const std::vector<int64_t>& target_in, bool reverse) {
  std::vector<int64_t> in(in_shape.begin(), in_shape.end());
  std::vector<int64_t> target = target_in;
  if (reverse) {
    std::reverse(in.begin(), in.end());
    std::reverse(target.begin(), target.end());
  }
  std::vector<int64_t> out;
  int infer_at = -1;
  size_t src = 0;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t t = target[i];
    if (t > 0) {
      out.push_back(t);
      ++src;
    } else if (t == 0) {
      MX_CHECK_AS(ShapeError, src < in.size())
          << "Reshape: code 0 at position " << i << " of target " << TargetString(target_in)
          << " copies an input dimension, but input shape " << in_shape << " has only " << in.size()
          << " dimensions.";
      out.push_back(in[src++]);
    } else if (t == -1) {
      MX_CHECK_AS(ShapeError, infer_at < 0)
          << "Reshape: target " << TargetString(target_in)
          << " has more than one -1; only one dimension can be inferred.";
      infer_at = static_cast<int>(out.size());
      out.push_back(1);
      ++src;
    } else if (t == -2) {
      while (src < in.size()) out.push_back(in[src++]);
    } else if (t == -3) {
      MX_CHECK_AS(ShapeError, src + 1 < in.size())
          << "Reshape: code -3 in target " << TargetString(target_in)
          << " merges two input dimensions, but input shape " << in_shape
          << " has none left at that position.";
      out.push_back(in[src] * in[src + 1]);
      src += 2;
    } else if (t == -4) {
      MX_CHECK_AS(ShapeError, i + 2 < target.size() && src < in.size())
          << "Reshape: code -4 in target " << TargetString(target_in)
          << " must be followed by two values and match an input dimension of " << in_shape << ".";
      int64_t d0 = target[i + 1], d1 = target[i + 2];
      int64_t whole = in[src++];
      MX_CHECK_AS(ShapeError, !(d0 == -1 && d1 == -1))
          << "Reshape: code -4 in target " << TargetString(target_in)
          << " splits into (-1, -1); at most one of the two may be -1.";
      if (d0 == -1) d0 = d1 ? whole / d1 : 0;
      if (d1 == -1) d1 = d0 ? whole / d0 : 0;
      MX_CHECK_AS(ShapeError, d0 * d1 == whole)
          << "Reshape: code -4 splits dimension " << whole << " of " << in_shape << " into " << d0
          << " x " << d1 << ", which does not multiply back to " << whole << ".";
      out.push_back(d0);
      out.push_back(d1);
      i += 2;
    } else {
      MX_THROW(ShapeError) << "Reshape: invalid code " << t << " in target "
                           << TargetString(target_in)
                           << "; valid values are positive sizes, 0, -1, -2, -3 and -4.";
    }
  }
  int64_t total = in_shape.Size();
  if (infer_at >= 0) {
    int64_t known = 1;
    for (size_t i = 0; i < out.size(); ++i)
      if (static_cast<int>(i) != infer_at) known *= out[i];
    MX_CHECK_AS(ShapeError, known != 0 && total % known == 0)
        << "Reshape: cannot reshape array of shape " << in_shape << " (" << total
        << " elements) into " << TargetString(target_in) << ": " << total
        << " is not divisible by the known dimensions' product " << known << ".";
    out[infer_at] = total / known;
  }
  if (reverse) std::reverse(out.begin(), out.end());
  Shape result(out);
  MX_CHECK_AS(ShapeError, result.Size() == total)
      << "Reshape: cannot reshape array of shape " << in_shape << " (" << total
      << " elements) into " << TargetString(target_in) << ", which resolves to " << result << " ("
      << result.Size() << " elements). The element counts must match.";
  return result;
}

Shape BroadcastShapes(const Shape& a, const Shape& b, const char* who) {
  int n = std::max(a.ndim(), b.ndim());
  std::vector<int64_t> out(n);
  for (int i = 0; i < n; ++i) {
    int ia = a.ndim() - n + i, ib = b.ndim() - n + i;
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    MX_CHECK_AS(ShapeError, da == db || da == 1 || db == 1)
        << who << ": operands could not be broadcast together with shapes " << a << " and " << b
        << ": dimension " << i << " (counted after aligning trailing axes) is " << da
        << " in the first and " << db
        << " in the second. Broadcasting needs each trailing dimension to be equal or 1; reshape "
           "one operand.";
    out[i] = (da == 1) ? db : da;
  }
  return Shape(out);
}

}  // namespace mx
