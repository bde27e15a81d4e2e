// _contrib_BilinearResize2D (bilinear_resize-inl.h): output sizes, registration, CPU kernels.
#include <vector>

#include "core/base/error.h"
#include "core/ops/resize/bilinear_resize-inl.h"

namespace mx {
namespace {

bool IsLike(const OpAttrs& attrs) { return attrs.get<BilinearResizeParam>().mode == "like"; }

// MXNet's output size for one axis of size n (axis 2 or 3).
int64_t ResizedSize(const OpAttrs& attrs, const std::vector<Shape>& in, int axis) {
  const auto& p = attrs.get<BilinearResizeParam>();
  int64_t n = in[0][axis];
  const std::optional<double>& scale = axis == 2 ? p.scale_height : p.scale_width;
  bool odd = n % 2 == 1;
  if (p.mode == "size") {
    // MXNet decides on scale_height for both axes.
    if (!p.scale_height) return axis == 2 ? p.height : p.width;
    MX_CHECK_AS(ValueError, scale.has_value())
        << "operator _contrib_BilinearResize2D (" << attrs.name << "): scale_height is set, so "
        << "scale_width is needed too.";
    return static_cast<int64_t>(*scale * static_cast<double>(n));
  }
  if (p.mode == "odd_scale") {
    MX_CHECK_AS(ValueError, scale.has_value())
        << "operator _contrib_BilinearResize2D (" << attrs.name << "): mode odd_scale needs "
        << "scale_height and scale_width.";
    return odd ? static_cast<int64_t>(static_cast<double>(n - 1) * *scale) + 1
               : static_cast<int64_t>(static_cast<double>(n) * *scale);
  }
  if (p.mode == "like") return in[1][axis];
  if (p.mode == "to_even_down") return odd ? n - 1 : n;
  if (p.mode == "to_even_up") return odd ? n + 1 : n;
  if (p.mode == "to_odd_down") return odd ? n : n - 1;
  return odd ? n : n + 1;  // to_odd_up
}

bool BilinearResizeShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  for (const Shape& s : *in) {
    if (s.ndim() == 0) return false;
    MX_CHECK_AS(ShapeError, s.ndim() == 4)
        << "operator _contrib_BilinearResize2D (" << attrs.name << "): inputs must be 4-D "
        << "(batch, channel, height, width); found " << s << ".";
  }
  const Shape& d = (*in)[0];
  int64_t h = ResizedSize(attrs, *in, 2), w = ResizedSize(attrs, *in, 3);
  MX_CHECK_AS(ShapeError, h >= 1 && w >= 1)
      << "operator _contrib_BilinearResize2D (" << attrs.name << "): the output size (" << h
      << ", " << w << ") of data " << d << " is empty; check height/width or the scales.";
  AssignShape(&(*out)[0], Shape{d[0], d[1], h, w}, attrs, "the output");
  return true;
}

MX_REGISTER_OP(_contrib_BilinearResize2D)
    .Describe("Resize 4-D data (NCHW) by bilinear interpolation.")
    .Params<BilinearResizeParam>()
    .NumInputs([](const OpAttrs& a) { return IsLike(a) ? 2 : 1; })
    .InputNames([](const OpAttrs& a) {
      return IsLike(a) ? std::vector<std::string>{"data", "like"}
                       : std::vector<std::string>{"data"};
    })
    .InferShape(BilinearResizeShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, BilinearResizeForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> in{ctx->OutGrad(0), ctx->Input(0)};
      if (IsLike(attrs)) in.push_back(ctx->Input(1));
      return ctx->Op("_backward_contrib_BilinearResize2D", in, attrs.dict);
    });

MX_REGISTER_OP(_backward_contrib_BilinearResize2D)
    .Describe("Gradient of _contrib_BilinearResize2D: inputs (ograd, data[, like]).")
    .Params<BilinearResizeParam>()
    .NumInputs([](const OpAttrs& a) { return IsLike(a) ? 3 : 2; })
    .NumOutputs([](const OpAttrs& a) { return IsLike(a) ? 2 : 1; })
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, BilinearResizeBackward<CPU>);

}  // namespace
}  // namespace mx
