#include "dist/ps/sum.h"

#include <algorithm>

#include "core/base/error.h"
#include "core/ndarray/copy_kernels.h"

namespace mx {
namespace ps {

void SumInOrder(const std::vector<const float*>& parts, int64_t n, float* out) {
  MX_CHECK_AS(ValueError, !parts.empty()) << "SumInOrder: no parts to add";
  if (parts.size() == 1) return HostCopy(out, parts[0], static_cast<size_t>(n) * sizeof(float));
  // Blocks that stay in cache while every part is added to them: one pass over memory.
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
#pragma omp parallel for if (n > (1 << 16))
  for (int64_t b = 0; b < blocks; ++b)
    SumBlock(parts.data(), parts.size(), b * kSumBlock, std::min(n, (b + 1) * kSumBlock), out);
}

void SumBlock(const float* const* p, size_t k, int64_t begin, int64_t end, float* out) {
  float* o = out + begin;
  const float* a = p[0] + begin;
  const float* g = p[1] + begin;
#pragma omp simd
  for (int64_t e = 0; e < end - begin; ++e) o[e] = a[e] + g[e];
  for (size_t i = 2; i < k; ++i) {
    const float* h = p[i] + begin;
#pragma omp simd
    for (int64_t e = 0; e < end - begin; ++e) o[e] += h[e];
  }
}

}  // namespace ps
}  // namespace mx
