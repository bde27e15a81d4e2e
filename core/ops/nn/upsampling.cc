// UpSampling (upsampling-inl.h): shapes, registration, CPU kernels; bilinear through the
// Deconvolution operator's kernels.
#include <cmath>

#include "core/ops/nn/upsampling-inl.h"

namespace mx {

ParamMap BilinearDeconvParams(const UpSamplingParam& p) {
  int kernel = 2 * p.scale - p.scale % 2;
  int pad = static_cast<int>(std::ceil((p.scale - 1) / 2.0));
  return ToParamMap({{"kernel", Shape{kernel, kernel}},
                     {"stride", Shape{p.scale, p.scale}},
                     {"pad", Shape{pad, pad}},
                     {"num_filter", p.num_filter},
                     {"num_group", p.num_filter},
                     {"no_bias", true}});
}

void BilinearUpSamplingForward(const OpAttrs& attrs, const OpContext& ctx,
                               const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                               const std::vector<TBlob>& out) {
  const OpDef& deconv = OpRegistry::Get()->Find("Deconvolution");
  OpAttrs d = deconv.MakeAttrs(BilinearDeconvParams(attrs.get<UpSamplingParam>()),
                               attrs.name + "_deconvolution");
  const FCompute* fn = deconv.compute(ctx.run.ctx.dev_type);
  MX_CHECK_AS(NotImplementedError, fn != nullptr)
      << "operator UpSampling (bilinear): Deconvolution has no kernel for " << ctx.run.ctx << ".";
  (*fn)(d, ctx, in, req, out);
}

namespace {

bool IsBilinear(const OpAttrs& a) { return a.get<UpSamplingParam>().sample_type == "bilinear"; }

bool UpSamplingShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<UpSamplingParam>();
  MX_CHECK_AS(ValueError, p.scale >= 1) << "operator UpSampling: scale must be >= 1, found "
                                        << p.scale << ".";
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  if (IsBilinear(attrs)) {
    MX_CHECK_AS(ShapeError, d.ndim() == 4 && p.num_filter == d[1])
        << "operator UpSampling (" << attrs.name << "): bilinear needs 4-D data (batch, "
        << "channel, y, x) and num_filter equal to its channels; found " << d << " and "
        << "num_filter " << p.num_filter << ".";
    int64_t k = 2 * p.scale - p.scale % 2;
    AssignShape(&(*in)[1], Shape{d[1], 1, k, k}, attrs, "the weight");
    AssignShape(&(*out)[0], Shape{d[0], d[1], d[2] * p.scale, d[3] * p.scale}, attrs,
                "the output");
    return true;
  }
  int64_t channels = 0;
  for (size_t k = 0; k < in->size(); ++k) {
    const Shape& s = (*in)[k];
    if (s.ndim() == 0) return false;
    MX_CHECK_AS(ShapeError, s.ndim() == 4)
        << "operator UpSampling: input " << k << " must be 4-D (batch, channel, y, x); found "
        << s << ".";
    int64_t oh = d[2] * p.scale, ow = d[3] * p.scale;
    MX_CHECK_AS(ShapeError, s[0] == d[0] && oh % s[2] == 0 && ow % s[3] == 0)
        << "operator UpSampling: input " << k << " of shape " << s << " does not divide the "
        << "output size (" << oh << ", " << ow << ") or has another batch size.";
    if (p.multi_input_mode == "sum") {
      MX_CHECK_AS(ShapeError, channels == 0 || channels == s[1])
          << "operator UpSampling: inputs must have the same channels when "
          << "multi_input_mode='sum'; found " << channels << " and " << s[1] << ".";
      channels = s[1];
    } else {
      channels += s[1];
    }
  }
  AssignShape(&(*out)[0], Shape{d[0], channels, d[2] * p.scale, d[3] * p.scale}, attrs,
              "the output");
  return true;
}

MX_REGISTER_OP(UpSampling)
    .Describe("Upsamples the inputs by repeating each pixel scale x scale times (nearest), "
              "then concatenates (or sums) them on the channel axis; or by a depthwise "
              "deconvolution with a weight input (bilinear).")
    .Params<UpSamplingParam>()
    .NumInputs([](const OpAttrs& a) {
      return IsBilinear(a) ? 2 : a.get<UpSamplingParam>().num_args;
    })
    .InputNames([](const OpAttrs& a) {
      if (IsBilinear(a)) return std::vector<std::string>{"data", "weight"};
      std::vector<std::string> names;
      for (int i = 0; i < a.get<UpSamplingParam>().num_args; ++i)
        names.push_back("arg" + std::to_string(i));
      return names;
    })
    .InferShape(UpSamplingShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, UpSamplingForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      if (IsBilinear(attrs))  // the Deconvolution's gradient: (data, weight)
        return ctx->Op("_backward_Deconvolution", {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1)},
                       BilinearDeconvParams(attrs.get<UpSamplingParam>()));
      std::vector<GradEntry> in = {ctx->OutGrad(0)};
      int n = attrs.get<UpSamplingParam>().num_args;
      for (int i = 0; i < n; ++i) in.push_back(ctx->Input(i));
      std::vector<GradEntry> g = ctx->Op("_backward_UpSampling", in, attrs.dict);
      g.resize(n);
      return g;
    });

MX_REGISTER_OP(_backward_UpSampling)
    .Describe("Gradient of UpSampling: inputs (ograd, forward inputs...).")
    .Params<UpSamplingParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<UpSamplingParam>().num_args + 1; })
    .NumOutputs([](const OpAttrs& a) { return a.get<UpSamplingParam>().num_args; })
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      bool known = true;
      for (size_t k = 0; k < out->size(); ++k) {
        known = known && (*in)[k + 1].ndim() > 0;
        AssignShape(&(*out)[k], (*in)[k + 1], attrs, "input gradient");
      }
      return known;
    })
    .InferType([](const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
      for (int& t : *out) t = (*in)[0];
      return (*in)[0] >= 0;
    })
    .Compute(DeviceType::kCPU, UpSamplingBackward<CPU>);

}  // namespace
}  // namespace mx
