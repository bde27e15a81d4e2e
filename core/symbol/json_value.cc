#include "core/symbol/json_value.h"

#include <cstdlib>

#include "core/base/error.h"

namespace mx {
namespace {

const char* KindName(JsonValue::Kind k) {
  switch (k) {
    case JsonValue::Kind::kNull: return "null";
    case JsonValue::Kind::kBool: return "a boolean";
    case JsonValue::Kind::kNumber: return "a number";
    case JsonValue::Kind::kString: return "a string";
    case JsonValue::Kind::kArray: return "an array";
    case JsonValue::Kind::kObject: return "an object";
  }
  return "?";
}

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  JsonValue Document() {
    JsonValue v = Value(0);
    Skip();
    if (pos_ != s_.size()) Fail("the end of the document");
    return v;
  }

 private:
  [[noreturn]] void Fail(const std::string& expected) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string found = pos_ < s_.size() ? "'" + s_.substr(pos_, 12) + "'" : "the end of the text";
    MX_THROW(ValueError) << "JSON parse error at line " << line << ", column " << col
                         << ": expected " << expected << ", found " << found
                         << ". Is this a symbol JSON file?";
  }
  void Skip() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' ||
                                s_[pos_] == '\t'))
      ++pos_;
  }
  bool Eat(char c) {
    Skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Eat(c)) Fail(std::string("'") + c + "'");
  }

  JsonValue Value(int depth) {
    if (depth > 200) Fail("less nesting (over 200 levels)");
    Skip();
    if (pos_ >= s_.size()) Fail("a value");
    char c = s_[pos_];
    JsonValue v;
    if (c == '{') {
      ++pos_;
      v.kind = JsonValue::Kind::kObject;
      if (Eat('}')) return v;
      do {
        Skip();
        if (pos_ >= s_.size() || s_[pos_] != '"') Fail("a quoted key");
        std::string key = String();
        Expect(':');
        v.members.emplace_back(std::move(key), Value(depth + 1));
      } while (Eat(','));
      Expect('}');
    } else if (c == '[') {
      ++pos_;
      v.kind = JsonValue::Kind::kArray;
      if (Eat(']')) return v;
      do {
        v.items.push_back(Value(depth + 1));
      } while (Eat(','));
      Expect(']');
    } else if (c == '"') {
      v.kind = JsonValue::Kind::kString;
      v.text = String();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = pos_;
      ++pos_;
      while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                  s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E' ||
                                  s_[pos_] == '+' || s_[pos_] == '-'))
        ++pos_;
      v.kind = JsonValue::Kind::kNumber;
      v.text = s_.substr(start, pos_ - start);
    } else if (s_.compare(pos_, 4, "true") == 0 || s_.compare(pos_, 5, "false") == 0) {
      v.kind = JsonValue::Kind::kBool;
      v.boolean = s_[pos_] == 't';
      pos_ += v.boolean ? 4 : 5;
    } else if (s_.compare(pos_, 4, "null") == 0) {
      pos_ += 4;
    } else {
      Fail("a value");
    }
    return v;
  }

  std::string String() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) Fail("a closing '\"'");
      char c = s_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) Fail("an escape character");
      char e = s_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '/': out += '/'; break;
        case '\\': out += '\\'; break;
        case '"': out += '"'; break;
        case 'u': {
          if (pos_ + 4 > s_.size()) Fail("four hex digits");
          unsigned code = static_cast<unsigned>(std::strtoul(s_.substr(pos_, 4).c_str(), nullptr, 16));
          pos_ += 4;
          if (code < 0x80) {
            out += static_cast<char>(code);
          } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
          } else {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
          }
          break;
        }
        default:
          --pos_;
          Fail("a valid escape (\\n, \\\", \\\\, ...)");
      }
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::Find(const std::string& key) const {
  for (const auto& m : members)
    if (m.first == key) return &m.second;
  return nullptr;
}

const std::string& JsonValue::AsString(const std::string& what) const {
  MX_CHECK_AS(ValueError, kind == Kind::kString)
      << "symbol JSON: " << what << " must be a string, found " << KindName(kind) << ".";
  return text;
}

int64_t JsonValue::AsInt(const std::string& what) const {
  char* end = nullptr;
  long long v = kind == Kind::kNumber ? std::strtoll(text.c_str(), &end, 10) : 0;
  MX_CHECK_AS(ValueError, kind == Kind::kNumber && end && *end == '\0')
      << "symbol JSON: " << what << " must be an integer, found "
      << (kind == Kind::kNumber ? text : std::string(KindName(kind))) << ".";
  return v;
}

const std::vector<JsonValue>& JsonValue::AsArray(const std::string& what) const {
  MX_CHECK_AS(ValueError, kind == Kind::kArray)
      << "symbol JSON: " << what << " must be an array, found " << KindName(kind) << ".";
  return items;
}

void JsonValue::ExpectObject(const std::string& what) const {
  MX_CHECK_AS(ValueError, kind == Kind::kObject)
      << "symbol JSON: " << what << " must be an object, found " << KindName(kind) << ".";
}

JsonValue ParseJson(const std::string& text) { return Parser(text).Document(); }

}  // namespace mx
