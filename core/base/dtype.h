// Element types. DType codes are MXNet's (mshadow's type_flag, 0..12), so they are what .params
// files and symbol JSON (`__dtype__`) store. The MX_TYPE_SWITCH_* macros bind a C++ type to a
// runtime DType; the ARITH switch covers the types with arithmetic kernels and raises TypeError
// for the rest, naming the supported ones. Everything here is stateless and thread-safe.
#ifndef TESSERA_CORE_BASE_DTYPE_H_
#define TESSERA_CORE_BASE_DTYPE_H_

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "core/base/error.h"
#include "core/base/half.h"

namespace mx {

enum class DType : int {
  kFloat32 = 0,
  kFloat64 = 1,
  kFloat16 = 2,
  kUint8 = 3,
  kInt32 = 4,
  kInt8 = 5,
  kInt64 = 6,
  kBool = 7,
  kInt16 = 8,
  kUint16 = 9,
  kUint32 = 10,
  kUint64 = 11,
  kBfloat16 = 12,
};

constexpr DType kFloat32 = DType::kFloat32;
constexpr DType kFloat64 = DType::kFloat64;
constexpr DType kFloat16 = DType::kFloat16;
constexpr DType kUint8 = DType::kUint8;
constexpr DType kInt32 = DType::kInt32;
constexpr DType kInt8 = DType::kInt8;
constexpr DType kInt64 = DType::kInt64;
constexpr DType kBool = DType::kBool;
constexpr DType kInt16 = DType::kInt16;
constexpr DType kUint16 = DType::kUint16;
constexpr DType kUint32 = DType::kUint32;
constexpr DType kUint64 = DType::kUint64;
constexpr DType kBfloat16 = DType::kBfloat16;

constexpr int kNumDTypes = 13;

// Bytes per element.
size_t DTypeSize(DType t);
// numpy's name: "float32", "int8", "bool", "bfloat16", ...
const char* DTypeName(DType t);
// What Python prints for `a.dtype`: "<class 'numpy.float32'>".
std::string NumpyTypeRepr(DType t);
// Code 0..12 to DType; anything else throws TypeError listing the valid codes.
DType DTypeFromCode(int code);
// "float32", "float16", "int8", ... (numpy names; also "float" and "double"); throws TypeError.
DType DTypeFromName(const std::string& name);
bool IsFloatingPoint(DType t);
bool IsSigned(DType t);
std::ostream& operator<<(std::ostream& os, DType t);

template <typename T>
struct DTypeOf;
#define MX_DTYPE_OF(T, code)             \
  template <>                            \
  struct DTypeOf<T> {                    \
    static constexpr DType value = code; \
  }
MX_DTYPE_OF(float, DType::kFloat32);
MX_DTYPE_OF(double, DType::kFloat64);
MX_DTYPE_OF(half_t, DType::kFloat16);
MX_DTYPE_OF(uint8_t, DType::kUint8);
MX_DTYPE_OF(int32_t, DType::kInt32);
MX_DTYPE_OF(int8_t, DType::kInt8);
MX_DTYPE_OF(int64_t, DType::kInt64);
MX_DTYPE_OF(bool, DType::kBool);
MX_DTYPE_OF(int16_t, DType::kInt16);
MX_DTYPE_OF(uint16_t, DType::kUint16);
MX_DTYPE_OF(uint32_t, DType::kUint32);
MX_DTYPE_OF(uint64_t, DType::kUint64);
MX_DTYPE_OF(bf16_t, DType::kBfloat16);
#undef MX_DTYPE_OF

[[noreturn]] void ThrowUnsupportedDType(DType t, const char* what, const char* supported);

}  // namespace mx

#define MX_DTYPE_CASE(code, Type, T, ...) \
  case ::mx::DType::code: {               \
    using T = Type;                       \
    __VA_ARGS__;                          \
  } break;

