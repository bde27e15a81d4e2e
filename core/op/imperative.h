// Imperative operator calls: runs a registered operator on NDArrays now (pushed to the engine).
// Invoke checks that inputs share one context (ContextError with MXNet's wording), infers
// output shapes and dtypes (ShapeError/TypeError naming the operator), allocates outputs, and
// pushes the device's kernel reading the inputs and writing the outputs. Errors raised inside
// the kernel surface at the next wait on an output. Thread-safe.
#ifndef TESSERA_CORE_OP_IMPERATIVE_H_
#define TESSERA_CORE_OP_IMPERATIVE_H_

#include <string>
#include <vector>

#include "core/ndarray/ndarray.h"
#include "core/op/op_def.h"

namespace mx {

struct InvokeOptions {
  // Context for operators without inputs (creation, random); ignored when inputs exist.
  Context ctx = cpu();
  // Write into these arrays instead of allocating (shapes and dtypes must match).
  std::vector<NDArray> out;
  OpReq req = OpReq::kWrite;
  bool is_train = false;
};

// Returns the visible outputs.
std::vector<NDArray> Invoke(const std::string& op, const std::vector<NDArray>& inputs,
                            const ParamMap& params = {}, const InvokeOptions& options = {});
// Returns every output, hidden ones included (what a backward pass needs).
std::vector<NDArray> InvokeAll(const std::string& op, const std::vector<NDArray>& inputs,
                               const ParamMap& params = {}, const InvokeOptions& options = {});
// InvokeAll with parameters parsed once (OpDef::MakeAttrs); the same attributes then serve
// Backward, so both passes of a Custom operator share its state.
std::vector<NDArray> InvokeAll(const OpAttrs& attrs, const std::vector<NDArray>& inputs,
                               const InvokeOptions& options = {});

// Pushes `attrs.op`'s kernel for `ctx` reading `inputs` and writing `outputs` (allocated, of
// the right shapes and dtypes) with `req`; the executor's way to run a planned node. Throws
// NotImplementedError when the operator has no kernel for the device. Does not block.
void PushOperator(const OpAttrs& attrs, Context ctx, const std::vector<NDArray>& inputs,
                  const std::vector<NDArray>& outputs, const std::vector<OpReq>& req,
                  bool is_train);

}  // namespace mx

#endif  // TESSERA_CORE_OP_IMPERATIVE_H_
