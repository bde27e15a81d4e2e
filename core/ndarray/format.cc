// A port of numpy's arrayprint (_formatArray, FloatingFormat, IntegerFormat, BoolFormat) for the
// default print options. Shortest round-trip digits come from std::to_chars (float32/float64)
// or a search over precisions (float16, bfloat16), as numpy's Dragon4 in "unique" mode.
#include "core/ndarray/format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>

#include "core/ndarray/ndarray.h"

namespace mx {
namespace {

constexpr int kPrecision = 8;
constexpr int kLineWidth = 75;
constexpr int64_t kThreshold = 1000;
constexpr int kEdgeItems = 3;

// Shortest decimal digits that round-trip in a dtype: value = d1.d2d3... x 10^exp.
struct Digits {
  bool negative = false;
  std::string digits;  // no leading zeros unless the value is 0 ("0")
  int exp = 0;         // decimal exponent of the first digit
};

Digits ParseScientific(const char* s) {
  Digits d;
  if (*s == '-') {
    d.negative = true;
    ++s;
  }
  const char* e = s;
  while (*e && *e != 'e' && *e != 'E') {
    if (*e >= '0' && *e <= '9') d.digits += *e;
    ++e;
  }
  d.exp = *e ? std::atoi(e + 1) : 0;
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  return d;
}

bool RoundTrips(double candidate, double value, DType t) {
  if (t == DType::kFloat16)
    return half_t(static_cast<float>(candidate)).bits == half_t(static_cast<float>(value)).bits;
  return bf16_t(static_cast<float>(candidate)).bits == bf16_t(static_cast<float>(value)).bits;
}

Digits ShortestDigits(double v, DType t) {
  char buf[64];
  if (t == DType::kFloat64) {
    auto r = std::to_chars(buf, buf + sizeof(buf) - 1, v, std::chars_format::scientific);
    *r.ptr = '\0';
  } else if (t == DType::kFloat32) {
    auto r = std::to_chars(buf, buf + sizeof(buf) - 1, static_cast<float>(v),
                           std::chars_format::scientific);
    *r.ptr = '\0';
  } else {
    for (int p = 0; p < 17; ++p) {
      std::snprintf(buf, sizeof(buf), "%.*e", p, v);
      if (RoundTrips(std::strtod(buf, nullptr), v, t)) break;
    }
  }
  return ParseScientific(buf);
}

// numpy's dragon4_positional(x, precision=8, unique=True, fractional=True, trim='.'), split
// into integer part (with sign) and fractional digits.
void Positional(double v, DType t, std::string* int_part, std::string* frac_part) {
  Digits d = ShortestDigits(v, t);
  int frac_digits = static_cast<int>(d.digits.size()) - 1 - d.exp;
  std::string s;
  if (frac_digits > kPrecision) {
    char buf[512];
    std::snprintf(buf, sizeof(buf), "%.*f", kPrecision, v);
    s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
  } else {
    std::string digits = d.digits == "0" ? "" : d.digits;
    std::string ip, fp;
    if (digits.empty()) {
      ip = "0";
    } else if (d.exp >= 0) {
      for (int i = 0; i <= d.exp; ++i) ip += i < static_cast<int>(digits.size()) ? digits[i] : '0';
      if (static_cast<int>(digits.size()) > d.exp + 1) fp = digits.substr(d.exp + 1);
    } else {
      ip = "0";
      fp = std::string(-d.exp - 1, '0') + digits;
    }
    s = (d.negative ? "-" : "") + ip + "." + fp;
  }
  size_t dot = s.find('.');
  *int_part = s.substr(0, dot);
  *frac_part = s.substr(dot + 1);
}

// numpy's dragon4_scientific(x, precision=8, unique=True, trim='.') split into mantissa integer
// part (with sign), mantissa fraction digits and exponent (signed int).
void Scientific(double v, DType t, std::string* int_part, std::string* frac_part, int* exp) {
  Digits d = ShortestDigits(v, t);
  if (static_cast<int>(d.digits.size()) - 1 > kPrecision) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*e", kPrecision, v);
    d = ParseScientific(buf);
  }
  *int_part = (d.negative ? "-" : "") + d.digits.substr(0, 1);
  *frac_part = d.digits.size() > 1 ? d.digits.substr(1) : "";
  *exp = d.digits == "0" ? 0 : d.exp;
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

using ElementFormatter = std::function<std::string(int64_t)>;

ElementFormatter MakeFloatFormatter(const HostValues& v, const std::vector<int64_t>& shown) {
  std::vector<double> finite;
  bool has_nonfinite = false, has_neg_inf = false;
  for (int64_t i : shown) {
    double x = v.floats[i];
    if (std::isfinite(x)) {
      finite.push_back(x);
    } else {
      has_nonfinite = true;
      if (std::isinf(x) && x < 0) has_neg_inf = true;
    }
  }
  bool exp_format = false;
  double max_val = 0, min_val = INFINITY;
  for (double x : finite) {
    double a = std::fabs(x);
    if (a == 0) continue;
    max_val = std::max(max_val, a);
    min_val = std::min(min_val, a);
  }
  if (max_val > 0) {
    // numpy compares in the array's dtype.
    double maxv = max_val, minv = min_val;
    if (v.dtype == DType::kFloat32) {
      exp_format = static_cast<float>(maxv) >= 1.e8f || static_cast<float>(minv) < 0.0001f ||
                   static_cast<float>(maxv) / static_cast<float>(minv) > 1000.f;
    } else {
      exp_format = maxv >= 1.e8 || minv < 0.0001 || maxv / minv > 1000.;
    }
  }
  size_t pad_left = 0, pad_right = 0;
  int precision = 0, exp_size = -1;
  DType t = v.dtype;
  if (!finite.empty() && exp_format) {
    size_t max_exp_len = 0;
    for (double x : finite) {
      std::string ip, fp;
      int e;
      Scientific(x, t, &ip, &fp, &e);
      precision = std::max(precision, static_cast<int>(fp.size()));
      pad_left = std::max(pad_left, ip.size());
      size_t elen = std::to_string(std::abs(e)).size();
      max_exp_len = std::max(max_exp_len, std::max<size_t>(elen, 2));
    }
    exp_size = static_cast<int>(max_exp_len);
    pad_right = exp_size + 2 + precision;
  } else if (!finite.empty()) {
    for (double x : finite) {
      std::string ip, fp;
      Positional(x, t, &ip, &fp);
      pad_left = std::max(pad_left, ip.size());
      pad_right = std::max(pad_right, fp.size());
    }
  }
  if (has_nonfinite) {
    size_t offset = pad_right + 1;
    size_t nanlen = 3, inflen = 3 + (has_neg_inf ? 1 : 0);
    if (nanlen > offset) pad_left = std::max(pad_left, nanlen - offset);
    if (inflen > offset) pad_left = std::max(pad_left, inflen - offset);
  }
  return [&v, t, exp_format, pad_left, pad_right, precision, exp_size](int64_t i) {
    double x = v.floats[i];
    if (!std::isfinite(x)) {
      std::string r = std::isnan(x) ? "nan" : (x < 0 ? "-inf" : "inf");
      return PadLeft(r, pad_left + pad_right + 1);
    }
    std::string ip, fp;
    if (exp_format) {
      int e;
      Scientific(x, t, &ip, &fp, &e);
      if (static_cast<int>(fp.size()) < precision) {
        // numpy's min_digits: more digits of the exact value, the last one rounded.
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.*e", precision, x);
        Digits d = ParseScientific(buf);
        d.digits.resize(precision + 1, '0');
        ip = (d.negative ? "-" : "") + d.digits.substr(0, 1);
        fp = d.digits.substr(1);
        e = d.exp;
      }
      std::string es = std::to_string(std::abs(e));
      es = std::string(std::max<int>(0, exp_size - static_cast<int>(es.size())), '0') + es;
      return PadLeft(ip, pad_left) + "." + fp + "e" + (e < 0 ? "-" : "+") + es;
    }
    Positional(x, t, &ip, &fp);
    return PadLeft(ip, pad_left) + "." + fp + std::string(pad_right - fp.size(), ' ');
  };
}

template <typename I>
ElementFormatter MakeIntFormatter(const std::vector<I>& data, const std::vector<int64_t>& shown) {
  size_t width = 0;
  for (int64_t i : shown) width = std::max(width, std::to_string(data[i]).size());
  return [&data, width](int64_t i) { return PadLeft(std::to_string(data[i]), width); };
}

// numpy's _extendLine for the default (non-legacy) mode.
void ExtendLine(std::string* s, std::string* line, const std::string& word, size_t line_width,
                const std::string& next_line_prefix) {
  bool needs_wrap = line->size() + word.size() > line_width;
  if (line->size() <= next_line_prefix.size()) needs_wrap = false;
  if (needs_wrap) {
    std::string l = *line;
    while (!l.empty() && l.back() == ' ') l.pop_back();
    *s += l + "\n";
    *line = next_line_prefix;
  }
  *line += word;
}

class ArrayFormatter {
 public:
  ArrayFormatter(const Shape& shape, bool summarize, ElementFormatter fmt)
      : shape_(shape), strides_(shape.Strides()), summarize_(summarize), fmt_(std::move(fmt)) {}

