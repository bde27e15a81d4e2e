// GPU kernels of Pooling (registrations in pooling.cc).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/pooling-inl.h"
#include "core/ops/nn/pooling_max2x2.h"

namespace mx {
namespace {

void Forward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
             const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  PoolDims d = MakePoolDims(attrs.get<PoolingParam>(), in[0].shape);
  if (Max2x2Applies(d, in[0].dtype))
    return Max2x2ForwardGpu(d, in[0].dtype, in[0].dptr, out[0].dptr, req[0], ctx.run.stream);
  PoolingForward<GPU>(attrs, ctx, in, req, out);
}

// Inputs (ograd, data, output).
void Backward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
              const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  PoolDims d = MakePoolDims(attrs.get<PoolingParam>(), in[1].shape);
  if (Max2x2Applies(d, in[1].dtype))
    return Max2x2BackwardGpu(d, in[1].dtype, in[0].dptr, in[1].dptr, out[0].dptr, req[0],
                             ctx.run.stream);
  PoolingBackward<GPU>(attrs, ctx, in, req, out);
}

MX_REGISTER_OP(Pooling).Compute(DeviceType::kGPU, Forward);
MX_REGISTER_OP(_backward_Pooling).Compute(DeviceType::kGPU, Backward);

}  // namespace
}  // namespace mx
