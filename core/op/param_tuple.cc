#include "core/op/param_tuple.h"

#include <sstream>

#include "core/op/params.h"

namespace mx {

bool ParseValue(const std::string& raw, OptionalTuple* out) {
  std::string s;
  if (!ParseValue(raw, &s) || s.empty()) return false;  // trims
  bool bracketed = (s.front() == '(' && s.back() == ')') || (s.front() == '[' && s.back() == ']');
  if (bracketed) s = s.substr(1, s.size() - 2);
  OptionalTuple t;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::string v;
    ParseValue(item, &v);
    if (v.empty()) {
      if (ss.eof()) break;  // "(5,)" and "()"
      return false;         // "(1,,2)"
    }
    std::optional<int64_t> x;
    if (v == "None" || v == "none") {
      t.items.push_back(x);
      continue;
    }
    int64_t n;
    if (!ParseValue(v, &n)) return false;
    t.items.push_back(n);
  }
  *out = t;
  return true;
}

std::string DefaultText(const OptionalTuple& v) {
  std::string s = "(";
  for (int i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += v.items[i] ? std::to_string(*v.items[i]) : "None";
  }
  return s + (v.size() == 1 ? ",)" : ")");
}

const char* ParamTypeName(OptionalTuple*) {
  return "a tuple of integers or None like (None, 2, -1)";
}

}  // namespace mx
