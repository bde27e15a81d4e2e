// A small JSON document model and parser, enough for MXNet's symbol files: objects keep their
// key order, numbers keep their text. Parse errors are ValueError with line and column and what
// was expected. Stateless; values are plain data.
#ifndef TESSERA_CORE_SYMBOL_JSON_VALUE_H_
#define TESSERA_CORE_SYMBOL_JSON_VALUE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mx {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;  // a string's value, or a number's text
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;

  // The member called `key`, or nullptr.
  const JsonValue* Find(const std::string& key) const;
  // Typed reads; ValueError naming `what` and the kind found when the kind differs.
  const std::string& AsString(const std::string& what) const;
  int64_t AsInt(const std::string& what) const;
  const std::vector<JsonValue>& AsArray(const std::string& what) const;
  void ExpectObject(const std::string& what) const;
};

JsonValue ParseJson(const std::string& text);

}  // namespace mx

#endif  // TESSERA_CORE_SYMBOL_JSON_VALUE_H_
