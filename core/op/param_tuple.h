// Tuple parameter types beyond params.h's Shape: MXNet's Tuple<optional<int>>, as slice's
// begin/end/step take it, a tuple whose items may be None ("(None, 32, None)"); and
// Tuple<float> ("(0.1, 0.1, 0.2, 0.2)", MultiBoxPrior's sizes). Their parsing, default text and
// type names sit beside params.h's and are found the same way (argument-dependent lookup).
#ifndef TESSERA_CORE_OP_PARAM_TUPLE_H_
#define TESSERA_CORE_OP_PARAM_TUPLE_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace mx {

struct OptionalTuple {
  std::vector<std::optional<int64_t>> items;
  int size() const { return static_cast<int>(items.size()); }
  bool operator==(const OptionalTuple& o) const { return items == o.items; }
};

// "(None, 2, -1)", "[None, 2]", "(3,)", "()", or a single item "2" / "None".
bool ParseValue(const std::string& s, OptionalTuple* out);
// MXNet's printing: "(None, 2, -1)", "(3,)", "()".
std::string DefaultText(const OptionalTuple& v);
const char* ParamTypeName(OptionalTuple*);

struct FloatTuple {
  std::vector<double> items;
  FloatTuple() = default;
  FloatTuple(std::initializer_list<double> v) : items(v) {}  // NOLINT(runtime/explicit)
  int size() const { return static_cast<int>(items.size()); }
  double operator[](int i) const { return items[i]; }
  bool operator==(const FloatTuple& o) const { return items == o.items; }
};

// "(0.1, 0.2)", "[0.5]", "(1,)", "()", or a single number "2".
bool ParseValue(const std::string& s, FloatTuple* out);
// "(0.1, 0.2)", "(1.0,)".
std::string DefaultText(const FloatTuple& v);
const char* ParamTypeName(FloatTuple*);

}  // namespace mx

#endif  // TESSERA_CORE_OP_PARAM_TUPLE_H_
