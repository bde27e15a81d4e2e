// Value conversion between element types, usable on host and device. 16-bit float types go
// through float; everything else is a static_cast.
#ifndef TESSERA_CORE_BASE_CONVERT_H_
#define TESSERA_CORE_BASE_CONVERT_H_

#include <type_traits>

#include "core/base/half.h"

namespace mx {

template <typename T>
struct IsHalfLike : std::integral_constant<bool, std::is_same<T, half_t>::value ||
                                                     std::is_same<T, bf16_t>::value> {};

template <typename To, typename From>
MX_XINLINE To ConvertValue(From v) {
  if constexpr (IsHalfLike<From>::value && IsHalfLike<To>::value) {
    return To(static_cast<float>(v));
  } else if constexpr (IsHalfLike<From>::value) {
    return static_cast<To>(static_cast<float>(v));
  } else if constexpr (IsHalfLike<To>::value) {
    return To(static_cast<float>(v));
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace mx

#endif  // TESSERA_CORE_BASE_CONVERT_H_
