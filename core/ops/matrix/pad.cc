// Pad (pad-inl.h): shape checks, registration, CPU kernels.
#include "core/base/error.h"
#include "core/ops/matrix/matrix-inl.h"
#include "core/ops/matrix/pad-inl.h"

namespace mx {

PadGeometry MakePadGeometry(const PadParam& p, const Shape& in) {
  PadGeometry g;
  g.ndim = in.ndim();
  g.mode = p.mode == "edge" ? 1 : (p.mode == "reflect" ? 2 : 0);
  g.value = p.constant_value;
  for (int d = 0; d < in.ndim(); ++d) {
    g.in.v[d] = in[d];
    g.before.v[d] = p.pad_width[2 * d];
    g.out.v[d] = in[d] + p.pad_width[2 * d] + p.pad_width[2 * d + 1];
  }
  return g;
}

namespace {

bool PadShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  const auto& p = attrs.get<PadParam>();
  MX_CHECK_AS(ValueError, p.pad_width.ndim() == 2 * d.ndim())
      << "operator Pad: pad_width " << p.pad_width << " needs 2 values per axis of data " << d
      << " (" << 2 * d.ndim() << " in all).";
  MX_CHECK_AS(NotImplementedError, d.ndim() <= kMaxDim)
      << "operator Pad: at most " << kMaxDim << " axes, found " << d.ndim() << ".";
  std::vector<int64_t> dims(d.ndim());
  for (int i = 0; i < d.ndim(); ++i) {
    int64_t b = p.pad_width[2 * i], a = p.pad_width[2 * i + 1];
    MX_CHECK_AS(ValueError, b >= 0 && a >= 0)
        << "operator Pad: pad_width " << p.pad_width << " must not be negative.";
    MX_CHECK_AS(ValueError, p.mode == "constant" || d[i] > 0 || (a == 0 && b == 0))
        << "operator Pad: cannot pad the empty axis " << i << " in mode " << p.mode << ".";
    MX_CHECK_AS(ValueError, p.mode != "reflect" || (b < d[i] && a < d[i]))
        << "operator Pad: reflect padding needs pads smaller than the axis; axis " << i
        << " has size " << d[i] << ", pads " << b << " and " << a << ".";
    dims[i] = d[i] + b + a;
  }
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

MX_REGISTER_OP(Pad)
    .Describe("data padded with a constant, the edge values, or their reflection (alias pad).")
    .Params<PadParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(PadShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, PadForward<CPU>)
    .Gradient(ViaBackwardWithInputs("Pad", 1));

MX_REGISTER_OP(_backward_Pad)
    .Describe("Gradient of Pad: inputs (ograd, data).")
    .Params<PadParam>()
    .NumInputs(2)
    .InputNames({"ograd", "data"})
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, PadBackward<CPU>);

}  // namespace
}  // namespace mx
