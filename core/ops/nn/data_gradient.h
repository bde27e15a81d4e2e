// For layers whose gradient is one operator "_backward_<op>" reading the output gradient and
// the data (L2Normalization, LRN, Crop): the gradient function of a one-input layer and that
// operator's registration (its output: the data gradient, of the data's shape and type).
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
      .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
        AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
        return (*in)[1].ndim() > 0;
      })
      .InferType(SameTypeInferType);
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_DATA_GRADIENT_H_
