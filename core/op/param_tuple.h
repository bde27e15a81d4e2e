// MXNet's Tuple<optional<int>> parameter type, as slice's begin/end/step take it: a tuple whose
// items may be None ("(None, 32, None)"). Its parsing, default text and type name sit beside
// params.h's and are found the same way (argument-dependent lookup on mx::OptionalTuple).
#ifndef TESSERA_CORE_OP_PARAM_TUPLE_H_
#define TESSERA_CORE_OP_PARAM_TUPLE_H_

#include <cstdint>
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

}  // namespace mx

#endif  // TESSERA_CORE_OP_PARAM_TUPLE_H_
