// Custom operators (MXNet's mx.operator.CustomOp / CustomOpProp): an operator whose shapes,
// types and kernels come from a front end (Python) at run time, registered under an op_type
// and run by the `Custom` operator (`Custom(data, op_type="name", key=value, ...)`).
//
// A CustomProp is made for every use of the operator from its parameters (all strings, op_type
// excluded). It names the inputs (arguments, then auxiliary states) and outputs, infers shapes
// and types, says which arrays its backward pass needs, and makes the CustomOperator that runs
// on one context for one set of input shapes and types. The forward and the backward pass of
// one use share that CustomOperator.
//
// Kernels see NDArrays over the operator's memory with engine variables of their own, and run
// inside an InlineScope: NDArray operations on them run before the kernel returns; the kernel
// waits for what is still queued on its outputs. Arrays passed to a kernel are valid only while
// it runs. A kernel's exception (a Python one too) reaches whoever waits on the outputs.
#ifndef TESSERA_CORE_OPS_CUSTOM_CUSTOM_OP_H_
#define TESSERA_CORE_OPS_CUSTOM_CUSTOM_OP_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/context.h"
#include "core/ndarray/ndarray.h"
#include "core/op/op_def.h"

namespace mx {
namespace custom {

class CustomOperator {
 public:
  virtual ~CustomOperator() = default;
  virtual void Forward(bool is_train, const std::vector<OpReq>& req,
                       const std::vector<NDArray>& in_data, const std::vector<NDArray>& out_data,
                       const std::vector<NDArray>& aux) = 0;
  // Arrays the operator did not declare in DeclareBackwardDependency are none NDArrays.
  virtual void Backward(const std::vector<OpReq>& req, const std::vector<NDArray>& out_grad,
                        const std::vector<NDArray>& in_data,
                        const std::vector<NDArray>& out_data,
                        const std::vector<NDArray>& in_grad, const std::vector<NDArray>& aux) = 0;
};

class CustomProp {
 public:
  virtual ~CustomProp() = default;
  virtual std::vector<std::string> ListArguments() = 0;
  virtual std::vector<std::string> ListOutputs() = 0;
  virtual std::vector<std::string> ListAuxiliaryStates() = 0;
  // in: the argument shapes (ndim 0 where unknown); fills every argument, output and auxiliary
  // shape.
  virtual void InferShape(std::vector<Shape>* in, std::vector<Shape>* out,
                          std::vector<Shape>* aux) = 0;
  // in: the argument types (DType codes, -1 where unknown); fills all three lists.
  virtual void InferType(std::vector<int>* in, std::vector<int>* out, std::vector<int>* aux) = 0;
  // The arrays the backward pass reads, as indices of the lists given (out_grad, in_data,
  // out_data hold distinct indices: 0.. for output gradients, then inputs, then outputs). A
  // loss layer leaves out the output gradients (MXNet's need_top_grad=False).
  virtual std::vector<int> DeclareBackwardDependency(const std::vector<int>& out_grad,
                                                     const std::vector<int>& in_data,
                                                     const std::vector<int>& out_data) = 0;
  virtual std::shared_ptr<CustomOperator> CreateOperator(Context ctx,
                                                         const std::vector<Shape>& in_shapes,
                                                         const std::vector<int>& in_types) = 0;
};

// Makes the prop of one use from its parameters (op_type and hidden "__x__" keys left out).
using PropFactory =
    std::function<std::shared_ptr<CustomProp>(const std::string& op_type, const ParamMap& kwargs)>;

// Registers (or replaces) op_type; thread-safe.
void Register(const std::string& op_type, PropFactory factory);
bool IsRegistered(const std::string& op_type);
std::vector<std::string> RegisteredTypes();

}  // namespace custom
}  // namespace mx

#endif  // TESSERA_CORE_OPS_CUSTOM_CUSTOM_OP_H_
