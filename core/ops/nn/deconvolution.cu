// GPU kernels of Deconvolution (registrations in deconvolution.cc for the CPU). Deconvolution
// is the adjoint of the convolution that maps its output (n, f, oh, ow) back to its input
// (n, c, h, w) with weight (c, f/groups, kh, kw), so with that geometry (cudnn_conv.h):
//   forward       y  = conv backward-data (w, x)
//   backward      dx = conv forward (dy, w),   dw = conv backward-filter (dy, x).
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/channel_reduce.cuh"
#include "core/ops/nn/cudnn_conv.h"
#include "core/ops/nn/deconvolution-inl.h"

namespace mx {
namespace {

// The convolution from the deconvolution's output space to its input space.
CudnnConvGeom AdjointGeom(const DeconvDims& d, DType t, int64_t workspace_mb, bool autotune) {
  return CudnnConvGeom{d.n, d.f, d.c,          d.groups, d.out, d.in, d.spatial == 3,
                       d.g, t,   workspace_mb, autotune};
}

void DeconvolutionForwardGpu(const OpAttrs& attrs, const OpContext& ctx,
                             const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                             const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const auto& p = attrs.get<DeconvolutionParam>();
  DeconvDims d = MakeDeconvDims(p, in[0].shape);
  void* s = ctx.run.stream;
  CudnnConvBackwardData(AdjointGeom(d, out[0].dtype, p.workspace, CudnnAutotune(p.cudnn_tune)),
                        in[1].dptr, in[0].dptr, out[0].dptr, req[0] == OpReq::kAddTo, s);
  if (!p.no_bias) {
    MX_TYPE_SWITCH_FLOAT(out[0].dtype, T, "Deconvolution bias", {
      Kernel<GPU>::Launch<ChannelBiasAddMap>(s, out[0].size(), out[0].ptr<T>(), in[2].ptr<T>(), d.f,
                                             d.out.size());
    });
  }
}

// Inputs (ograd, data, weight); outputs (ddata, dweight[, dbias]).
void DeconvolutionBackwardGpu(const OpAttrs& attrs, const OpContext& ctx,
                              const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                              const std::vector<TBlob>& out) {
  const auto& p = attrs.get<DeconvolutionParam>();
  DeconvDims d = MakeDeconvDims(p, in[1].shape);
  CudnnConvGeom g = AdjointGeom(d, in[0].dtype, p.workspace, CudnnAutotune(p.cudnn_tune));
  void* s = ctx.run.stream;
  if (req[0] != OpReq::kNull)
    CudnnConvForward(g, in[0].dptr, in[2].dptr, out[0].dptr, req[0] == OpReq::kAddTo, s);
  if (req[1] != OpReq::kNull)
    CudnnConvBackwardFilter(g, in[0].dptr, in[1].dptr, out[1].dptr, req[1] == OpReq::kAddTo, s);
  if (!p.no_bias) {
    MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Deconvolution bias gradient", {
      ChannelSum(ChannelView{d.n, d.f, d.out.size()}, LoadTerm<T>{in[0].ptr<T>()}, out[2].ptr<T>(),
                 static_cast<int>(req[2]), s);
    });
  }
}

MX_REGISTER_OP(Deconvolution).Compute(DeviceType::kGPU, DeconvolutionForwardGpu);
MX_REGISTER_OP(_backward_Deconvolution).Compute(DeviceType::kGPU, DeconvolutionBackwardGpu);

}  // namespace
}  // namespace mx
