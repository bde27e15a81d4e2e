// MXNet symbol JSON (mxnet-formats.md section 2). SaveJSON writes the current (nnvm) format
// byte for byte as dmlc::JSONWriter does: nodes in DFS post-order, attributes sorted, the same
// line breaks and trailing spaces, graph attrs {"mxnet_version": ["int", 10901]}. LoadJSON reads
// the current format and the legacy (MXNet <= 0.8) one, then upgrades older files as MXNet's
// LoadLegacyJSON pass does (legacy_json.h). Errors: ValueError for text that is not a valid
// symbol (naming the node and field), IOError for files that cannot be read or written.
// Stateless and thread-safe.
#ifndef TESSERA_CORE_SYMBOL_SYMBOL_JSON_H_
#define TESSERA_CORE_SYMBOL_SYMBOL_JSON_H_

#include <string>

#include "core/symbol/symbol.h"

namespace mx {

// The version written into saved files (MXNet 1.9.1's, the format Tessera matches).
constexpr int kSymbolJsonVersion = 10901;

std::string SaveJSON(const Symbol& symbol);
Symbol LoadJSON(const std::string& json);
// Writes atomically (a temporary file renamed over `path`).
void SaveSymbolFile(const Symbol& symbol, const std::string& path);
Symbol LoadSymbolFile(const std::string& path);

}  // namespace mx

#endif  // TESSERA_CORE_SYMBOL_SYMBOL_JSON_H_
