// Convolution (1-D NCW, 2-D NCHW and 3-D NCDHW; MXNet parameters, grouping, dilation, padding).
// CPU float32: oneDNN (conv_dnnl.h) unless MXNET_MKLDNN_ENABLED=0. Otherwise, and for
// float64: im2col for a chunk of images, then one GEMM per group through OpenBLAS:
//   Y_g (Fg, nb*OD*OH*OW) = W_g (Fg, Cg*kd*kh*kw) x col_g (Cg*kd*kh*kw, nb*OD*OH*OW) (+ bias).
// Backward (_backward_Convolution, inputs ograd, data, weight):
//   dW_g += dy_g col_g^T summed over images; dcol_g = W_g^T dy_g scattered back (col2im);
//   db = sums of dy over images and positions.
#include <algorithm>
#include <optional>
#include <string>

#include "core/base/env.h"
#include "core/op/op_def.h"
#include "core/ops/linalg/blas.h"
#include "core/ops/nn/conv_dnnl.h"
#include "core/ops/nn/conv_geometry.h"
#include "core/ops/nn/convolution-inl.h"

namespace mx {

ConvDims MakeConvDims(const ConvolutionParam& p, const Shape& data) {
  ConvDims d;
  d.spatial = p.kernel.ndim();
  d.g = MakeWindow("Convolution", d.spatial, p.kernel, p.stride, p.dilate, p.pad);
  const char* layout = SpatialLayout(d.spatial);
  MX_CHECK_AS(ShapeError, data.ndim() == d.spatial + 2)
      << "operator Convolution: a " << d.spatial << "-D kernel " << p.kernel.ToPythonString()
      << " needs data of rank " << d.spatial + 2 << " (" << layout << "), found shape " << data
      << ".";
  if (p.layout) {
    MX_CHECK_AS(NotImplementedError, *p.layout == layout)
        << "operator Convolution: layout " << *p.layout << " is not supported; use " << layout
        << ".";
  }
  d.n = data[0];
  d.c = data[1];
  d.in = SpatialOf(data, d.spatial);
  d.f = p.num_filter;
  d.groups = p.num_group;
  MX_CHECK_AS(ValueError, d.groups > 0 && d.c % d.groups == 0 && d.f % d.groups == 0)
      << "operator Convolution: num_group " << d.groups << " must divide both the input "
      << "channels (" << d.c << ") and num_filter (" << d.f << ").";
  int64_t ed = d.in.d + 2 * d.g.pd - (d.g.dd * (d.g.kd - 1) + 1);
  int64_t eh = d.in.h + 2 * d.g.ph - (d.g.dh * (d.g.kh - 1) + 1);
  int64_t ew = d.in.w + 2 * d.g.pw - (d.g.dw * (d.g.kw - 1) + 1);
  MX_CHECK_AS(ShapeError, ed >= 0 && eh >= 0 && ew >= 0)
      << "operator Convolution: the dilated kernel " << p.kernel.ToPythonString()
      << " does not fit in data of shape " << data << " with pad " << p.pad.ToPythonString() << ".";
  d.out = Spatial{ed / d.g.sd + 1, eh / d.g.sh + 1, ew / d.g.sw + 1};
  return d;
}

namespace {

bool ConvolutionShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<ConvolutionParam>();
  MX_CHECK_AS(ValueError, p.num_filter > 0)
      << "operator Convolution: num_filter must be > 0, found " << p.num_filter << ".";
  const Shape& data = (*in)[0];
  if (data.ndim() == 0) return false;
  ConvDims d = MakeConvDims(p, data);
  std::vector<int64_t> wshape = {d.f, d.c / d.groups};
  wshape.insert(wshape.end(), p.kernel.begin(), p.kernel.end());
  AssignShape(&(*in)[1], Shape(wshape), attrs, "weight");
  if (!p.no_bias) AssignShape(&(*in)[2], Shape{d.f}, attrs, "bias");
  AssignShape(&(*out)[0], SpatialShape(d.n, d.f, d.spatial, d.out), attrs, "the output");
  return true;
}

// Kernel taps per input channel.
int64_t Taps(const Window& g) { return g.kd * g.kh * g.kw; }

// Images per batched GEMM: col (K_all, nb*OHW) and the (F, nb*OHW) result stay within ~64 MB.
int64_t ImagesPerChunk(const ConvDims& d, size_t elem) {
  int64_t per_image = (d.c * Taps(d.g) + d.f) * d.out.size() * static_cast<int64_t>(elem);
  int64_t nb = (int64_t(64) << 20) / std::max<int64_t>(per_image, 1);
  return std::max<int64_t>(1, std::min(nb, d.n));
}

// Forward over chunks of nb images: one GEMM per group covers all images of the chunk,
//   Y_g (Fg, nb*OHW) = W_g (Fg, K) col_g (K, nb*OHW), then Y is scattered to (N, F, OHW).
template <typename T>
void Forward(const ConvDims& d, const T* x, const T* w, const T* b, T* y, bool add) {
  int64_t cg = d.c / d.groups, fg = d.f / d.groups, k = cg * Taps(d.g);
  int64_t ohw = d.out.size(), chw = d.c * d.in.size();
  int64_t nb = ImagesPerChunk(d, sizeof(T));
  T* col = Scratch<T>(d.c * Taps(d.g) * nb * ohw, 0);
  T* ybuf = Scratch<T>(d.f * nb * ohw, 1);
  for (int64_t n0 = 0; n0 < d.n; n0 += nb) {
    int64_t cnt = std::min(nb, d.n - n0), ld = cnt * ohw;
    for (int64_t i = 0; i < cnt; ++i)
      Im2Col(x + (n0 + i) * chw, d.c, d.in, d.g, d.out, col + i * ohw, ld);
    for (int64_t gi = 0; gi < d.groups; ++gi)
      CpuGemm<T>(false, false, fg, ld, k, T(1), w + gi * fg * k, k, col + gi * k * ld, ld, T(0),
                 ybuf + gi * fg * ld, ld);
#pragma omp parallel for num_threads(CpuKernelThreads()) if (cnt * d.f * ohw > 65536)
    for (int64_t nf = 0; nf < cnt * d.f; ++nf) {
      int64_t i = nf / d.f, f = nf % d.f;
      const T* src = ybuf + f * ld + i * ohw;
      T* dst = y + ((n0 + i) * d.f + f) * ohw;
      T bias = b ? b[f] : T(0);
      for (int64_t p = 0; p < ohw; ++p) dst[p] = (add ? dst[p] : T(0)) + src[p] + bias;
    }
  }
}

// Whether this call goes to oneDNN (float32, enabled, built in).
bool UseDnnl(DType t) {
  static const bool enabled = EnvBool("MXNET_MKLDNN_ENABLED") && DnnlAvailable();
  return enabled && t == kFloat32;
}

DnnlConvShape ToDnnl(const ConvDims& d) {
  return DnnlConvShape{d.n,     d.c,      d.in.h, d.in.w,         d.f,    d.out.h,
                       d.out.w, d.groups, d.g,    d.spatial == 3, d.in.d, d.out.d};
}

void ConvolutionForward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const auto& p = attrs.get<ConvolutionParam>();
  ConvDims d = MakeConvDims(p, in[0].shape);
  if (UseDnnl(out[0].dtype) && DnnlConvForward(ToDnnl(d), in[0].ptr<float>(), in[1].ptr<float>(),
                                               p.no_bias ? nullptr : in[2].ptr<float>(),
                                               out[0].ptr<float>(), req[0] == OpReq::kAddTo))
    return;
  MX_TYPE_SWITCH_BLAS(out[0].dtype, T, "Convolution on CPU", {
    Forward<T>(d, in[0].ptr<T>(), in[1].ptr<T>(), p.no_bias ? nullptr : in[2].ptr<T>(),
               out[0].ptr<T>(), req[0] == OpReq::kAddTo);
  });
}