  std::string Format() { return Recurse(0, 0, " ", kLineWidth); }

 private:
  std::string Recurse(int axis, int64_t offset, const std::string& hanging_indent, int curr_width) {
    int axes_left = shape_.ndim() - axis;
    if (axes_left == 0) return fmt_(offset);
    std::string next_hanging_indent = hanging_indent + " ";
    int next_width = curr_width - 1;
    int64_t len = shape_[axis];
    bool show_summary = summarize_ && 2 * kEdgeItems < len;
    int64_t leading = show_summary ? kEdgeItems : 0;
    int64_t trailing = show_summary ? kEdgeItems : len;
    auto child = [&](int64_t idx) {
      return Recurse(axis + 1, offset + idx * strides_[axis], next_hanging_indent, next_width);
    };
    std::string s;
    if (axes_left == 1) {
      size_t elem_width = curr_width - 1;  // max(len(separator.rstrip()), len(']')) == 1
      std::string line = hanging_indent;
      for (int64_t i = 0; i < leading; ++i) {
        ExtendLine(&s, &line, child(i), elem_width, hanging_indent);
        line += " ";
      }
      if (show_summary) {
        ExtendLine(&s, &line, "...", elem_width, hanging_indent);
        line += " ";
      }
      for (int64_t i = trailing; i > 1; --i) {
        ExtendLine(&s, &line, child(len - i), elem_width, hanging_indent);
        line += " ";
      }
      ExtendLine(&s, &line, child(len - 1), elem_width, hanging_indent);
      s += line;
    } else {
      // separator.rstrip() is empty for ' ', so rows are separated by newlines only.
      std::string line_sep(axes_left - 1, '\n');
      for (int64_t i = 0; i < leading; ++i) s += hanging_indent + child(i) + line_sep;
      if (show_summary) s += hanging_indent + "..." + line_sep;
      for (int64_t i = trailing; i > 1; --i) s += hanging_indent + child(len - i) + line_sep;
      s += hanging_indent + child(len - 1);
    }
    return "[" + s.substr(hanging_indent.size()) + "]";
  }

