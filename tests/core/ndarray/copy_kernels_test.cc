// HostCopy: memmove's result at every size, split in 1 MiB pieces over threads from 4 MiB.
#include "core/ndarray/copy_kernels.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace mx {
namespace {

std::vector<char> Pattern(size_t n) {
  std::vector<char> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<char>((i * 131 + i / 4099) % 251);
  return v;
}

TEST(HostCopy, CopiesEveryByteAtAnySizeAndNothingElse) {
  const size_t mib = size_t(1) << 20;
  for (size_t n : {size_t(0), size_t(1), size_t(4097), 4 * mib - 1, 4 * mib, 4 * mib + 12345,
                   9 * mib + 3}) {
    std::vector<char> src = Pattern(n + 1), dst(n + 64, '\x5a');
    HostCopy(dst.data() + 1, src.data() + 1, n);  // odd addresses: pieces start unaligned
    ASSERT_EQ(std::memcmp(dst.data() + 1, src.data() + 1, n), 0) << n << " bytes";
    ASSERT_EQ(dst[0], '\x5a') << n;
    for (size_t i = n + 1; i < dst.size(); ++i) ASSERT_EQ(dst[i], '\x5a') << "after, " << n;
  }
}

TEST(HostCopy, OverlappingRangesMoveLikeMemmove) {
  const size_t n = 5 << 20, shift = 4097;
  for (bool forward : {true, false}) {
    std::vector<char> buf = Pattern(n + shift), want = buf;
    char* src = buf.data() + (forward ? 0 : shift);
    char* dst = buf.data() + (forward ? shift : 0);
    std::memmove(want.data() + (forward ? shift : 0), want.data() + (forward ? 0 : shift), n);
    HostCopy(dst, src, n);
    ASSERT_TRUE(buf == want) << (forward ? "forward" : "backward");
  }
}

}  // namespace
}  // namespace mx
