// Crop (crop-inl.h).
#include "core/ops/nn/crop-inl.h"
#include "core/ops/nn/data_gradient.h"

namespace mx {
namespace {

bool CropShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<CropParam>();
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() == 4)
      << "operator Crop: data must be 4-D (batch, channel, y, x); found " << d << ".";
  int64_t h, w;
  if (p.num_args == 2) {
    const Shape& like = (*in)[1];
    if (like.ndim() == 0) return false;
    MX_CHECK_AS(ShapeError, like.ndim() >= 3)
        << "operator Crop: crop_like must have (y, x) as its last two axes; found " << like;
    h = like[like.ndim() - 2];
    w = like[like.ndim() - 1];
  } else {
    MX_CHECK_AS(ValueError, p.h_w.ndim() == 2 && p.h_w[0] > 0 && p.h_w[1] > 0)
        << "operator Crop: with num_args=1, h_w gives the crop size (two positive values); "
        << "found " << p.h_w.ToPythonString() << ".";
    h = p.h_w[0];
    w = p.h_w[1];
  }
  auto [oy, ox] = CropOffset(p, d, h, w);
  MX_CHECK_AS(ShapeError, oy >= 0 && ox >= 0 && oy + h <= d[2] && ox + w <= d[3])
      << "operator Crop: a (" << h << ", " << w << ") crop at offset (" << oy << ", " << ox
      << ") does not fit in data of shape " << d << ".";
  AssignShape(&(*out)[0], Shape{d[0], d[1], h, w}, attrs, "the output");
  return true;
}

MX_REGISTER_OP(Crop)
    .Describe("Crops the (y, x) axes of 4-D data to the size of crop_like or to h_w.")
    .Params<CropParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<CropParam>().num_args; })
    .InputNames([](const OpAttrs& a) {
      return a.get<CropParam>().num_args == 2 ? std::vector<std::string>{"data", "crop_like"}
                                              : std::vector<std::string>{"data"};
    })
    .InferShape(CropShape)
    .InferType([](const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
      (*out)[0] = (*in)[0];
      return (*in)[0] >= 0;
    })
    .Compute(DeviceType::kCPU, CropForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> g =
          ctx->Op("_backward_Crop", {ctx->OutGrad(0), ctx->Input(0)}, attrs.dict);
      g.resize(attrs.get<CropParam>().num_args);  // crop_like: no gradient
      return g;
    });

[[maybe_unused]] OpDef& backward_registration =
    RegisterOgradDataBackward<CropParam>("Crop").Compute(DeviceType::kCPU, CropBackward<CPU>);

}  // namespace
}  // namespace mx
