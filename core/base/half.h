// 16-bit floating-point storage types usable on host and device: half_t (IEEE binary16) and
// bf16_t (bfloat16). Arithmetic converts to float and back (round to nearest even). Values are
// plain 16-bit PODs, so arrays of them have the layout of MXNet's float16/bfloat16 arrays.
#ifndef TESSERA_CORE_BASE_HALF_H_
#define TESSERA_CORE_BASE_HALF_H_

#include <cstdint>
#include <cstring>

// Kernel functors and the math they call are always inlined (as MXNet's MSHADOW_XINLINE), so
// a kernel loop holds no call and GCC can vectorize it.
#ifdef __CUDACC__
#define MX_XINLINE __host__ __device__ inline
#else
#define MX_XINLINE inline __attribute__((always_inline))
#endif

namespace mx {

MX_XINLINE uint32_t FloatBits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

MX_XINLINE float BitsFloat(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

struct half_t {
  uint16_t bits;
  half_t() = default;
  MX_XINLINE half_t(float f) : bits(FromFloat(f)) {}  // NOLINT: implicit like a numeric type
  MX_XINLINE operator float() const { return ToFloat(bits); }  // NOLINT

  MX_XINLINE static uint16_t FromFloat(float f) {
    uint32_t x = FloatBits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t mag = x & 0x7fffffffu;
    if (mag >= 0x7f800000u) {  // inf or nan
      return static_cast<uint16_t>(sign | 0x7c00u | (mag > 0x7f800000u ? 0x200u : 0u));
    }
    if (mag >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow to inf
    if (mag < 0x38800000u) {                                               // subnormal half or zero
      if (mag < 0x33000000u) return static_cast<uint16_t>(sign);
      uint32_t e = mag >> 23;
      uint32_t m = (mag & 0x7fffffu) | 0x800000u;
      uint32_t shift = 126 - e;  // 14 + (112 - (e - 127 + 127))
      uint32_t half_m = m >> (shift);
      uint32_t rem = m & ((1u << shift) - 1u);
      uint32_t halfway = 1u << (shift - 1);
      if (rem > halfway || (rem == halfway && (half_m & 1u))) ++half_m;
      return static_cast<uint16_t>(sign | half_m);
    }
    uint32_t h = ((mag - 0x38000000u) >> 13);
    uint32_t rem = mag & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;
    return static_cast<uint16_t>(sign | h);
  }

  MX_XINLINE static float ToFloat(uint16_t h) {
    uint32_t sign = (static_cast<uint32_t>(h) & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1fu;
    uint32_t m = h & 0x3ffu;
    if (e == 0) {
      if (m == 0) return BitsFloat(sign);
      float f = static_cast<float>(m) * (1.0f / 16777216.0f);  // m * 2^-24
      return sign ? -f : f;
    }
    if (e == 31) return BitsFloat(sign | 0x7f800000u | (m << 13));
    return BitsFloat(sign | ((e + 112u) << 23) | (m << 13));
  }
};

struct bf16_t {
  uint16_t bits;
  bf16_t() = default;
  MX_XINLINE bf16_t(float f) : bits(FromFloat(f)) {}  // NOLINT
  MX_XINLINE operator float() const {
    return BitsFloat(static_cast<uint32_t>(bits) << 16);
  }  // NOLINT

  MX_XINLINE static uint16_t FromFloat(float f) {
    uint32_t x = FloatBits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);  // nan
    uint32_t rounding = 0x7fffu + ((x >> 16) & 1u);
    return static_cast<uint16_t>((x + rounding) >> 16);
  }
};

static_assert(sizeof(half_t) == 2, "half_t must be 2 bytes");
static_assert(sizeof(bf16_t) == 2, "bf16_t must be 2 bytes");

}  // namespace mx

#endif  // TESSERA_CORE_BASE_HALF_H_
