// How a server adds a round's float32 pushes: in worker-rank order, so the result does not
// depend on which push arrived first (dist_sync is bit-reproducible).
#ifndef TESSERA_DIST_PS_SUM_H_
#define TESSERA_DIST_PS_SUM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mx {
namespace ps {

// out[e] = ((parts[0][e] + parts[1][e]) + parts[2][e]) + ... for e in [0, n): float32 adds
// without contraction, block by block so that every part is added while the block is in cache
// (one pass over memory for any number of workers), on all OpenMP threads for big arrays. One
// part is copied. `out` may not overlap a part.
void SumInOrder(const std::vector<const float*>& parts, int64_t n, float* out);

// The elements a block of SumInOrder covers, and one block: out[e] for e in [begin, end) from
// `k` >= 2 parts.
constexpr int64_t kSumBlock = 4096;
void SumBlock(const float* const* parts, size_t k, int64_t begin, int64_t end, float* out);

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_SUM_H_
