// GPU kernels of Convolution (registrations in convolution.cc for the CPU): cuDNN for the
// convolution (cudnn_conv.h), a broadcast add for the bias, a per-channel sum for its gradient.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/channel_reduce.cuh"
#include "core/ops/nn/convolution-inl.h"
#include "core/ops/nn/cudnn_conv.h"

namespace mx {
namespace {

CudnnConvGeom Geom(const ConvDims& d, DType t, int64_t workspace_mb, bool autotune) {
  return CudnnConvGeom{d.n, d.c, d.f,          d.groups, d.in, d.out, d.spatial == 3,
                       d.g, t,   workspace_mb, autotune};
}

void ConvolutionForwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                           const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const auto& p = attrs.get<ConvolutionParam>();
  ConvDims d = MakeConvDims(p, in[0].shape);
  void* s = ctx.run.stream;
  CudnnConvForward(Geom(d, out[0].dtype, p.workspace, CudnnAutotune(p.cudnn_tune)), in[0].dptr,
                   in[1].dptr, out[0].dptr, req[0] == OpReq::kAddTo, s);
  if (!p.no_bias) {
    MX_TYPE_SWITCH_FLOAT(out[0].dtype, T, "Convolution bias", {
      Kernel<GPU>::Launch<ChannelBiasAddMap>(s, out[0].size(), out[0].ptr<T>(), in[2].ptr<T>(), d.f,
                                             d.out.size());
    });
  }
}

// Inputs (ograd, data, weight); outputs (ddata, dweight[, dbias]).
void ConvolutionBackwardGpu(const OpAttrs& attrs, const OpContext& ctx,
                            const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                            const std::vector<TBlob>& out) {
  const auto& p = attrs.get<ConvolutionParam>();
  ConvDims d = MakeConvDims(p, in[1].shape);
  CudnnConvGeom g = Geom(d, in[0].dtype, p.workspace, CudnnAutotune(p.cudnn_tune));
  void* s = ctx.run.stream;
  if (req[0] != OpReq::kNull)
    CudnnConvBackwardData(g, in[2].dptr, in[0].dptr, out[0].dptr, req[0] == OpReq::kAddTo, s);
  if (req[1] != OpReq::kNull)
    CudnnConvBackwardFilter(g, in[1].dptr, in[0].dptr, out[1].dptr, req[1] == OpReq::kAddTo, s);
  if (!p.no_bias) {
    MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Convolution bias gradient", {
      ChannelSum(ChannelView{d.n, d.f, d.out.size()}, LoadTerm<T>{in[0].ptr<T>()}, out[2].ptr<T>(),
                 static_cast<int>(req[2]), s);
    });
  }
}

MX_REGISTER_OP(Convolution).Compute(DeviceType::kGPU, ConvolutionForwardGpu);
MX_REGISTER_OP(_backward_Convolution).Compute(DeviceType::kGPU, ConvolutionBackwardGpu);

}  // namespace
}  // namespace mx
