// The environment variables Tessera reads, all in one table (README lists the same table).
// Reading a variable that is not in the table is a bug (InternalError); a value that does not
// parse is a ValueError naming the variable, the value and what is expected. Values are read
// at each call (callers cache them). Thread-safe.
#ifndef TESSERA_CORE_BASE_ENV_H_
#define TESSERA_CORE_BASE_ENV_H_

#include <cstdint>
#include <string>
#include <vector>

namespace mx {

struct EnvVarInfo {
  const char* name;
  const char* default_value;
  const char* description;
};

const std::vector<EnvVarInfo>& KnownEnvVars();
std::string EnvString(const char* name);
int64_t EnvInt(const char* name);
bool EnvBool(const char* name);

}  // namespace mx

#endif  // TESSERA_CORE_BASE_ENV_H_