// Backward over the same chunks: dY (F, nb*OHW) is gathered from dy once per chunk, then
//   dW_g += dY_g col_g^T   and   dcol_g = W_g^T dY_g (scattered back with col2im).
template <typename T>
void Backward(const ConvDims& d, const T* dy, const T* x, const T* w, T* dx, T* dw, T* db,
              const std::vector<OpReq>& req) {
  int64_t cg = d.c / d.groups, fg = d.f / d.groups, k = cg * Taps(d.g);
  int64_t ohw = d.out.size(), chw = d.c * d.in.size();
  int64_t nb = ImagesPerChunk(d, sizeof(T));
  T* col = Scratch<T>(d.c * Taps(d.g) * nb * ohw, 0);
  T* dybuf = Scratch<T>(d.f * nb * ohw, 1);
  if (dx && req[0] == OpReq::kWrite)
    for (int64_t i = 0; i < d.n * chw; ++i) dx[i] = T(0);
  for (int64_t n0 = 0; n0 < d.n; n0 += nb) {
    int64_t cnt = std::min(nb, d.n - n0), ld = cnt * ohw;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (cnt * d.f * ohw > 65536)
    for (int64_t nf = 0; nf < cnt * d.f; ++nf) {
      int64_t i = nf / d.f, f = nf % d.f;
      const T* src = dy + ((n0 + i) * d.f + f) * ohw;
      std::copy(src, src + ohw, dybuf + f * ld + i * ohw);
    }
    if (dw) {
      for (int64_t i = 0; i < cnt; ++i)
        Im2Col(x + (n0 + i) * chw, d.c, d.in, d.g, d.out, col + i * ohw, ld);
      bool accumulate = n0 > 0 || req[1] == OpReq::kAddTo;
      for (int64_t gi = 0; gi < d.groups; ++gi)
        CpuGemm<T>(false, true, fg, k, ld, T(1), dybuf + gi * fg * ld, ld, col + gi * k * ld, ld,
                   T(accumulate ? 1 : 0), dw + gi * fg * k, k);
    }
    if (dx) {
      for (int64_t gi = 0; gi < d.groups; ++gi)
        CpuGemm<T>(true, false, k, ld, fg, T(1), w + gi * fg * k, k, dybuf + gi * fg * ld, ld, T(0),
                   col + gi * k * ld, ld);
      for (int64_t i = 0; i < cnt; ++i)
        Col2ImAdd(col + i * ohw, d.c, d.in, d.g, d.out, dx + (n0 + i) * chw, ld);
    }
  }
  if (db) ConvBiasGrad(dy, db, d.n, d.f, ohw, req[2] == OpReq::kAddTo);
}

void ConvolutionBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<ConvolutionParam>();
  ConvDims d = MakeConvDims(p, in[1].shape);
  auto want = [&](int i) { return req[i] != OpReq::kNull; };
  if (UseDnnl(in[0].dtype) &&
      DnnlConvBackward(ToDnnl(d), in[0].ptr<float>(), in[1].ptr<float>(), in[2].ptr<float>(),
                       want(0) ? out[0].ptr<float>() : nullptr, req[0] == OpReq::kAddTo,
                       want(1) ? out[1].ptr<float>() : nullptr, req[1] == OpReq::kAddTo,
                       !p.no_bias && want(2) ? out[2].ptr<float>() : nullptr,
                       !p.no_bias && req[2] == OpReq::kAddTo))
    return;
  MX_TYPE_SWITCH_BLAS(in[0].dtype, T, "Convolution backward on CPU", {
    T* db = (!p.no_bias && want(2)) ? out[2].ptr<T>() : nullptr;
    Backward<T>(d, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(),
                want(0) ? out[0].ptr<T>() : nullptr, want(1) ? out[1].ptr<T>() : nullptr, db, req);
  });
}

MX_REGISTER_OP(Convolution)
    .Describe("1-D, 2-D or 3-D convolution over NCW / NCHW / NCDHW data (see convolution.cc).")
    .Params<ConvolutionParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<ConvolutionParam>().no_bias ? 2 : 3; })
    .InputNames(DataWeightBiasInputs<ConvolutionParam>)
    .InferShape(ConvolutionShape)
    .InferType(SameTypeInferType)
    .BatchInputs(AlwaysBatchInputs({0}))
    .Compute(DeviceType::kCPU, ConvolutionForward)
    .Gradient(GradientViaDataWeight("_backward_Convolution"));

MX_REGISTER_OP(_backward_Convolution)
    .Describe("Gradient of Convolution: inputs (ograd, data, weight).")
    .Params<ConvolutionParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "weight"})
    .NumOutputs([](const OpAttrs& a) { return a.get<ConvolutionParam>().no_bias ? 2 : 3; })
    .InferShape(DataWeightBiasGradShape<ConvolutionParam>)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ConvolutionBackward);

}  // namespace
}  // namespace mx
