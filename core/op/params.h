// Operator parameters. Users pass named values (`{{"axis", 1}, {"keepdims", true}}`); each value
// is turned at once into the string MXNet's Python front end would store in symbol JSON
// (tuples "(3, 3)", bools "True", floats as repr), so every parameter round-trips through JSON.
// Operators declare a params struct whose Declare() lists its fields; ParseParams<P> fills it
// from the strings, accepting MXNet's spellings (True/true/1, (3,3)/[3, 3]/(5,), None) and
// rejecting unknown keys or bad values with a ValueError that names the operator, the key and
// the valid keys. Keys of the form __x__ and "name" are ignored. Thread-safe (no shared state).
#ifndef TESSERA_CORE_OP_PARAMS_H_
#define TESSERA_CORE_OP_PARAMS_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/dtype.h"
#include "core/base/shape.h"

namespace mx {

using ParamMap = std::map<std::string, std::string>;

class ParamValue {
 public:
  ParamValue(int v) : s_(std::to_string(v)) {}                 // NOLINT(runtime/explicit)
  ParamValue(long v) : s_(std::to_string(v)) {}                // NOLINT
  ParamValue(long long v) : s_(std::to_string(v)) {}           // NOLINT
  ParamValue(unsigned v) : s_(std::to_string(v)) {}            // NOLINT
  ParamValue(unsigned long v) : s_(std::to_string(v)) {}       // NOLINT
  ParamValue(double v);                                        // NOLINT
  ParamValue(float v) : ParamValue(static_cast<double>(v)) {}  // NOLINT
  ParamValue(bool v) : s_(v ? "True" : "False") {}             // NOLINT
  ParamValue(const char* v) : s_(v) {}                         // NOLINT
  ParamValue(std::string v) : s_(std::move(v)) {}              // NOLINT
  ParamValue(std::initializer_list<int64_t> tuple);            // NOLINT
  ParamValue(const Shape& tuple);                              // NOLINT
  ParamValue(DType t) : s_(DTypeName(t)) {}                    // NOLINT
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

using Params = std::vector<std::pair<std::string, ParamValue>>;
ParamMap ToParamMap(const Params& params);

// How a default value is shown (Python's spelling, as MXNet's documentation shows it).
std::string DefaultText(bool v);
std::string DefaultText(int v);
std::string DefaultText(int64_t v);
std::string DefaultText(float v);
std::string DefaultText(double v);
std::string DefaultText(const std::string& v);
std::string DefaultText(const Shape& v);
std::string DefaultText(DType v);
template <typename T>
std::string DefaultText(const std::optional<T>& v) {
  return v ? DefaultText(*v) : std::string("None");
}

// Declares the fields of one params struct; built fresh for every parse.
class ParamDeclarer {
 public:
  class Field {
   public:
    Field& Describe(const char* text) {
      description = text;
      return *this;
    }
    // Restricts a string field to `choices`.
    Field& Enum(std::vector<std::string> choices) {
      enum_values = std::move(choices);
      return *this;
    }
    std::string name;
    std::string description;
    std::string type_name;
    std::string default_text;  // the default as MXNet would print it; empty when required
    bool required = true;
    std::vector<std::string> enum_values;
    std::function<bool(const std::string&)> set;  // false when the string does not parse
    std::function<void()> set_default;
  };

  template <typename T>
  Field& Declare(const char* name, T* member);
  template <typename T, typename D>
  Field& Declare(const char* name, T* member, D default_value) {
    Field& f = Declare(name, member);
    f.required = false;
    T d = static_cast<T>(default_value);
    f.default_text = DefaultText(d);
    f.set_default = [member, d] { *member = d; };
    return f;
  }

  const std::vector<std::unique_ptr<Field>>& fields() const { return fields_; }
  // Fills every field from `dict`; throws ValueError naming `op_name` on unknown keys, bad
  // values and missing required fields.
  void Init(const ParamMap& dict, const std::string& op_name) const;
  std::vector<std::string> FieldNames() const;

 private:
  std::vector<std::unique_ptr<Field>> fields_;
};

// Parsers for one value; false when `s` is not valid for the type.
// Whether a node attribute is not an operator parameter: the node's "name" and hidden
// attributes "__x__" (__shape__, __lr_mult__, __ctx_group__, ...).
bool IsHiddenAttr(const std::string& key);

bool ParseValue(const std::string& s, bool* out);
bool ParseValue(const std::string& s, int* out);
bool ParseValue(const std::string& s, int64_t* out);
bool ParseValue(const std::string& s, float* out);
bool ParseValue(const std::string& s, double* out);
bool ParseValue(const std::string& s, std::string* out);
bool ParseValue(const std::string& s, Shape* out);
bool ParseValue(const std::string& s, DType* out);
template <typename T>
bool ParseValue(const std::string& s, std::optional<T>* out) {
  if (s == "None" || s == "none" || s.empty()) {
    out->reset();
    return true;
  }
  T v;
  if (!ParseValue(s, &v)) return false;
  *out = v;
  return true;
}

template <typename T>
const char* ParamTypeName(T*);
const char* ParamTypeName(bool*);
const char* ParamTypeName(int*);
const char* ParamTypeName(int64_t*);
const char* ParamTypeName(float*);
const char* ParamTypeName(double*);
const char* ParamTypeName(std::string*);
const char* ParamTypeName(Shape*);
const char* ParamTypeName(DType*);
template <typename T>
const char* ParamTypeName(std::optional<T>*) {
  return ParamTypeName(static_cast<T*>(nullptr));
}

template <typename T>
ParamDeclarer::Field& ParamDeclarer::Declare(const char* name, T* member) {
  fields_.push_back(std::make_unique<Field>());
  Field& f = *fields_.back();
  f.name = name;
  f.type_name = ParamTypeName(static_cast<T*>(nullptr));
  f.set = [member](const std::string& s) { return ParseValue(s, member); };
  return f;
}

// Parses a params struct P (which has `void Declare(ParamDeclarer*)`).
template <typename P>
std::shared_ptr<const P> ParseParams(const ParamMap& dict, const std::string& op_name) {
  auto p = std::make_shared<P>();
  ParamDeclarer d;
  p->Declare(&d);
  d.Init(dict, op_name);
  return p;
}

}  // namespace mx

#endif  // TESSERA_CORE_OP_PARAMS_H_
