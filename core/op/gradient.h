// Gradients (MXNet's FGradient). An operator's gradient function describes, in terms of the
// forward inputs, outputs and output gradients, which operators compute the gradient of each
// input. It builds through a GradContext, which the imperative backward (autograd.h) runs at
// once on NDArrays and the symbolic gradient pass turns into graph nodes, so each gradient is
// written once. Entries are opaque handles owned by the context.
#ifndef TESSERA_CORE_OP_GRADIENT_H_
#define TESSERA_CORE_OP_GRADIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/op/params.h"

namespace mx {

struct OpAttrs;
class Symbol;

// A node's subgraphs: the bodies a control-flow operator runs (NNVM's NodeAttrs::subgraphs).
using Subgraphs = std::vector<std::shared_ptr<Symbol>>;

// A value in a gradient computation; `id < 0` means "no gradient" (treated as zeros).
struct GradEntry {
  int id = -1;
  bool valid() const { return id >= 0; }
};

class GradContext {
 public:
  virtual ~GradContext() = default;
  virtual GradEntry Input(int i) = 0;    // forward input i
  virtual GradEntry Output(int i) = 0;   // forward output i (hidden outputs included)
  virtual GradEntry OutGrad(int i) = 0;  // gradient of forward output i
  // Adds operator `op` on `inputs`; returns all its outputs.
  std::vector<GradEntry> Op(const std::string& op, const std::vector<GradEntry>& inputs,
                            const ParamMap& params) {
    return OpWithSubgraphs(op, inputs, params, {});
  }
  // Op for a backward operator that runs subgraphs (a control-flow gradient gets its forward
  // node's bodies).
  virtual std::vector<GradEntry> OpWithSubgraphs(const std::string& op,
                                                 const std::vector<GradEntry>& inputs,
                                                 const ParamMap& params,
                                                 const Subgraphs& subgraphs) = 0;
};

// Returns one entry per forward input (invalid: no gradient flows to that input).
using FGradient = std::function<std::vector<GradEntry>(const OpAttrs&, GradContext*)>;

}  // namespace mx

#endif  // TESSERA_CORE_OP_GRADIENT_H_