// Float32, float64, float16, uint8, int8, int32, int64: the types with arithmetic kernels.
#define MX_TYPE_SWITCH_ARITH(dtype, T, what, ...)                                          \
  switch (dtype) {                                                                         \
    MX_DTYPE_CASE(kFloat32, float, T, __VA_ARGS__)                                         \
    MX_DTYPE_CASE(kFloat64, double, T, __VA_ARGS__)                                        \
    MX_DTYPE_CASE(kFloat16, ::mx::half_t, T, __VA_ARGS__)                                  \
    MX_DTYPE_CASE(kUint8, uint8_t, T, __VA_ARGS__)                                         \
    MX_DTYPE_CASE(kInt8, int8_t, T, __VA_ARGS__)                                           \
    MX_DTYPE_CASE(kInt32, int32_t, T, __VA_ARGS__)                                         \
    MX_DTYPE_CASE(kInt64, int64_t, T, __VA_ARGS__)                                         \
    default:                                                                               \
      ::mx::ThrowUnsupportedDType(dtype, what,                                             \
                                  "float32, float64, float16, uint8, int8, int32, int64"); \
  }

// Float32, float64, float16: floating-point only kernels.
#define MX_TYPE_SWITCH_FLOAT(dtype, T, what, ...)                            \
  switch (dtype) {                                                           \
    MX_DTYPE_CASE(kFloat32, float, T, __VA_ARGS__)                           \
    MX_DTYPE_CASE(kFloat64, double, T, __VA_ARGS__)                          \
    MX_DTYPE_CASE(kFloat16, ::mx::half_t, T, __VA_ARGS__)                    \
    default:                                                                 \
      ::mx::ThrowUnsupportedDType(dtype, what, "float32, float64, float16"); \
  }

// Float32 and float64: kernels built on BLAS.
#define MX_TYPE_SWITCH_BLAS(dtype, T, what, ...)                    \
  switch (dtype) {                                                  \
    MX_DTYPE_CASE(kFloat32, float, T, __VA_ARGS__)                  \
    MX_DTYPE_CASE(kFloat64, double, T, __VA_ARGS__)                 \
    default:                                                        \
      ::mx::ThrowUnsupportedDType(dtype, what, "float32, float64"); \
  }

// Every dtype (casts, copies, printing, file I/O).
#define MX_TYPE_SWITCH_ALL(dtype, T, what, ...)                  \
  switch (dtype) {                                               \
    MX_DTYPE_CASE(kFloat32, float, T, __VA_ARGS__)               \
    MX_DTYPE_CASE(kFloat64, double, T, __VA_ARGS__)              \
    MX_DTYPE_CASE(kFloat16, ::mx::half_t, T, __VA_ARGS__)        \
    MX_DTYPE_CASE(kUint8, uint8_t, T, __VA_ARGS__)               \
    MX_DTYPE_CASE(kInt8, int8_t, T, __VA_ARGS__)                 \
    MX_DTYPE_CASE(kInt32, int32_t, T, __VA_ARGS__)               \
    MX_DTYPE_CASE(kInt64, int64_t, T, __VA_ARGS__)               \
    MX_DTYPE_CASE(kBool, bool, T, __VA_ARGS__)                   \
    MX_DTYPE_CASE(kInt16, int16_t, T, __VA_ARGS__)               \
    MX_DTYPE_CASE(kUint16, uint16_t, T, __VA_ARGS__)             \
    MX_DTYPE_CASE(kUint32, uint32_t, T, __VA_ARGS__)             \
    MX_DTYPE_CASE(kUint64, uint64_t, T, __VA_ARGS__)             \
    MX_DTYPE_CASE(kBfloat16, ::mx::bf16_t, T, __VA_ARGS__)       \
    default:                                                     \
      ::mx::ThrowUnsupportedDType(dtype, what, "codes 0 to 12"); \
  }

#endif  // TESSERA_CORE_BASE_DTYPE_H_
