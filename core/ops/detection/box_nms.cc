// _contrib_box_nms (box_nms-inl.h): parameter checks, shapes, registration, CPU kernels.
#include <vector>

#include "core/base/error.h"
#include "core/ops/detection/box_nms-inl.h"

namespace mx {

NMSGeometry MakeNMSGeometry(const BoxNMSParam& p, const Shape& s) {
  NMSGeometry g;
  g.num = s[s.ndim() - 2];
  g.width = s[s.ndim() - 1];
  g.coord = p.coord_start;
  g.score = p.score_index;
  g.id = p.id_index;
  g.background = p.background_id;
  g.topk = p.topk < 0 || p.topk > g.num ? static_cast<int>(g.num) : p.topk;
  g.force = p.force_suppress;
  g.center_in = p.in_format == "center";
  g.center_out = p.out_format == "center";
  g.overlap = p.overlap_thresh;
  g.valid = p.valid_thresh;
  return g;
}

namespace {

constexpr const char* kName = "_contrib_box_nms";

bool BoxNMSShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  const auto& p = attrs.get<BoxNMSParam>();
  MX_CHECK_AS(ShapeError, d.ndim() >= 2)
      << "operator " << kName << ": data must be (..., num_boxes, box_width); found " << d << ".";
  int64_t w = d[d.ndim() - 1];
  int64_t need = p.id_index >= 0 ? 6 : 5;
  MX_CHECK_AS(ShapeError, w >= need)
      << "operator " << kName << ": each box needs at least " << need
      << " values (score, 4 coordinates" << (p.id_index >= 0 ? ", class id" : "")
      << "); data " << d << " has " << w << ".";
  auto inside = [&](int i) { return i >= 0 && i < w; };
  auto clear = [&](int i) { return i < p.coord_start || i > p.coord_start + 3; };
  MX_CHECK_AS(ValueError, inside(p.coord_start) && inside(p.coord_start + 3))
      << "operator " << kName << ": coordinates " << p.coord_start << ".." << p.coord_start + 3
      << " do not fit in a box of width " << w << ".";
  MX_CHECK_AS(ValueError, inside(p.score_index) && clear(p.score_index))
      << "operator " << kName << ": score_index " << p.score_index
      << " must be a position in the box outside the coordinates.";
  MX_CHECK_AS(ValueError, p.id_index < 0 || (inside(p.id_index) && clear(p.id_index) &&
                                             p.id_index != p.score_index))
      << "operator " << kName << ": id_index " << p.id_index
      << " must be a position in the box outside the coordinates and the score.";
  std::vector<int64_t> rec = d.dims();
  rec.back() = 1;
  AssignShape(&(*out)[0], d, attrs, "the output");
  AssignShape(&(*out)[1], Shape(rec), attrs, "the record");
  return true;
}

MX_REGISTER_OP(_contrib_box_nms)
    .Describe("Non-maximum suppression of scored boxes (MXNet's box_nms).")
    .Params<BoxNMSParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .NumOutputs(2)
    .OutputNames({"output", "record"})
    .NumVisibleOutputs([](const OpAttrs&) { return 1; })
    .InferShape(BoxNMSShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, BoxNMSForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward__contrib_box_nms", {ctx->OutGrad(0), ctx->Output(1)},
                     attrs.dict);
    });

MX_REGISTER_OP(_backward__contrib_box_nms)
    .Describe("Gradient of _contrib_box_nms: inputs (ograd, record).")
    .Params<BoxNMSParam>()
    .NumInputs(2)
    .InputNames({"ograd", "record"})
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[0].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[0], attrs, "data gradient");
      return true;
    })
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, BoxNMSBackward<CPU>);

}  // namespace
}  // namespace mx
