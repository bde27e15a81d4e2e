// SoftmaxOutput (alias Softmax): softmax in the forward pass, cross-entropy gradient in the
// backward pass, with MXNet's exact semantics (mxnet-formats.md §6.6):
//   forward: softmax over axis 1 of data viewed as (N, C) (multi_output: (N, C, positions);
//            preserve_shape: over the last axis);
//   backward (ignores the head gradient unless out_grad): index labels give
//            (out - onehot(label)) * grad_scale / valid_cnt, with rows whose label equals
//            ignore_label zeroed when use_ignore, smooth_alpha label smoothing, and valid_cnt
//            1 (null), N (batch) or the number of non-ignored labels (valid, at least 1);
//            multi_output also divides by the number of positions unless normalization is
//            valid. A label of data's shape is a probability target: (out - label) * grad_scale.
// Kernels for both devices in softmax_output-inl.h.
#include "core/ops/nn/softmax_output-inl.h"

namespace mx {
namespace {

bool SoftmaxOutputShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<SoftmaxOutputParam>();
  const Shape& data = (*in)[0];
  if (data.ndim() == 0) return false;
  Shape& label = (*in)[1];
  Shape want;
  if (p.preserve_shape) {
    want = Shape(std::vector<int64_t>(data.begin(), data.end() - 1));
  } else if (p.multi_output) {
    std::vector<int64_t> d = {data[0]};
    d.insert(d.end(), data.begin() + 2, data.end());
    want = Shape(d);
  } else {
    want = Shape{data[0]};
  }
  // Accepted labels: index labels of shape `want` (or the same count in another layout, such
  // as (N, 1), as MXNet), or probability targets of data's shape.
  bool accepted = label.ndim() != 0 && (label == data || label.Size() == want.Size());
  if (!accepted) AssignShape(&label, want, attrs, "label");
  AssignShape(&(*out)[0], data, attrs, "the output");
  return true;
}

bool LabelAnyType(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  (*out)[0] = (*in)[0];
  if ((*in)[1] < 0) (*in)[1] = (*in)[0];
  return true;
}

void RegisterSoftmaxOutput(OpDef& def) {
  def.Describe("Softmax with MXNet's cross-entropy gradient (see softmax_output.cc).")
      .Params<SoftmaxOutputParam>()
      .NumInputs(2)
      .InputNames({"data", "label"})
      .InferShape(SoftmaxOutputShape)
      .InferType(LabelAnyType)
      .Compute(DeviceType::kCPU, SoftmaxOutputForward<CPU>)
      .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
        std::vector<GradEntry> g =
            ctx->Op("_backward_SoftmaxOutput", {ctx->OutGrad(0), ctx->Output(0), ctx->Input(1)},
                    attrs.dict);
        return std::vector<GradEntry>{g[0], GradEntry()};
      });
}

[[maybe_unused]] const bool kRegistered = [] {
  RegisterSoftmaxOutput(OpRegistry::Get()->Register("SoftmaxOutput"));
  RegisterSoftmaxOutput(OpRegistry::Get()->Register("Softmax"));
  return true;
}();

MX_REGISTER_OP(_backward_SoftmaxOutput)
    .Describe("Gradient of SoftmaxOutput: inputs (ograd, output, label).")
    .Params<SoftmaxOutputParam>()
    .NumInputs(3)
    .InputNames({"ograd", "output", "label"})
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, SoftmaxOutputBackward<CPU>);

}  // namespace
}  // namespace mx
