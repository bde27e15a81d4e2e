// UpSampling (nearest; upsampling-inl.h). sample_type "bilinear" (a Deconvolution with a
// weight input in MXNet) is refused with NotImplementedError.
#include "core/ops/nn/upsampling-inl.h"

namespace mx {
namespace {

bool UpSamplingShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<UpSamplingParam>();
  MX_CHECK_AS(NotImplementedError, p.sample_type == "nearest")
      << "operator UpSampling: sample_type 'bilinear' is not in Tessera yet; use 'nearest', or "
      << "Deconvolution with a bilinear weight.";
  MX_CHECK_AS(ValueError, p.scale >= 1) << "operator UpSampling: scale must be >= 1, found "
                                        << p.scale << ".";
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
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
              "then concatenates (or sums) them on the channel axis.")
    .Params<UpSamplingParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<UpSamplingParam>().num_args; })
    .InputNames([](const OpAttrs& a) {
      std::vector<std::string> names;
      for (int i = 0; i < a.get<UpSamplingParam>().num_args; ++i)
        names.push_back("arg" + std::to_string(i));
      return names;
    })
    .InferShape(UpSamplingShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, UpSamplingForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
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
