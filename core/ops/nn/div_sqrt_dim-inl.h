// _contrib_div_sqrt_dim (MXNet's contrib/transformer): data / sqrt(data.shape[-1]), the scaling
// of attention scores. Its gradient is the same scaling of the output gradient.
#ifndef TESSERA_CORE_OPS_NN_DIV_SQRT_DIM_INL_H_
#define TESSERA_CORE_OPS_NN_DIV_SQRT_DIM_INL_H_

#include <cmath>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

template <typename xpu>
void DivSqrtDimCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  const Shape& s = in[0].shape;
  double scale = 1.0 / std::sqrt(static_cast<double>(s[s.ndim() - 1]));
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "_contrib_div_sqrt_dim", {
    Kernel<xpu>::template Launch<ScalarMap<mop::mul>>(ctx.run.stream, out[0].size(),
                                                      in[0].ptr<T>(), ConvertValue<T>(scale),
                                                      out[0].ptr<T>(), static_cast<int>(req[0]));
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_DIV_SQRT_DIM_INL_H_
