// The upgrade path for symbol JSON written by older MXNet versions (MXNet's LoadLegacyJSON
// pass, mxnet-formats.md section 2.5), on the loader's plain node records before any node is
// built. Stateless.
#ifndef TESSERA_CORE_SYMBOL_LEGACY_JSON_H_
#define TESSERA_CORE_SYMBOL_LEGACY_JSON_H_

#include <array>
#include <string>
#include <vector>

#include "core/op/params.h"

namespace mx {

// One node as read from the file: op "null" for variables; inputs as (node, index, version).
struct JsonNodeRecord {
  std::string op;
  std::string name;
  ParamMap attrs;
  std::vector<std::array<int64_t, 3>> inputs;
  std::vector<int64_t> control_deps;
};

// Applies, in order: FixParsing (always: hidden keys such as lr_mult become __lr_mult__ and
// "<input>_<hidden key>" on an operator moves to that input's variable), then for files older
// than 0.9.0 the missing trailing inputs (auxiliary states) as new variables, before 0.9.4 the
// operators' __init__ hints on their created variables, before 0.9.5 argmax/argmin's axis -1
// dropped. `version` is MXNet's integer (10401 = 1.4.1; files without one are 0.8.0 = 800).
// Appended variables go to the end of `nodes`. Operator names must already be canonical.
void UpgradeLegacyJson(std::vector<JsonNodeRecord>* nodes, int version);

}  // namespace mx

#endif  // TESSERA_CORE_SYMBOL_LEGACY_JSON_H_
