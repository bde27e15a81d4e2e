#include "core/op/params.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/base/error.h"

namespace mx {

ParamValue::ParamValue(double v) {
  if (std::isnan(v)) {
    s_ = "nan";
  } else if (std::isinf(v)) {
    s_ = v > 0 ? "inf" : "-inf";
  } else {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    s_.assign(buf, r.ptr);
    if (s_.find_first_of(".e") == std::string::npos) s_ += ".0";  // Python repr: 1.0
  }
}

ParamValue::ParamValue(std::initializer_list<int64_t> tuple) : ParamValue(Shape(tuple)) {}

ParamValue::ParamValue(const Shape& tuple) : s_(tuple.ToPythonString()) {}

std::string DefaultText(bool v) { return ParamValue(v).str(); }
std::string DefaultText(int v) { return ParamValue(v).str(); }
std::string DefaultText(int64_t v) { return ParamValue(static_cast<long long>(v)).str(); }
std::string DefaultText(float v) { return ParamValue(v).str(); }
std::string DefaultText(double v) { return ParamValue(v).str(); }
std::string DefaultText(const std::string& v) { return "'" + v + "'"; }
std::string DefaultText(const Shape& v) { return v.ToPythonString(); }
std::string DefaultText(DType v) { return DTypeName(v); }

ParamMap ToParamMap(const Params& params) {
  ParamMap m;
  for (const auto& kv : params) m[kv.first] = kv.second.str();
  return m;
}

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\n");
  return s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool IsHiddenAttr(const std::string& key) {
  return key == "name" ||
         (key.size() > 4 && key.rfind("__", 0) == 0 && key.compare(key.size() - 2, 2, "__") == 0);
}

bool ParseValue(const std::string& raw, bool* out) {
  std::string s = Lower(Trim(raw));
  if (s == "true" || s == "1") {
    *out = true;
    return true;
  }
  if (s == "false" || s == "0") {
    *out = false;
    return true;
  }
  return false;
}

bool ParseValue(const std::string& raw, int64_t* out) {
  std::string s = Trim(raw);
  if (s.empty()) return false;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end == 'L' || *end == 'l') ++end;  // Python 2 longs
  if (*end != '\0') return false;
  *out = v;
  return true;
}

bool ParseValue(const std::string& s, int* out) {
  int64_t v;
  if (!ParseValue(s, &v) || v < INT32_MIN || v > INT32_MAX) return false;
  *out = static_cast<int>(v);
  return true;
}

bool ParseValue(const std::string& raw, double* out) {
  std::string s = Lower(Trim(raw));
  if (s.empty()) return false;
  if (s == "inf" || s == "+inf") {
    *out = INFINITY;
    return true;
  }
  if (s == "-inf") {
    *out = -INFINITY;
    return true;
  }
  if (s == "nan") {
    *out = NAN;
    return true;
  }
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (*end == 'f') ++end;
  if (*end != '\0') return false;
  *out = v;
  return true;
}

bool ParseValue(const std::string& s, float* out) {
  double v;
  if (!ParseValue(s, &v)) return false;
  *out = static_cast<float>(v);
  return true;
}

bool ParseValue(const std::string& s, std::string* out) {
  *out = Trim(s);
  return true;
}

bool ParseValue(const std::string& raw, Shape* out) {
  std::string s = Trim(raw);
  if (s.empty()) return false;
  if ((s.front() == '(' && s.back() == ')') || (s.front() == '[' && s.back() == ']'))
    s = s.substr(1, s.size() - 2);
  std::vector<int64_t> dims;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = Trim(item);
    if (item.empty()) continue;  // "(5,)" and "()"
    int64_t v;
    if (!ParseValue(item, &v)) return false;
    dims.push_back(v);
  }
  *out = Shape(dims);
  return true;
}

bool ParseValue(const std::string& s, DType* out) {
  std::string t = Trim(s);
  for (int i = 0; i < kNumDTypes; ++i) {
    if (t == DTypeName(static_cast<DType>(i))) {
      *out = static_cast<DType>(i);
      return true;
    }
  }
  if (t == "float" || t == "half" || t == "double") {
    *out = DTypeFromName(t);
    return true;
  }
  return false;
}

const char* ParamTypeName(bool*) { return "a boolean (True/False/1/0)"; }
const char* ParamTypeName(int*) { return "an integer"; }
const char* ParamTypeName(int64_t*) { return "an integer"; }
const char* ParamTypeName(float*) { return "a number"; }
const char* ParamTypeName(double*) { return "a number"; }
const char* ParamTypeName(std::string*) { return "a string"; }
const char* ParamTypeName(Shape*) { return "a tuple of integers like (3, 3)"; }
const char* ParamTypeName(DType*) { return "a dtype name like float32"; }

std::vector<std::string> ParamDeclarer::FieldNames() const {
  std::vector<std::string> names;
  for (const auto& f : fields_) names.push_back(f->name);
  return names;
}

void ParamDeclarer::Init(const ParamMap& dict, const std::string& op_name) const {
  auto valid = [&] {
    std::string v;
    for (const auto& f : fields_) v += (v.empty() ? "" : ", ") + f->name;
    return v.empty() ? std::string("(none)") : v;
  };
  for (const auto& f : fields_)
    if (f->set_default) f->set_default();
  for (const auto& kv : dict) {
    const std::string& key = kv.first;
    if (IsHiddenAttr(key)) continue;
    auto it = std::find_if(fields_.begin(), fields_.end(),
                           [&](const std::unique_ptr<Field>& f) { return f->name == key; });
    MX_CHECK_AS(ValueError, it != fields_.end())
        << "operator " << op_name << ": unknown parameter '" << key
        << "'; valid parameters are: " << valid() << ".";
    const Field& f = **it;
    bool ok = f.set(kv.second);
    if (ok && !f.enum_values.empty()) {
      std::string v = Trim(kv.second);
      ok = std::find(f.enum_values.begin(), f.enum_values.end(), v) != f.enum_values.end();
      if (!ok) {
        std::string choices;
        for (const auto& c : f.enum_values) choices += (choices.empty() ? "" : ", ") + c;
        MX_THROW(ValueError) << "operator " << op_name << ": parameter '" << key << "' got '"
                             << kv.second << "'; valid values are: " << choices << ".";
      }
    }
    MX_CHECK_AS(ValueError, ok) << "operator " << op_name << ": parameter '" << key << "' expects "
                                << f.type_name << ", found '" << kv.second << "'.";
  }
  for (const auto& f : fields_) {
    MX_CHECK_AS(ValueError, !f->required || dict.count(f->name))
        << "operator " << op_name << ": required parameter '" << f->name << "' (" << f->type_name
        << ") is missing.";
  }
}

}  // namespace mx
