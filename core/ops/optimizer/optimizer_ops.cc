// Registrations of the optimizer update operators (optimizer-inl.h) with their CPU kernels.
#include <string>

#include "core/base/error.h"
#include "core/ops/optimizer/optimizer-inl.h"

namespace mx {

bool UpdateShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  bool phase2 = attrs.op->name().find("lamb_update_phase2") != std::string::npos;
  const Shape& w = (*in)[0];
  if (w.ndim() == 0) return false;
  for (size_t i = 1; i < in->size(); ++i) {
    bool norm = phase2 && (i == 2 || i == 3);
    AssignShape(&(*in)[i], norm ? Shape{1} : w, attrs,
                attrs.op->input_names(attrs)[i] + (norm ? " (a norm, shape (1,))" : ""));
  }
  AssignShape(&(*out)[0], w, attrs, "the output");
  return true;
}

bool UpdateType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  int w = (*in)[0];
  if (w < 0) return false;
  bool mp = attrs.op->name().rfind("mp_", 0) == 0;
  for (size_t i = 1; i < in->size(); ++i) {
    bool fp32 = mp && i >= 2;  // mp: states and master weight are float32
    int want = fp32 ? static_cast<int>(kFloat32) : w;
    MX_CHECK_AS(TypeError, (*in)[i] < 0 || (*in)[i] == want)
        << "operator " << attrs.op->name() << ": input '" << attrs.op->input_names(attrs)[i]
        << "' is " << static_cast<DType>((*in)[i]) << " but " << static_cast<DType>(want)
        << " is required.";
    (*in)[i] = want;
  }
  (*out)[0] = w;
  return true;
}

namespace {

std::vector<std::string> UpdateInputs(int states, bool mp, const std::string& op) {
  std::vector<std::string> names = {"weight", "grad"};
  if (op.find("adam") != std::string::npos || op.find("lamb") != std::string::npos) {
    names.push_back("mean");
    names.push_back("var");
  } else if (op.find("rmsprop") != std::string::npos) {
    names.push_back("n");
  } else if (op.find("adagrad") != std::string::npos) {
    names.push_back("history");
  } else if (states > 0) {
    names.push_back("mom");
  }
  if (mp) names.push_back("weight32");
  return names;
}

std::vector<int> MutatedInputs(int states, bool mp) {
  std::vector<int> m;
  for (int s = 0; s < states; ++s) m.push_back(2 + s);
  if (mp) m.push_back(2 + states);
  return m;
}

#define MX_REGISTER_UPDATE(name, K, fields, states, mp)                           \
  MX_REGISTER_OP(name)                                                            \
      .Describe("Optimizer update (see optimizer-inl.h): writes the new weight.") \
      .Params<UpdateParamOf<fields>>()                                            \
      .NumInputs(2 + states + (mp ? 1 : 0))                                       \
      .InputNames(UpdateInputs(states, mp, #name))                                \
      .MutateInputs(MutatedInputs(states, mp))                                    \
      .InferShape(UpdateShape)                                                    \
      .InferType(UpdateType)                                                      \
      .Compute(DeviceType::kCPU, UpdateCompute<CPU, K, states, mp>);
MX_UPDATE_OPS(MX_REGISTER_UPDATE)
#undef MX_REGISTER_UPDATE

MX_REGISTER_OP(lamb_update_phase2)
    .Describe("LAMB phase 2: weight -= lr * (||w|| / ||g||) * g, with ||w|| clipped to bounds.")
    .Params<UpdateParamOf<kLambPhase2>>()
    .NumInputs(4)
    .InputNames({"weight", "g", "r1", "r2"})
    .InferShape(UpdateShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, LambPhase2Compute<CPU>);

}  // namespace
}  // namespace mx
