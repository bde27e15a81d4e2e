// _contrib_bipartite_matching (MXNet's contrib/bounding_box): greedy matching on a score
// matrix (..., N, M). Per batch the N*M pairs go in score order (descending; ascending with
// is_ascend; ties keep their order, a stable sort as MXNet's); a pair whose row and column are
// both free is matched when its score passes the threshold (> threshold, or < with is_ascend),
// and the first such pair that does not pass ends the batch. Outputs: each row's column
// (..., N) and each column's row (..., M), -1 where unmatched. As in MXNet 1.9, topk > 0 stops
// once the count of matches exceeds topk, so topk + 1 pairs are matched. Zero gradients, as
// MXNet.
#ifndef TESSERA_CORE_OPS_DETECTION_BIPARTITE_MATCHING_INL_H_
#define TESSERA_CORE_OPS_DETECTION_BIPARTITE_MATCHING_INL_H_

#include <vector>

#include "core/op/op_def.h"
#include "core/op/workspace.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/sort/index_sort.h"

namespace mx {

struct BipartiteMatchingParam {
  bool is_ascend;
  double threshold;
  int topk;
  void Declare(ParamDeclarer* d) {
    d->Declare("is_ascend", &is_ascend, false)
        .Describe("Use ascend order for scores instead of descending.");
    d->Declare("threshold", &threshold)
        .Describe("Ignore matching when score < thresh (> thresh with is_ascend).");
    d->Declare("topk", &topk, -1).Describe("Limit the number of matches to topk; -1: no limit.");
  }
};

struct MatchingGeometry {
  int64_t rows, cols;
  bool ascend;
  double threshold;
  int topk;
};

// Batch b, sequentially (one thread per batch on a GPU); `work` holds 2 * rows * cols indices
// a batch.
struct BipartiteMatchingMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t b, const T* scores, T* row_match, T* col_match,
                             int64_t* work, MatchingGeometry g) {
    int64_t n = g.rows * g.cols;
    const T* s = scores + b * n;
    T* rm = row_match + b * g.rows;
    T* cm = col_match + b * g.cols;
    int64_t* idx = work + b * 2 * n;
    for (int64_t i = 0; i < g.rows; ++i) rm[i] = ConvertValue<T>(-1.0);
    for (int64_t i = 0; i < g.cols; ++i) cm[i] = ConvertValue<T>(-1.0);
    for (int64_t i = 0; i < n; ++i) idx[i] = i;
    bool ascend = g.ascend;
    StableSortIndices(idx, idx + n, n, [s, ascend](int64_t a, int64_t c) {
      double x = ConvertValue<double>(s[a]), y = ConvertValue<double>(s[c]);
      return ascend ? x < y : x > y;
    });
    int count = 0;
    for (int64_t j = 0; j < n; ++j) {
      int64_t r = idx[j] / g.cols, c = idx[j] % g.cols;
      if (ConvertValue<double>(rm[r]) != -1.0 || ConvertValue<double>(cm[c]) != -1.0) continue;
      double v = ConvertValue<double>(s[idx[j]]);
      if (ascend ? !(v < g.threshold) : !(v > g.threshold)) break;
      rm[r] = ConvertValue<T>(static_cast<double>(c));
      cm[c] = ConvertValue<T>(static_cast<double>(r));
      if (g.topk > 0 && ++count > g.topk) break;
    }
  }
};

template <typename xpu>
void BipartiteMatchingCompute(const OpAttrs& attrs, const OpContext& ctx,
                              const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                              const std::vector<TBlob>& out) {
  const auto& p = attrs.get<BipartiteMatchingParam>();
  const Shape& s = in[0].shape;
  MatchingGeometry g{s[s.ndim() - 2], s[s.ndim() - 1], p.is_ascend, p.threshold, p.topk};
  int64_t n = g.rows * g.cols;
  if (n == 0) return;
  int64_t batches = in[0].size() / n;
  int64_t* work = TypedWorkspace<int64_t, xpu>(batches * 2 * n, WorkspaceSlot::kBoxNMS);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_contrib_bipartite_matching", {
    Kernel<xpu>::template Launch<BipartiteMatchingMap>(ctx.run.stream, batches, in[0].ptr<T>(),
                                                       out[0].ptr<T>(), out[1].ptr<T>(), work,
                                                       g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_DETECTION_BIPARTITE_MATCHING_INL_H_
