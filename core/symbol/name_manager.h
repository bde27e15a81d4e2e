// Automatic node names, as MXNet's mx.name.NameManager gives them: an operator created without
// a name is called "<hint><n>", the hint being the lowercase operator name ("convolution0",
// "fullyconnected1") and n counting per hint. Counters are per thread (Python keeps the current
// manager per thread too); a NameScope starts fresh counters for its lifetime and restores the
// previous ones after, like `with mx.name.NameManager():`.
#ifndef TESSERA_CORE_SYMBOL_NAME_MANAGER_H_
#define TESSERA_CORE_SYMBOL_NAME_MANAGER_H_

#include <map>
#include <string>

namespace mx {

class NameManager {
 public:
  // `name` when non-empty; otherwise the next "<hint><n>".
  static std::string Get(const std::string& name, const std::string& hint);
};

class NameScope {
 public:
  NameScope();
  ~NameScope();
  NameScope(const NameScope&) = delete;
  NameScope& operator=(const NameScope&) = delete;

 private:
  std::map<std::string, int> saved_;
};

}  // namespace mx

#endif  // TESSERA_CORE_SYMBOL_NAME_MANAGER_H_