  Shape shape_;
  std::vector<int64_t> strides_;
  bool summarize_;
  ElementFormatter fmt_;
};

// Flat indices of the elements that will be printed (all, or the edge items when summarized).
void CollectShown(const Shape& shape, const std::vector<int64_t>& strides, bool summarize, int axis,
                  int64_t offset, std::vector<int64_t>* out) {
  if (axis == shape.ndim()) {
    out->push_back(offset);
    return;
  }
  int64_t len = shape[axis];
  for (int64_t i = 0; i < len; ++i) {
    if (summarize && len > 2 * kEdgeItems && i == kEdgeItems) i = len - kEdgeItems;
    CollectShown(shape, strides, summarize, axis + 1, offset + i * strides[axis], out);
  }
}

}  // namespace

std::string FormatHostValues(const HostValues& v) {
  int64_t size = v.shape.Size();
  if (size == 0) return "[]";
  bool summarize = size > kThreshold;
  std::vector<int64_t> shown;
  CollectShown(v.shape, v.shape.Strides(), summarize, 0, 0, &shown);
  ElementFormatter fmt;
  if (v.dtype == DType::kBool) {
    fmt = [&v](int64_t i) { return std::string(v.floats[i] != 0 ? " True" : "False"); };
  } else if (IsFloatingPoint(v.dtype)) {
    fmt = MakeFloatFormatter(v, shown);
  } else if (IsSigned(v.dtype)) {
    fmt = MakeIntFormatter(v.ints, shown);
  } else {
    fmt = MakeIntFormatter(v.uints, shown);
  }
  if (v.shape.ndim() == 0) {
    std::string s = fmt(0);
    size_t b = s.find_first_not_of(' ');
    return s.substr(b == std::string::npos ? 0 : b);
  }
  return ArrayFormatter(v.shape, summarize, fmt).Format();
}

std::string FormatArrayValues(const NDArray& a) {
  HostValues v;
  v.dtype = a.dtype();
  v.shape = a.shape();
  if (IsFloatingPoint(v.dtype) || v.dtype == DType::kBool) {
    v.floats = a.ToVector<double>();
  } else if (IsSigned(v.dtype)) {
    v.ints = a.ToVector<int64_t>();
  } else {
    v.uints = a.ToVector<uint64_t>();
  }
  return FormatHostValues(v);
}

}  // namespace mx
