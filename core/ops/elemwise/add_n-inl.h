// add_n (MXNet's ElementWiseSum): the sum of num_args arrays of one shape, for CPU and GPU.
#ifndef TESSERA_CORE_OPS_ELEMWISE_ADD_N_INL_H_
#define TESSERA_CORE_OPS_ELEMWISE_ADD_N_INL_H_

#include <vector>

#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

struct AddNParam {
  int num_args;
  void Declare(ParamDeclarer* d) {
    d->Declare("num_args", &num_args).Describe("Number of inputs to be summed.");
  }
};

// out (as req says) = in[0] + in[1] + ...: pairwise passes through `out`, each element reading
// before it writes its own index.
template <typename xpu>
void AddNCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  size_t k = 0;
  if (req[0] != OpReq::kAddTo) {
    if (in.size() == 1) {
      UnaryCompute<xpu, mop::identity>(OpAttrs(), ctx, {in[0]}, {OpReq::kWrite}, out);
      return;
    }
    BinaryCompute<xpu, mop::plus>(OpAttrs(), ctx, {in[0], in[1]}, {OpReq::kWrite}, out);
    k = 2;
  }
  for (; k < in.size(); ++k)
    BinaryCompute<xpu, mop::plus>(OpAttrs(), ctx, {out[0], in[k]}, {OpReq::kWrite}, out);
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_ELEMWISE_ADD_N_INL_H_
