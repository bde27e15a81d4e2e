#include "core/base/dtype.h"

#include <sstream>

namespace mx {
namespace {

struct DTypeInfo {
  const char* name;
  size_t size;
  bool floating;
  bool is_signed;
};

const DTypeInfo kInfo[kNumDTypes] = {
    {"float32", 4, true, true},  {"float64", 8, true, true},  {"float16", 2, true, true},
    {"uint8", 1, false, false},  {"int32", 4, false, true},   {"int8", 1, false, true},
    {"int64", 8, false, true},   {"bool", 1, false, false},   {"int16", 2, false, true},
    {"uint16", 2, false, false}, {"uint32", 4, false, false}, {"uint64", 8, false, false},
    {"bfloat16", 2, true, true},
};

const DTypeInfo& Info(DType t) {
  int code = static_cast<int>(t);
  MX_CHECK_AS(TypeError, code >= 0 && code < kNumDTypes)
      << "dtype code " << code << " is not a valid MXNet dtype code; valid codes are 0 to 12.";
  return kInfo[code];
}

}  // namespace

size_t DTypeSize(DType t) { return Info(t).size; }
const char* DTypeName(DType t) { return Info(t).name; }
bool IsFloatingPoint(DType t) { return Info(t).floating; }
bool IsSigned(DType t) { return Info(t).is_signed; }

std::string NumpyTypeRepr(DType t) {
  if (t == DType::kBool) return "<class 'numpy.bool_'>";
  return std::string("<class 'numpy.") + DTypeName(t) + "'>";
}

DType DTypeFromCode(int code) {
  MX_CHECK_AS(TypeError, code >= 0 && code < kNumDTypes)
      << "expected a dtype code from 0 (float32) to 12 (bfloat16), found " << code
      << ". The file or attribute holding it is corrupt or from an unsupported MXNet build.";
  return static_cast<DType>(code);
}

DType DTypeFromName(const std::string& name) {
  if (name == "float") return DType::kFloat32;
  if (name == "double") return DType::kFloat64;
  if (name == "half") return DType::kFloat16;
  std::ostringstream valid;
  for (int i = 0; i < kNumDTypes; ++i) {
    if (name == kInfo[i].name) return static_cast<DType>(i);
    valid << (i ? ", " : "") << kInfo[i].name;
  }
  MX_THROW(TypeError) << "unknown dtype '" << name << "'; valid dtypes are " << valid.str() << ".";
}

std::ostream& operator<<(std::ostream& os, DType t) {
  int code = static_cast<int>(t);
  if (code >= 0 && code < kNumDTypes) return os << kInfo[code].name;
  return os << "dtype(" << code << ")";
}

void ThrowUnsupportedDType(DType t, const char* what, const char* supported) {
  MX_THROW(TypeError) << what << " does not support dtype " << t << "; supported dtypes are "
                      << supported << ". Convert the array with AsType() first.";
}

}  // namespace mx
