#include "core/op/param_tuple.h"

#include <sstream>

#include "core/op/params.h"

namespace mx {
namespace {

// The trimmed items of "(a, b)", "[a, b]", "(a,)", "()" or a bare "a"; false for an empty
// string or an empty item inside ("(1,,2)").
bool SplitTuple(const std::string& raw, std::vector<std::string>* items) {
  std::string s;
  if (!ParseValue(raw, &s) || s.empty()) return false;  // trims
  bool bracketed = (s.front() == '(' && s.back() == ')') || (s.front() == '[' && s.back() == ']');
  if (bracketed) s = s.substr(1, s.size() - 2);
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::string v;
    ParseValue(item, &v);
    if (v.empty()) {
      if (ss.eof()) break;  // "(5,)" and "()"
      return false;
    }
    items->push_back(v);
  }
  return true;
}

}  // namespace

bool ParseValue(const std::string& raw, OptionalTuple* out) {
  std::vector<std::string> items;
  if (!SplitTuple(raw, &items)) return false;
  OptionalTuple t;
  for (const std::string& v : items) {
    if (v == "None" || v == "none") {
      t.items.emplace_back();
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

bool ParseValue(const std::string& raw, FloatTuple* out) {
  std::vector<std::string> items;
  if (!SplitTuple(raw, &items)) return false;
  FloatTuple t;
  for (const std::string& v : items) {
    double x;
    if (!ParseValue(v, &x)) return false;
    t.items.push_back(x);
  }
  *out = t;
  return true;
}

std::string DefaultText(const FloatTuple& v) {
  std::string s = "(";
  for (int i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += DefaultText(v.items[i]);
  }
  return s + (v.size() == 1 ? ",)" : ")");
}

const char* ParamTypeName(FloatTuple*) { return "a tuple of numbers like (0.1, 0.2)"; }

}  // namespace mx
