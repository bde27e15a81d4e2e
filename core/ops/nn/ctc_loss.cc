// CTCLoss (ctc_loss-inl.h): shapes, registration, CPU kernels.
#include "core/base/error.h"
#include "core/ops/nn/ctc_loss-inl.h"

namespace mx {

CTCGeometry MakeCTCGeometry(const CTCLossParam& p, const Shape& data, const Shape& label,
                            bool grad) {
  CTCGeometry g;
  g.steps = data[0];
  g.batch = data[1];
  g.alphabet = data[2];
  g.max_labels = label[1];
  bool first = p.blank_label == "first";
  g.blank = first ? 0 : g.alphabet - 1;
  g.padding = first ? 0.0 : -1.0;
  g.data_lengths = p.use_data_lengths;
  g.label_lengths = p.use_label_lengths;
  g.grad = grad;
  int64_t s = 2 * g.max_labels + 1;
  g.work = g.steps * g.alphabet + g.steps * s + 2 * s + g.alphabet + s;
  return g;
}

namespace {

int NumInputs(const OpAttrs& a) {
  const auto& p = a.get<CTCLossParam>();
  return 2 + p.use_data_lengths + p.use_label_lengths;
}

std::vector<std::string> InputNames(const OpAttrs& a) {
  const auto& p = a.get<CTCLossParam>();
  std::vector<std::string> names{"data", "label"};
  if (p.use_data_lengths) names.push_back("data_lengths");
  if (p.use_label_lengths) names.push_back("label_lengths");
  return names;
}

bool CTCLossShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &d = (*in)[0], &l = (*in)[1];
  if (d.ndim() == 0 || l.ndim() == 0) return false;
  std::string where = "operator CTCLoss (" + attrs.name + "): ";
  MX_CHECK_AS(ShapeError, d.ndim() == 3 && l.ndim() == 2 && d[1] == l[0])
      << where << "data must be (sequence length, batch, alphabet) and label (batch, labels) "
      << "with the same batch; found " << d << " and " << l << ".";
  MX_CHECK_AS(ShapeError, d[0] >= l[1])
      << where << "the " << l[1] << " labels a sequence may have cannot exceed its " << d[0]
      << " steps.";
  for (size_t i = 2; i < in->size(); ++i) {
    AssignShape(&(*in)[i], Shape{d[1]}, attrs, InputNames(attrs)[i]);
  }
  AssignShape(&(*out)[0], Shape{d[1]}, attrs, "the loss");
  AssignShape(&(*out)[1], d, attrs, "the gradient");
  return true;
}

bool CTCLossType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  int t = (*in)[0];
  if (t < 0) return false;
  for (size_t i = 1; i < in->size(); ++i)
    if ((*in)[i] < 0) (*in)[i] = t;  // labels and lengths may have any dtype
  (*out)[0] = (*out)[1] = t;
  return true;
}

MX_REGISTER_OP(CTCLoss)
    .Describe("Connectionist Temporal Classification loss of activations (T, N, alphabet) "
              "against label sequences (N, L).")
    .Params<CTCLossParam>()
    .NumInputs(NumInputs)
    .InputNames(InputNames)
    .NumOutputs(2)
    .OutputNames({"output", "grad"})
    .NumVisibleOutputs([](const OpAttrs&) { return 1; })
    .InferShape(CTCLossShape)
    .InferType(CTCLossType)
    .Compute(DeviceType::kCPU, CTCLossForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> in{ctx->OutGrad(0), ctx->Output(1)};
      for (int i = 0; i < NumInputs(attrs); ++i) in.push_back(ctx->Input(i));
      return ctx->Op("_backward_ctc_loss", in, attrs.dict);
    });

MX_REGISTER_OP(_backward_ctc_loss)
    .Describe("Gradient of CTCLoss: inputs (ograd, the forward pass's grad, data, label[, "
              "lengths]).")
    .Params<CTCLossParam>()
    .NumInputs([](const OpAttrs& a) { return 2 + NumInputs(a); })
    .NumOutputs(NumInputs)
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      for (size_t i = 0; i < out->size(); ++i) {
        if ((*in)[2 + i].ndim() == 0) return false;
        AssignShape(&(*out)[i], (*in)[2 + i], attrs, "input gradient");
      }
      return true;
    })
    .InferType([](const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
      for (size_t i = 0; i < out->size(); ++i) (*out)[i] = (*in)[2 + i];
      return true;
    })
    .Compute(DeviceType::kCPU, CTCLossBackward<CPU>);

}  // namespace
}  // namespace mx
