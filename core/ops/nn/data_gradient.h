// For layers whose gradient is one operator "_backward_<op>": the gradient function and that
// operator's registration.
// - Reading the output gradient and the data (L2Normalization, LRN, Crop, adaptive pooling):
//   its output is the data gradient, of the data's shape and type.
// - Normalisation layers with (data, gamma, beta) inputs and (out, mean, <scale>) outputs
//   (BatchNorm, LayerNorm): inputs (ograd, data, gamma, mean, <scale>), outputs the gradients
//   of data, gamma and beta; any further forward inputs (moving statistics) get none.
#ifndef TESSERA_CORE_OPS_NN_DATA_GRADIENT_H_
#define TESSERA_CORE_OPS_NN_DATA_GRADIENT_H_

#include <string>
#include <vector>

#include "core/op/op_def.h"

namespace mx {

inline FGradient OgradDataGradient(const std::string& op) {
  return [op](const OpAttrs& attrs, GradContext* ctx) {
    return ctx->Op("_backward_" + op, {ctx->OutGrad(0), ctx->Input(0)}, attrs.dict);
  };
}

template <typename P>
OpDef& RegisterOgradDataBackward(const std::string& op) {
  return OpRegistry::Get()
      ->Register("_backward_" + op)
      .Describe("Gradient of " + op + ": inputs (ograd, data); output the data gradient.")
      .template Params<P>()
      .NumInputs(2)
      .InputNames({"ograd", "data"})
      .InferShape(ShapesOfForwardInputs)
      .InferType(SameTypeInferType);
}

inline FGradient NormalizationGradient(const std::string& op) {
  return [op](const OpAttrs& attrs, GradContext* ctx) {
    std::vector<GradEntry> g = ctx->Op(
        "_backward_" + op,
        {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1), ctx->Output(1), ctx->Output(2)},
        attrs.dict);
    g.resize(attrs.op->num_inputs(attrs));
    return g;
  };
}

template <typename P>
OpDef& RegisterNormalizationBackward(const std::string& op, const std::string& scale) {
  return OpRegistry::Get()
      ->Register("_backward_" + op)
      .Describe("Gradient of " + op + ": inputs (ograd, data, gamma, mean, " + scale + ").")
      .template Params<P>()
      .NumInputs(5)
      .InputNames({"ograd", "data", "gamma", "mean", scale})
      .NumOutputs(3)
      .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
        if ((*in)[1].ndim() == 0 || (*in)[2].ndim() == 0) return false;
        AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
        AssignShape(&(*out)[1], (*in)[2], attrs, "gamma gradient");
        AssignShape(&(*out)[2], (*in)[2], attrs, "beta gradient");
        return true;
      })
      .InferType(SameTypeInferType);
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_DATA_GRADIENT_H_
