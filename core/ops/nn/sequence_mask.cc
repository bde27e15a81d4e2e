// SequenceMask (sequence_mask-inl.h).
#include "core/ops/nn/sequence_mask-inl.h"

namespace mx {
namespace {

bool SequenceMaskShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<SequenceMaskParam>();
  MX_CHECK_AS(ValueError, p.axis == 0 || p.axis == 1)
      << "operator SequenceMask: axis must be 0 or 1, found " << p.axis << ".";
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() >= 2)
      << "operator SequenceMask: data must be (T, N, ...) or (N, T, ...); found " << d << ".";
  if (p.use_sequence_length) AssignShape(&(*in)[1], Shape({d[1 - p.axis]}), attrs,
                                         "sequence_length");
  AssignShape(&(*out)[0], d, attrs, "the output");
  return true;
}

bool SequenceMaskType(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  if (in->size() > 1 && (*in)[1] < 0) (*in)[1] = (*in)[0];
  (*out)[0] = (*in)[0];
  return true;
}

MX_REGISTER_OP(SequenceMask)
    .Describe("Sets the steps past each sequence's length to value.")
    .Params<SequenceMaskParam>()
    .NumInputs([](const OpAttrs& a) {
      return a.get<SequenceMaskParam>().use_sequence_length ? 2 : 1;
    })
    .InputNames([](const OpAttrs& a) {
      return a.get<SequenceMaskParam>().use_sequence_length
                 ? std::vector<std::string>{"data", "sequence_length"}
                 : std::vector<std::string>{"data"};
    })
    .InferShape(SequenceMaskShape)
    .InferType(SequenceMaskType)
    .Compute(DeviceType::kCPU, SequenceMaskCompute<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      ParamMap p = attrs.dict;
      p["value"] = "0.0";
      std::vector<GradEntry> in = {ctx->OutGrad(0)};
      if (attrs.get<SequenceMaskParam>().use_sequence_length) in.push_back(ctx->Input(1));
      std::vector<GradEntry> g = ctx->Op("SequenceMask", in, p);
      if (in.size() == 2) g.push_back(GradEntry());
      return g;
    });

}  // namespace
}  // namespace mx
