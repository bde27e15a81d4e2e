// Imperative backward for one operator: runs the operator's gradient function (gradient.h) on
// NDArrays. Used by operator tests (numeric gradient checks) and by code that differentiates
// one operator at a time; the symbolic executor builds the same gradients into its graph.
// Thread-safe; like every NDArray call, returns before the work is done.
#ifndef TESSERA_CORE_OP_AUTOGRAD_H_
#define TESSERA_CORE_OP_AUTOGRAD_H_

#include <string>
#include <vector>

#include "core/ndarray/ndarray.h"
#include "core/op/op_def.h"

namespace mx {

// Gradients of `op`'s inputs. `outputs` are all forward outputs (InvokeAll, is_train); one
// `out_grads` entry per visible output (hidden outputs get zero gradients). A none NDArray marks
// an input without gradient (a label, say). Throws NotImplementedError for operators without a
// gradient function.
std::vector<NDArray> Backward(const std::string& op, const std::vector<NDArray>& inputs,
                              const ParamMap& params, const std::vector<NDArray>& outputs,
                              const std::vector<NDArray>& out_grads);
// The same with the attributes the forward pass ran with (InvokeAll(attrs, ...)).
std::vector<NDArray> Backward(const OpAttrs& attrs, const std::vector<NDArray>& inputs,
                              const std::vector<NDArray>& outputs,
                              const std::vector<NDArray>& out_grads);

}  // namespace mx

#endif  // TESSERA_CORE_OP_AUTOGRAD_H_
