// Deconvolution (transposed convolution; 1-D NCW, 2-D NCHW and 3-D NCDHW), MXNet parameters.
// Weight is (C, F/num_group, [kd,] kh, kw) for C input channels; no_bias defaults to True as
// in MXNet.
// Output size per axis: s (x - 1) + d (k - 1) + 1 - 2 pad + adj; target_shape, when given,
// picks pad and adj to reach it. It is the adjoint of Convolution with the same geometry:
//   forward:  col_g = W_g^T x_g, scattered into y with col2im (+ bias);
//   backward (_backward_Deconvolution, inputs ograd, data, weight):
//             dx_g = W_g im2col(dy)_g,  dW_g += x_g im2col(dy)_g^T,  db = sums of dy.
#include <algorithm>
#include <optional>
#include <string>

#include "core/op/op_def.h"
#include "core/ops/linalg/blas.h"
#include "core/ops/nn/conv_geometry.h"
#include "core/ops/nn/deconvolution-inl.h"

namespace mx {

DeconvDims MakeDeconvDims(const DeconvolutionParam& p, const Shape& data) {
  DeconvDims d;
  d.spatial = p.kernel.ndim();
  const int spatial = d.spatial;
  d.g = MakeWindow("Deconvolution", spatial, p.kernel, p.stride, p.dilate, Shape());
  MX_CHECK_AS(ShapeError, data.ndim() == spatial + 2)
      << "operator Deconvolution: a " << spatial << "-D kernel " << p.kernel.ToPythonString()
      << " needs data of rank " << spatial + 2 << " (" << SpatialLayout(spatial)
      << "), found shape " << data << ".";
  d.n = data[0];
  d.c = data[1];
  d.in = SpatialOf(data, spatial);
  d.f = p.num_filter;
  d.groups = p.num_group;
  MX_CHECK_AS(ValueError, d.groups > 0 && d.c % d.groups == 0 && d.f % d.groups == 0)
      << "operator Deconvolution: num_group " << d.groups << " must divide the input channels ("
      << d.c << ") and num_filter (" << d.f << ").";
  // MXNet writes target_shape=(0, 0) into JSON by default: only a non-zero value sets it.
  bool has_target = false;
  for (int i = 0; i < p.target_shape.ndim(); ++i) has_target = has_target || p.target_shape[i] != 0;
  MX_CHECK_AS(ValueError, !has_target || p.target_shape.ndim() == spatial)
      << "operator Deconvolution: target_shape " << p.target_shape.ToPythonString() << " must have "
      << spatial << " values.";
  MX_CHECK_AS(ValueError, has_target || ((p.pad.ndim() == 0 || p.pad.ndim() == spatial) &&
                                         (p.adj.ndim() == 0 || p.adj.ndim() == spatial)))
      << "operator Deconvolution: pad and adj must have " << spatial << " values.";
  // Axis i of the parameters (0 first) is field a = spatial - 1 - i from the width back.
  int64_t* in_size[3] = {&d.in.w, &d.in.h, &d.in.d};
  int64_t* out_size[3] = {&d.out.w, &d.out.h, &d.out.d};
  const int64_t k[3] = {d.g.kw, d.g.kh, d.g.kd}, s[3] = {d.g.sw, d.g.sh, d.g.sd},
                dl[3] = {d.g.dw, d.g.dh, d.g.dd};
  int64_t* pad[3] = {&d.g.pw, &d.g.ph, &d.g.pd};
  for (int i = 0; i < spatial; ++i) {
    int a = spatial - 1 - i;
    int64_t full = s[a] * (*in_size[a] - 1) + dl[a] * (k[a] - 1) + 1, pv = 0, av = 0;
    if (has_target) {
      int64_t total = full - p.target_shape[i];
      MX_CHECK_AS(ShapeError, total >= 0)
          << "operator Deconvolution: target_shape " << p.target_shape.ToPythonString()
          << " is larger than the largest output this input and kernel can give.";
      pv = (total + 1) / 2;
      av = total % 2;
    } else {
      pv = p.pad.ndim() ? p.pad[i] : 0;
      av = p.adj.ndim() ? p.adj[i] : 0;
    }
    int64_t out = full - 2 * pv + av;
    MX_CHECK_AS(ShapeError, out > 0 && av < std::max(s[a], dl[a]))
        << "operator Deconvolution: pad/adj give an invalid output size " << out
        << " for input shape " << data << " (adj must be smaller than stride or dilate).";
    *pad[a] = pv;
    *out_size[a] = out;
  }
  return d;
}

namespace {

bool DeconvolutionShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<DeconvolutionParam>();
  const Shape& data = (*in)[0];
  if (data.ndim() == 0) return false;
  DeconvDims d = MakeDeconvDims(p, data);
  std::vector<int64_t> wshape = {d.c, d.f / d.groups};
  wshape.insert(wshape.end(), p.kernel.begin(), p.kernel.end());
  AssignShape(&(*in)[1], Shape(wshape), attrs, "weight");
  if (!p.no_bias) AssignShape(&(*in)[2], Shape{d.f}, attrs, "bias");
  AssignShape(&(*out)[0], SpatialShape(d.n, d.f, d.spatial, d.out), attrs, "the output");
  return true;
}

template <typename T>
void Forward(const DeconvDims& d, const T* x, const T* w, const T* b, T* y, bool add) {
  int64_t cg = d.c / d.groups, fg = d.f / d.groups, kk = d.g.kd * d.g.kh * d.g.kw;
  int64_t hw = d.in.size(), ohw = d.out.size();
  T* col = Scratch<T>(d.f * kk * hw);
  if (!add)
    for (int64_t i = 0; i < d.n * d.f * ohw; ++i) y[i] = T(0);
  for (int64_t n = 0; n < d.n; ++n) {
    for (int64_t gi = 0; gi < d.groups; ++gi)
      CpuGemm<T>(true, false, fg * kk, hw, cg, T(1), w + gi * cg * fg * kk, fg * kk,
                 x + (n * d.c + gi * cg) * hw, hw, T(0), col + gi * fg * kk * hw, hw);
    Col2ImAdd(col, d.f, d.out, d.g, d.in, y + n * d.f * ohw);
    if (b)
      for (int64_t f = 0; f < d.f; ++f)
        for (int64_t i = 0; i < ohw; ++i) y[(n * d.f + f) * ohw + i] += b[f];
  }
}

template <typename T>
void Backward(const DeconvDims& d, const T* dy, const T* x, const T* w, T* dx, T* dw, T* db,
              const std::vector<OpReq>& req) {
  int64_t cg = d.c / d.groups, fg = d.f / d.groups, kk = d.g.kd * d.g.kh * d.g.kw;
  int64_t hw = d.in.size(), ohw = d.out.size();
  T* col = Scratch<T>(d.f * kk * hw);
  for (int64_t n = 0; n < d.n; ++n) {
    Im2Col(dy + n * d.f * ohw, d.f, d.out, d.g, d.in, col);
    for (int64_t gi = 0; gi < d.groups; ++gi) {
      const T* cgp = col + gi * fg * kk * hw;
      const T* wg = w + gi * cg * fg * kk;
      if (dx)
        CpuGemm<T>(false, false, cg, hw, fg * kk, T(1), wg, fg * kk, cgp, hw,
                   T(req[0] == OpReq::kAddTo ? 1 : 0), dx + (n * d.c + gi * cg) * hw, hw);
      if (dw)
        CpuGemm<T>(false, true, cg, fg * kk, hw, T(1), x + (n * d.c + gi * cg) * hw, hw, cgp, hw,
                   T(n > 0 || req[1] == OpReq::kAddTo ? 1 : 0), dw + gi * cg * fg * kk, fg * kk);
    }
  }
  if (db) ConvBiasGrad(dy, db, d.n, d.f, ohw, req[2] == OpReq::kAddTo);
}

void DeconvolutionForward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                          const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const auto& p = attrs.get<DeconvolutionParam>();
  DeconvDims d = MakeDeconvDims(p, in[0].shape);
  MX_TYPE_SWITCH_BLAS(out[0].dtype, T, "Deconvolution on CPU", {
    Forward<T>(d, in[0].ptr<T>(), in[1].ptr<T>(), p.no_bias ? nullptr : in[2].ptr<T>(),
               out[0].ptr<T>(), req[0] == OpReq::kAddTo);
  });
}

void DeconvolutionBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                           const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<DeconvolutionParam>();
  DeconvDims d = MakeDeconvDims(p, in[1].shape);
  MX_TYPE_SWITCH_BLAS(in[0].dtype, T, "Deconvolution backward on CPU", {
    T* db = (!p.no_bias && req[2] != OpReq::kNull) ? out[2].ptr<T>() : nullptr;
    Backward<T>(d, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(),
                req[0] != OpReq::kNull ? out[0].ptr<T>() : nullptr,
                req[1] != OpReq::kNull ? out[1].ptr<T>() : nullptr, db, req);
  });
}

MX_REGISTER_OP(Deconvolution)
    .Describe("Transposed convolution over NCW / NCHW / NCDHW data (see deconvolution.cc).")
    .Params<DeconvolutionParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<DeconvolutionParam>().no_bias ? 2 : 3; })
    .InputNames(DataWeightBiasInputs<DeconvolutionParam>)
    .InferShape(DeconvolutionShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, DeconvolutionForward)
    .Gradient(GradientViaDataWeight("_backward_Deconvolution"));

MX_REGISTER_OP(_backward_Deconvolution)
    .Describe("Gradient of Deconvolution: inputs (ograd, data, weight).")
    .Params<DeconvolutionParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "weight"})
    .NumOutputs([](const OpAttrs& a) { return a.get<DeconvolutionParam>().no_bias ? 2 : 3; })
    .InferShape(DataWeightBiasGradShape<DeconvolutionParam>)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, DeconvolutionBackward);

}  // namespace
}  // namespace mx
