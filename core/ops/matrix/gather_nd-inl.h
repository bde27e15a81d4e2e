// gather_nd, scatter_nd and _backward_gather_nd (MXNet's indexing_op): indices (M, Y...) pick
// the leading M coordinates of data (X0, ..., X_{n-1}); negative indices count from the end.
//   gather_nd(data, indices)           -> (Y..., X_M, ...)
//   scatter_nd(data, indices, shape)   -> shape, zero where nothing lands; where indices repeat,
//                                         the last one wins (MXNet leaves that unspecified)
//   _backward_gather_nd(ograd, data, indices): the sum of every ograd slice that read a slice
// Each output element loops over the indices in order (deterministic on every device).
#ifndef TESSERA_CORE_OPS_MATRIX_GATHER_ND_INL_H_
#define TESSERA_CORE_OPS_MATRIX_GATHER_ND_INL_H_

#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct ScatterNDParam {
  Shape shape;
  void Declare(ParamDeclarer* d) { d->Declare("shape", &shape).Describe("The output's shape."); }
};

// The indexed array (X...) seen as (rows of the first M axes, K); indices pick N of the rows.
struct GatherNDGeometry {
  int m;
  int64_t n, k;
  Dims dims, stride;  // of the first M axes, in rows
};

// The row of X that index column i names (wrapped into range).
template <typename I>
MX_XINLINE int64_t GatherRow(const I* idx, int64_t i, const GatherNDGeometry& g) {
  int64_t row = 0;
  for (int d = 0; d < g.m; ++d) {
    int64_t v = static_cast<int64_t>(ConvertValue<double>(idx[d * g.n + i]));
    row += ((v % g.dims.v[d] + g.dims.v[d]) % g.dims.v[d]) * g.stride.v[d];
  }
  return row;
}

template <typename I>
struct GatherNDMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t e, const T* data, const I* idx, T* out, int req,
                             GatherNDGeometry g) {
    mop::Assign(out + e, req, data[GatherRow(idx, e / g.k, g) * g.k + e % g.k]);
  }
};

// Element e of the X-shaped result: the last (scatter) or the sum (gradient) of the src slices
// whose index names its row.
template <typename I>
struct ScatterNDMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t e, const T* src, const I* idx, T* out, int req, bool sum,
                             GatherNDGeometry g) {
    int64_t row = e / g.k, col = e % g.k;
    double acc = 0;
    for (int64_t i = 0; i < g.n; ++i) {
      if (GatherRow(idx, i, g) != row) continue;
      double v = ConvertValue<double>(src[i * g.k + col]);
      acc = sum ? acc + v : v;
    }
    mop::Assign(out + e, req, ConvertValue<T>(acc));
  }
};

// Geometry for an indexed array of shape x and indices of shape idx (matrix gather_nd.cc).
GatherNDGeometry MakeGatherNDGeometry(const Shape& x, const Shape& idx);
// IndexError naming the value when an index is outside [-X_d, X_d) (host indices only).
void CheckGatherNDIndices(const TBlob& idx, const Shape& x);

template <typename xpu>
void GatherNDCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  if (in[1].ctx.is_host()) CheckGatherNDIndices(in[1], in[0].shape);
  GatherNDGeometry g = MakeGatherNDGeometry(in[0].shape, in[1].shape);
  MX_TYPE_SWITCH_ARITH(in[1].dtype, I, "gather_nd indices", {
    MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "gather_nd", {
      Kernel<xpu>::template Launch<GatherNDMap<I>>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                   in[1].ptr<I>(), out[0].ptr<T>(),
                                                   static_cast<int>(req[0]), g);
    });
  });
}

// scatter_nd: inputs (data, indices); _backward_gather_nd: inputs (ograd, data, indices).
template <typename xpu>
void ScatterNDCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  bool grad = attrs.op->name() == "_backward_gather_nd";
  const TBlob& idx = in[grad ? 2 : 1];
  if (idx.ctx.is_host()) CheckGatherNDIndices(idx, out[0].shape);
  GatherNDGeometry g = MakeGatherNDGeometry(out[0].shape, idx.shape);
  MX_TYPE_SWITCH_ARITH(idx.dtype, I, "scatter_nd indices", {
    MX_TYPE_SWITCH_ARITH(in[0].dtype, T, attrs.op->name().c_str(), {
      Kernel<xpu>::template Launch<ScatterNDMap<I>>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                    idx.ptr<I>(), out[0].ptr<T>(),
                                                    static_cast<int>(req[0]), grad, g);
    });
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_MATRIX_GATHER_ND_INL_H_
