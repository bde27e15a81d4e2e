// Small values stored as NDArrays in training-checkpoint files (checkpoint.cc,
// dist_checkpoint.cc): text as uint8 arrays (an empty text as one zero byte) and int64 scalars.
#ifndef TESSERA_CORE_MODULE_STATE_CODEC_H_
#define TESSERA_CORE_MODULE_STATE_CODEC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/ndarray/ndarray.h"

namespace mx {
namespace mod {

inline NDArray TextArray(const std::string& s) {
  std::vector<uint8_t> b(s.begin(), s.end());
  if (b.empty()) b.push_back(0);
  return NDArray(b.data(), {static_cast<int64_t>(b.size())}, kUint8);
}

inline std::string ArrayText(const NDArray& a) {
  std::vector<uint8_t> b = a.ToVector<uint8_t>();
  std::string s(b.begin(), b.end());
  if (s.size() == 1 && s[0] == '\0') s.clear();
  return s;
}

inline NDArray Int64Array(int64_t v) { return NDArray(&v, {1}, kInt64); }

}  // namespace mod
}  // namespace mx

#endif  // TESSERA_CORE_MODULE_STATE_CODEC_H_
