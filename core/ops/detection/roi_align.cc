// _contrib_ROIAlign (roi_align-inl.h): shapes, registration, CPU kernels.
#include "core/base/error.h"
#include "core/ops/detection/roi_align-inl.h"

namespace mx {

ROIAlignGeometry MakeROIAlignGeometry(const ROIAlignParam& p, const Shape& data,
                                      const Shape& rois) {
  ROIAlignGeometry g;
  g.batch = data[0];
  g.channels = data[1];
  g.height = data[2];
  g.width = data[3];
  g.ph = p.pooled_size[0];
  g.pw = p.pooled_size[1];
  g.out_channels = p.position_sensitive ? g.channels / (g.ph * g.pw) : g.channels;
  g.rois = rois[0];
  g.scale = p.spatial_scale;
  g.sample_ratio = p.sample_ratio;
  g.position_sensitive = p.position_sensitive;
  g.aligned = p.aligned;
  return g;
}

namespace {

constexpr const char* kName = "_contrib_ROIAlign";

bool ROIAlignShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<ROIAlignParam>();
  MX_CHECK_AS(ValueError, p.pooled_size.ndim() == 2 && p.pooled_size[0] > 0 &&
                              p.pooled_size[1] > 0)
      << "operator " << kName << ": pooled_size must be (h, w) with positive sizes; found "
      << p.pooled_size << ".";
  const Shape &d = (*in)[0], &r = (*in)[1];
  if (d.ndim() == 0 || r.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() == 4)
      << "operator " << kName << ": data must be (N, C, H, W); found " << d << ".";
  MX_CHECK_AS(ShapeError, r.ndim() == 2 && r[1] == 5)
      << "operator " << kName << ": rois must be (R, 5) rows of (batch index, x1, y1, x2, y2); "
      << "found " << r << ".";
  int64_t bins = p.pooled_size[0] * p.pooled_size[1];
  MX_CHECK_AS(ShapeError, !p.position_sensitive || d[1] % bins == 0)
      << "operator " << kName << ": with position_sensitive the " << d[1]
      << " channels must be a multiple of pooled_size's " << bins << " bins.";
  int64_t c = p.position_sensitive ? d[1] / bins : d[1];
  AssignShape(&(*out)[0], Shape({r[0], c, p.pooled_size[0], p.pooled_size[1]}), attrs,
              "the output");
  return true;
}

MX_REGISTER_OP(_contrib_ROIAlign)
    .Describe("Bilinear pooling of regions of interest into fixed-size bins (Mask R-CNN).")
    .Params<ROIAlignParam>()
    .NumInputs(2)
    .InputNames({"data", "rois"})
    .InferShape(ROIAlignShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ROIAlignForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> g = ctx->Op("_backward__contrib_ROIAlign",
                                         {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1)},
                                         attrs.dict);
      return std::vector<GradEntry>{g[0], GradEntry()};  // rois: none (as in MXNet)
    });

MX_REGISTER_OP(_backward__contrib_ROIAlign)
    .Describe("Gradient of _contrib_ROIAlign for data: inputs (ograd, data, rois).")
    .Params<ROIAlignParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "rois"})
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, ROIAlignBackward<CPU>);

}  // namespace
}  // namespace mx
