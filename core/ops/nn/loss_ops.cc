// Loss heads and gradient plumbing (MXNet semantics):
//   LinearRegressionOutput: y = x;           dx = (y - label) * grad_scale / m
//   LogisticRegressionOutput: y = sigmoid(x); dx = (y - label) * grad_scale / m
//   MAERegressionOutput: y = x;               dx = sign(y - label) * grad_scale / m
//     with m = label.size / label.shape[0] (outputs per sample); the head gradient is ignored.
//   MakeLoss: y = x; dx = grad_scale (divided by the batch size for normalization=batch, or by
//     the count of elements > valid_thresh for valid); the head gradient is ignored.
//   BlockGrad (stop_gradient): y = x; no gradient flows to x.
#include <cmath>
#include <string>

#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {
namespace {

struct RegressionParam {
  double grad_scale;
  void Declare(ParamDeclarer* d) {
    d->Declare("grad_scale", &grad_scale, 1.0).Describe("Scales the gradient.");
  }
};

struct MakeLossParam {
  double grad_scale, valid_thresh;
  std::string normalization;
  void Declare(ParamDeclarer* d) {
    d->Declare("grad_scale", &grad_scale, 1.0).Describe("The gradient.");
    d->Declare("valid_thresh", &valid_thresh, 0.0).Describe("For normalization=valid.");
    d->Declare("normalization", &normalization, std::string("null"))
        .Enum({"null", "batch", "valid"})
        .Describe("Divide the gradient by 1, the batch size, or the valid count.");
  }
};

enum Kind { kLinear, kLogistic, kMae };

Kind KindOf(const OpAttrs& a) {
  const std::string& n = a.op->name();
  if (n.find("Logistic") != std::string::npos) return kLogistic;
  if (n.find("MAE") != std::string::npos) return kMae;
  return kLinear;
}

bool RegressionShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  Shape& label = (*in)[1];
  bool ok = label.ndim() != 0 && label.Size() == d.Size() && label[0] == d[0];
  if (!ok) AssignShape(&label, d, attrs, "label");
  AssignShape(&(*out)[0], d, attrs, "the output");
  return true;
}

void RegressionForward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  bool logistic = KindOf(attrs) == kLogistic;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, attrs.op->name().c_str(), {
    for (int64_t i = 0; i < in[0].size(); ++i) {
      double x = ConvertValue<double>(in[0].ptr<T>()[i]);
      mop::Assign(out[0].ptr<T>() + i, static_cast<int>(req[0]),
                  ConvertValue<T>(logistic ? 1 / (1 + std::exp(-x)) : x));
    }
  });
}

void RegressionBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  // inputs: output, label
  Kind k = KindOf(attrs);
  double m = static_cast<double>(in[1].size() / in[1].shape[0]);
  double scale = attrs.get<RegressionParam>().grad_scale / m;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, attrs.op->name().c_str(), {
    MX_TYPE_SWITCH_ARITH(in[1].dtype, L, "label", {
      for (int64_t i = 0; i < in[0].size(); ++i) {
        double d =
            ConvertValue<double>(in[0].ptr<T>()[i]) - ConvertValue<double>(in[1].ptr<L>()[i]);
        if (k == kMae) d = d > 0 ? 1 : (d < 0 ? -1 : 0);
        mop::Assign(out[0].ptr<T>() + i, static_cast<int>(req[0]), ConvertValue<T>(d * scale));
      }
    });
  });
}

bool LabelFollowsData(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  if ((*in)[1] < 0) (*in)[1] = (*in)[0];
  (*out)[0] = (*in)[0];
  return true;
}

#define MX_REGISTER_REGRESSION(name, text)                                                    \
  MX_REGISTER_OP(name)                                                                        \
      .Describe(text)                                                                         \
      .Params<RegressionParam>()                                                              \
      .NumInputs(2)                                                                           \
      .InputNames({"data", "label"})                                                          \
      .InferShape(RegressionShape)                                                            \
      .InferType(LabelFollowsData)                                                            \
      .Compute(DeviceType::kCPU, RegressionForward)                                           \
      .Gradient([](const OpAttrs& attrs, GradContext* ctx) {                                  \
        std::vector<GradEntry> g =                                                            \
            ctx->Op("_backward_" #name, {ctx->Output(0), ctx->Input(1)}, attrs.dict);         \
        return std::vector<GradEntry>{g[0], GradEntry()};                                     \
      });                                                                                     \
  MX_REGISTER_OP(_backward_##name)                                                            \
      .Describe("Gradient of " #name ": inputs (output, label).")                             \
      .Params<RegressionParam>()                                                              \
      .NumInputs(2)                                                                           \
      .InputNames({"output", "label"})                                                        \
      .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) { \
        if ((*in)[0].ndim() == 0) return false;                                               \
        AssignShape(&(*out)[0], (*in)[0], attrs, "data gradient");                            \
        return true;                                                                          \
      })                                                                                      \
      .InferType(LabelFollowsData)                                                            \
      .Compute(DeviceType::kCPU, RegressionBackward);
MX_REGISTER_REGRESSION(LinearRegressionOutput, "Identity; gradient (y - label) * scale / m.")
MX_REGISTER_REGRESSION(LogisticRegressionOutput, "Sigmoid; gradient (y - label) * scale / m.")
MX_REGISTER_REGRESSION(MAERegressionOutput, "Identity; gradient sign(y - label) * scale / m.")
#undef MX_REGISTER_REGRESSION

void IdentityForward(const OpAttrs&, const OpContext&, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "identity", {
    for (int64_t i = 0; i < in[0].size(); ++i)
      mop::Assign(out[0].ptr<T>() + i, static_cast<int>(req[0]), in[0].ptr<T>()[i]);
  });
}

void MakeLossBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  // input: data
  const auto& p = attrs.get<MakeLossParam>();
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "MakeLoss backward", {
    double div = 1;
    if (p.normalization == "batch") div = static_cast<double>(in[0].shape[0]);
    if (p.normalization == "valid") {
      int64_t valid = 0;
      for (int64_t i = 0; i < in[0].size(); ++i)
        valid += ConvertValue<double>(in[0].ptr<T>()[i]) > p.valid_thresh;
      div = static_cast<double>(valid > 0 ? valid : 1);
    }
    for (int64_t i = 0; i < in[0].size(); ++i)
      mop::Assign(out[0].ptr<T>() + i, static_cast<int>(req[0]),
                  ConvertValue<T>(p.grad_scale / div));
  });
}

MX_REGISTER_OP(MakeLoss)
    .Describe("Marks data as a loss: forward identity, backward grad_scale (normalized).")
    .Params<MakeLossParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, IdentityForward)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_MakeLoss", {ctx->Input(0)}, attrs.dict);
    });

MX_REGISTER_OP(_backward_MakeLoss)
    .Describe("Gradient of MakeLoss: input data.")
    .Params<MakeLossParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, MakeLossBackward);

MX_REGISTER_OP(BlockGrad)
    .Describe("Identity that stops gradients (alias stop_gradient).")
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, IdentityForward)
    .Gradient([](const OpAttrs&, GradContext*) { return std::vector<GradEntry>{GradEntry()}; });

}  // namespace
}  // namespace mx
