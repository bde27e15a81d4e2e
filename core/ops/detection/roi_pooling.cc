// ROIPooling (roi_pooling-inl.h): shapes, registration, CPU kernels.
#include "core/base/error.h"
#include "core/ops/detection/roi_pooling-inl.h"

namespace mx {

ROIPoolingGeometry MakeROIPoolingGeometry(const ROIPoolingParam& p, const Shape& data,
                                          const Shape& rois) {
  return ROIPoolingGeometry{data[0],          data[1],          data[2], data[3],
                            p.pooled_size[0], p.pooled_size[1], rois[0],
                            static_cast<float>(p.spatial_scale)};
}

namespace {

bool ROIPoolingShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<ROIPoolingParam>();
  MX_CHECK_AS(ValueError, p.pooled_size.ndim() == 2 && p.pooled_size[0] > 0 &&
                              p.pooled_size[1] > 0 && p.spatial_scale > 0 &&
                              p.spatial_scale <= 1)
      << "operator ROIPooling (" << attrs.name << "): pooled_size must be (h, w) with positive "
      << "sizes and spatial_scale in (0, 1]; found " << p.pooled_size << " and "
      << p.spatial_scale << ".";
  const Shape &d = (*in)[0], &r = (*in)[1];
  if (d.ndim() == 0 || r.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() == 4 && r.ndim() == 2 && r[1] == 5)
      << "operator ROIPooling (" << attrs.name << "): data must be (N, C, H, W) and rois (R, 5) "
      << "rows of (batch index, x1, y1, x2, y2); found " << d << " and " << r << ".";
  Shape o{r[0], d[1], p.pooled_size[0], p.pooled_size[1]};
  AssignShape(&(*out)[0], o, attrs, "the output");
  AssignShape(&(*out)[1], o, attrs, "the argmax");
  return true;
}

bool ROIPoolingType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  int t = (*in)[0] >= 0 ? (*in)[0] : (*in)[1];
  if (t < 0) return false;
  for (int& x : *in) x = x < 0 ? t : x;
  (*out)[0] = t;
  (*out)[1] = static_cast<int>(kInt64);
  return true;
}

MX_REGISTER_OP(ROIPooling)
    .Describe("Max pooling of regions of interest into fixed-size bins (Fast R-CNN).")
    .Params<ROIPoolingParam>()
    .NumInputs(2)
    .InputNames({"data", "rois"})
    .NumOutputs(2)
    .OutputNames({"output", "maxidx"})
    .NumVisibleOutputs([](const OpAttrs&) { return 1; })
    .InferShape(ROIPoolingShape)
    .InferType(ROIPoolingType)
    .Compute(DeviceType::kCPU, ROIPoolingForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_ROIPooling",
                     {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1), ctx->Output(1)}, attrs.dict);
    });

MX_REGISTER_OP(_backward_ROIPooling)
    .Describe("Gradient of ROIPooling: inputs (ograd, data, rois, argmax).")
    .Params<ROIPoolingParam>()
    .NumInputs(4)
    .NumOutputs(2)
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, ROIPoolingBackward<CPU>);

}  // namespace
}  // namespace mx
