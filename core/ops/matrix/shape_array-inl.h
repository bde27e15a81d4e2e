// shape_array and size_array: an array's shape (or element count) as int64 data, for graphs
// that compute with shapes (detection heads). No gradient flows through them (as in MXNet).
#ifndef TESSERA_CORE_OPS_MATRIX_SHAPE_ARRAY_INL_H_
#define TESSERA_CORE_OPS_MATRIX_SHAPE_ARRAY_INL_H_

#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"

namespace mx {

struct WriteDimsMap {
  MX_XINLINE static void Map(int64_t i, int64_t* out, Dims dims) { out[i] = dims.v[i]; }
};

template <typename xpu>
void ShapeArrayCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_CHECK_AS(NotImplementedError, req[0] == OpReq::kWrite || req[0] == OpReq::kInplace)
      << "operator " << attrs.op->name() << " only writes its output (found accumulation).";
  const Shape& s = in[0].shape;
  bool size = attrs.op->name() == "size_array";
  MX_CHECK_AS(NotImplementedError, size || s.ndim() <= kMaxDim)
      << "shape_array supports at most " << kMaxDim << " dimensions, found " << s.ndim() << ".";
  Dims dims;
  if (size) dims.v[0] = s.Size();
  for (int d = 0; !size && d < s.ndim(); ++d) dims.v[d] = s[d];
  Kernel<xpu>::template Launch<WriteDimsMap>(ctx.run.stream, out[0].size(),
                                             out[0].ptr<int64_t>(), dims);
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_MATRIX_SHAPE_ARRAY_INL_H_
