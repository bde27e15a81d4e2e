// GPU kernels of Embedding (semantics and registrations in embedding.cc). Embedding is `take`
// along axis 0 of the weight with clipped indices, so it runs take's kernels
// (core/ops/matrix/matrix-inl.h): a gather forward, and a weight gradient where each element
// sums the output gradients of the indices that chose its row (deterministic, no atomics).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/matrix/matrix-inl.h"
#include "core/ops/nn/embedding-inl.h"

namespace mx {
namespace {

constexpr int kClip = 0;  // take's mode for clipped indices

void EmbeddingForwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<EmbeddingParam>();
  MX_TYPE_SWITCH_ARITH(in[0].dtype, I, "Embedding indices", {
    MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "Embedding", {
      Kernel<GPU>::Launch<TakeMap<I>>(ctx.run.stream, out[0].size(), in[1].ptr<T>(), in[0].ptr<I>(),
                                      out[0].ptr<T>(), static_cast<int>(req[0]), in[0].size(),
                                      static_cast<int64_t>(p.input_dim),
                                      static_cast<int64_t>(p.output_dim), kClip);
    });
  });
}

// Inputs (ograd, data); outputs (data gradient: not written, weight gradient).
void EmbeddingBackwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                          const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<EmbeddingParam>();
  if (req[1] == OpReq::kNull) return;
  MX_TYPE_SWITCH_ARITH(in[1].dtype, I, "Embedding indices", {
    MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Embedding backward", {
      Kernel<GPU>::Launch<TakeGradMap<I>>(ctx.run.stream, out[1].size(), in[0].ptr<T>(),
                                          in[1].ptr<I>(), out[1].ptr<T>(), static_cast<int>(req[1]),
                                          in[1].size(), static_cast<int64_t>(p.input_dim),
                                          static_cast<int64_t>(p.output_dim), kClip);
    });
  });
}

MX_REGISTER_OP(Embedding).Compute(DeviceType::kGPU, EmbeddingForwardGpu);
MX_REGISTER_OP(_backward_Embedding).Compute(DeviceType::kGPU, EmbeddingBackwardGpu);

}  // namespace
}  // namespace mx
