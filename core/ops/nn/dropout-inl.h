// Dropout's parameters, shared by the CPU (dropout.cc) and GPU (dropout.cu) kernels.
#ifndef TESSERA_CORE_OPS_NN_DROPOUT_INL_H_
#define TESSERA_CORE_OPS_NN_DROPOUT_INL_H_

#include <optional>
#include <string>

#include "core/op/op_def.h"

namespace mx {

struct DropoutParam {
  double p;
  std::string mode;
  Shape axes;
  std::optional<bool> cudnn_off;
  void Declare(ParamDeclarer* d) {
    d->Declare("p", &p, 0.5).Describe("Probability of dropping an element.");
    d->Declare("mode", &mode, std::string("training"))
        .Enum({"training", "always"})
        .Describe("training: only when training; always: also at inference.");
    d->Declare("axes", &axes, Shape()).Describe("Axes along which one draw is shared.");
    d->Declare("cudnn_off", &cudnn_off, std::optional<bool>()).Describe("Do not use cuDNN.");
  }
};

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_DROPOUT_INL_H_
