// SequenceMask, SequenceLast, SequenceReverse (sequence-inl.h).
#include "core/ops/nn/sequence-inl.h"

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

// Inputs data[, sequence_length] by use_sequence_length.
FNumArgs SequenceInputCount() {
  return [](const OpAttrs& a) { return a.get<SequenceParam>().use_sequence_length ? 2 : 1; };
}
FListNames SequenceInputNames() {
  return [](const OpAttrs& a) {
    return a.get<SequenceParam>().use_sequence_length
               ? std::vector<std::string>{"data", "sequence_length"}
               : std::vector<std::string>{"data"};
  };
}

// Checks data and the lengths; the time axis for data of shape d.
int SequenceAxis(const OpAttrs& attrs, std::vector<Shape>* in, bool axis0_only) {
  const auto& p = attrs.get<SequenceParam>();
  const std::string& op = attrs.op->name();
  MX_CHECK_AS(ValueError, p.axis == 0 || (p.axis == 1 && !axis0_only))
      << "operator " << op << ": axis must be " << (axis0_only ? "0" : "0 or 1") << ", found "
      << p.axis << ".";
  const Shape& d = (*in)[0];
  MX_CHECK_AS(ShapeError, d.ndim() >= 2)
      << "operator " << op << ": data must be (T, N, ...) or (N, T, ...); found " << d << ".";
  if (p.use_sequence_length) AssignShape(&(*in)[1], Shape({d[1 - p.axis]}), attrs,
                                         "sequence_length");
  return p.axis;
}

MX_REGISTER_OP(SequenceLast)
    .Describe("The last step of each sequence: (N, ...).")
    .Params<SequenceParam>()
    .NumInputs(SequenceInputCount())
    .InputNames(SequenceInputNames())
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[0].ndim() == 0) return false;
      int axis = SequenceAxis(attrs, in, false);
      std::vector<int64_t> dims = (*in)[0].dims();
      dims.erase(dims.begin() + axis);
      AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
      return true;
    })
    .InferType(SequenceMaskType)
    .Compute(DeviceType::kCPU, SequenceStepCompute<CPU, SequenceLastMap>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> in = {ctx->OutGrad(0), ctx->Input(0)};
      bool lengths = attrs.get<SequenceParam>().use_sequence_length;
      if (lengths) in.push_back(ctx->Input(1));
      std::vector<GradEntry> g = ctx->Op("_backward_SequenceLast", in, attrs.dict);
      if (lengths) g.push_back(GradEntry());
      return g;
    });

MX_REGISTER_OP(_backward_SequenceLast)
    .Describe("Gradient of SequenceLast: inputs (ograd, data[, sequence_length]).")
    .Params<SequenceParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<SequenceParam>().use_sequence_length ? 3 : 2; })
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, SequenceStepCompute<CPU, SequenceLastGradMap>);

MX_REGISTER_OP(SequenceReverse)
    .Describe("The first sequence_length steps of each sequence in reverse order (axis 0).")
    .Params<SequenceParam>()
    .NumInputs(SequenceInputCount())
    .InputNames(SequenceInputNames())
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[0].ndim() == 0) return false;
      SequenceAxis(attrs, in, true);
      AssignShape(&(*out)[0], (*in)[0], attrs, "the output");
      return true;
    })
    .InferType(SequenceMaskType)
    .Compute(DeviceType::kCPU, SequenceStepCompute<CPU, SequenceReverseMap>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> in = {ctx->OutGrad(0)};
      bool lengths = attrs.get<SequenceParam>().use_sequence_length;
      if (lengths) in.push_back(ctx->Input(1));
      std::vector<GradEntry> g = ctx->Op("SequenceReverse", in, attrs.dict);
      if (lengths) g.push_back(GradEntry());
      return g;
    });

}  // namespace
}  // namespace mx
