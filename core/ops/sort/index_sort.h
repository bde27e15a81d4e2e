// A stable sort of indices by a key, usable inside a kernel on both devices (one thread runs
// one sort): bottom-up merge sort of idx[0, n) with a scratch array of n, so equal keys keep
// their order (ties resolve the same way on every device and every run). Used by the ordering
// operators (topk, sort, argsort) and _contrib_box_nms; their scratch memory comes from
// core/op/workspace.h.
#ifndef TESSERA_CORE_OPS_SORT_INDEX_SORT_H_
#define TESSERA_CORE_OPS_SORT_INDEX_SORT_H_

#include <cstdint>

#include "core/op/kernel.h"

namespace mx {

// `before(a, b)`: whether index a's key sorts strictly before index b's.
template <typename Before>
MX_XINLINE void StableSortIndices(int64_t* idx, int64_t* tmp, int64_t n, const Before& before) {
  for (int64_t run = 1; run < n; run *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * run) {
      int64_t mid = lo + run < n ? lo + run : n, hi = lo + 2 * run < n ? lo + 2 * run : n;
      int64_t p = lo, q = mid, k = lo;
      while (p < mid && q < hi) tmp[k++] = before(idx[q], idx[p]) ? idx[q++] : idx[p++];
      while (p < mid) tmp[k++] = idx[p++];
      while (q < hi) tmp[k++] = idx[q++];
    }
    for (int64_t i = 0; i < n; ++i) idx[i] = tmp[i];
  }
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_SORT_INDEX_SORT_H_
