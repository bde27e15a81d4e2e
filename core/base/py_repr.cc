#include "core/base/py_repr.h"

namespace mx {

std::string PyRepr(const std::vector<std::string>& strings) {
  std::string s = "[";
  for (size_t i = 0; i < strings.size(); ++i) {
    s += i ? ", '" : "'";
    for (char c : strings[i]) s += (c == '\'' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    s += "'";
  }
  return s + "]";
}

std::string PyRepr(const std::vector<Shape>& shapes) {
  std::string s = "[";
  for (size_t i = 0; i < shapes.size(); ++i) s += (i ? ", " : "") + shapes[i].ToPythonString();
  return s + "]";
}

}  // namespace mx
