// The operator registry (DESIGN.md §3). One OpDef per MXNet operator name, filled by a builder
// chain at static-initialization time (MX_REGISTER_OP in the op's own .cc, and again in its .cu
// to add the GPU kernel). The same OpDef serves imperative calls (mx::nd::...) and symbolic
// graphs (core/symbol, core/executor). Registration happens before main(); lookups afterwards
// are read-only and thread-safe.
//
// Shapes: an unknown shape has ndim 0 (MXNet's legacy convention). InferShape fills what it can
// and returns false when information is still missing; it throws ShapeError on a conflict.
// Types: codes as DType ints, -1 unknown.
#ifndef TESSERA_CORE_OP_OP_DEF_H_
#define TESSERA_CORE_OP_OP_DEF_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/base/context.h"
#include "core/engine/engine.h"
#include "core/ndarray/tblob.h"
#include "core/op/gradient.h"
#include "core/op/params.h"

namespace mx {

class OpDef;

// How a kernel writes an output: not at all, overwrite, overwrite in place of an input, or add.
enum class OpReq { kNull, kWrite, kInplace, kAddTo };

// One use of an operator: its definition, node name, parsed parameters and, for control-flow
// operators, the subgraphs it runs (set by whoever builds the node: the JSON loader, a builder).
struct OpAttrs {
  const OpDef* op = nullptr;
  std::string name;
  ParamMap dict;
  std::shared_ptr<const void> parsed;
  Subgraphs subgraphs;
  template <typename P>
  const P& get() const {
    return *static_cast<const P*>(parsed.get());
  }
};

struct OpContext {
  RunContext run;
  bool is_train = false;
  // The random generator, for operators registered with RequestRandom() (host-side draws).
  std::mt19937* rng = nullptr;
};

using FCompute = std::function<void(const OpAttrs&, const OpContext&, const std::vector<TBlob>&,
                                    const std::vector<OpReq>&, const std::vector<TBlob>&)>;
using FInferShape = std::function<bool(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*)>;
using FInferType = std::function<bool(const OpAttrs&, std::vector<int>*, std::vector<int>*)>;
using FNumArgs = std::function<int(const OpAttrs&)>;
using FListNames = std::function<std::vector<std::string>(const OpAttrs&)>;
using FParse = std::function<std::shared_ptr<const void>(const ParamMap&, const std::string&)>;
using FMutateInputs = std::function<std::vector<int>(const OpAttrs&)>;
// The inputs split by rows (axis 0) when the operator runs on a batch in chunks, or {} where
// these attributes (and is_train) make samples depend on each other.
using FBatchInputs = std::function<std::vector<int>(const OpAttrs&, bool is_train)>;
// FBatchInputs of an operator whose `inputs` are always split by rows.
inline FBatchInputs AlwaysBatchInputs(std::vector<int> inputs) {
  return [inputs](const OpAttrs&, bool) { return inputs; };
}

class OpDef {
 public:
  explicit OpDef(std::string name) : name_(std::move(name)) {}

  // Builder methods (registration time only).
  OpDef& Describe(std::string text);
  OpDef& NumInputs(int n);
  OpDef& NumInputs(FNumArgs f);
  OpDef& NumOutputs(int n);
  OpDef& NumOutputs(FNumArgs f);
  OpDef& InputNames(std::vector<std::string> names);
  OpDef& InputNames(FListNames f);
  // Output names as MXNet shows them after the node name ("output", "mean", "var"); default:
  // "output" for one output, "output0", "output1", ... otherwise.
  OpDef& OutputNames(std::vector<std::string> names);
  OpDef& OutputNames(FListNames f);
  template <typename P>
  OpDef& Params() {
    parse_ = [](const ParamMap& dict, const std::string& op) -> std::shared_ptr<const void> {
      return ParseParams<P>(dict, op);
    };
    param_docs_ = [] {
      P p;
      ParamDeclarer d;
      p.Declare(&d);
      std::vector<std::string> docs;
      for (const auto& f : d.fields())
        docs.push_back(f->name + ": " + f->type_name +
                       (f->required ? ", required" : ", default " + f->default_text) +
                       (f->description.empty() ? "" : " -- " + f->description));
      return docs;
    };
    return *this;
  }
  OpDef& InferShape(FInferShape f);
  OpDef& InferType(FInferType f);
  OpDef& Compute(DeviceType dev, FCompute f);
  // A parser of the whole parameter dictionary, for operators whose parameters are not a fixed
  // set (Custom passes them on to the operator it runs); `docs` as param_docs().
  OpDef& ParseWith(FParse parse, std::vector<std::string> docs);
  // Inputs the operator writes (auxiliary states such as BatchNorm's moving statistics).
  OpDef& MutateInputs(std::vector<int> indices);
  OpDef& MutateInputs(FMutateInputs f);
  // Outputs a user sees (the rest are saved for the backward pass); default: all.
  OpDef& NumVisibleOutputs(FNumArgs f);
  OpDef& Gradient(FGradient f);
  // Pairs (input, output) that may share memory: the kernel is correct when the output
  // overwrites that input (element-wise maps). The memory planner uses them.
  OpDef& InplaceOption(std::vector<std::pair<int, int>> pairs);
  // The "__init__" attribute an automatically created variable for input `index` gets (MXNet's
  // FSetInputVarAttrOnCompose: BatchNorm's moving_mean starts at zero, moving_var at one).
  OpDef& InputInit(int index, std::string init);
  // The operator draws random numbers: it gets OpContext::rng, ordered by the engine.
  OpDef& RequestRandom();
  // The operator treats each sample (row of axis 0) of the returned inputs and of output 0 on
  // its own: running it on row slices of them, with the other inputs whole, gives those rows
  // of the full result, and its other outputs come out the same for every slice. Inference
  // executors run chains of such operators in batch chunks (core/pass/batch_chunks.h).
  OpDef& BatchInputs(FBatchInputs f);

  // Use.
  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  OpAttrs MakeAttrs(const ParamMap& dict, const std::string& node_name = "") const;
  int num_inputs(const OpAttrs& a) const;
  int num_outputs(const OpAttrs& a) const;
  std::vector<std::string> input_names(const OpAttrs& a) const;
  std::vector<std::string> output_names(const OpAttrs& a) const;
  const std::vector<std::pair<int, int>>& inplace_options() const { return inplace_; }
  const std::map<int, std::string>& input_inits() const { return input_inits_; }
  std::vector<std::string> param_names() const;
  // One line per parameter: "name: type, default D (or required) -- description".
  std::vector<std::string> param_docs() const;
  std::vector<int> mutate_inputs(const OpAttrs& a) const {
    return mutate_inputs_ ? mutate_inputs_(a) : std::vector<int>{};
  }
  bool needs_random() const { return needs_random_; }
  // The inputs split by rows for these attributes, or {} (also for operators without the
  // property).
  std::vector<int> batch_inputs(const OpAttrs& a, bool is_train) const {
    return batch_inputs_ ? batch_inputs_(a, is_train) : std::vector<int>{};
  }
  int num_visible_outputs(const OpAttrs& a) const;
  // The gradient function, or nullptr for operators without one.
  const FGradient* gradient() const { return gradient_ ? &gradient_ : nullptr; }
  const FInferShape& infer_shape() const { return infer_shape_; }
  const FInferType& infer_type() const { return infer_type_; }
  // The kernel for `dev`, or nullptr.
  const FCompute* compute(DeviceType dev) const;
  // Device types with a kernel ("cpu, gpu").
  std::string devices() const;

 private:
  std::string name_;
  std::string description_;
  FNumArgs num_inputs_ = [](const OpAttrs&) { return 1; };
  FNumArgs num_outputs_ = [](const OpAttrs&) { return 1; };
  FListNames input_names_;
  std::vector<std::string> output_names_;
  FListNames output_names_fn_;
  std::vector<std::pair<int, int>> inplace_;
  std::map<int, std::string> input_inits_;
  FParse parse_;
  std::function<std::vector<std::string>()> param_docs_;
  FInferShape infer_shape_;
  FInferType infer_type_;
  std::map<DeviceType, FCompute> compute_;
  FMutateInputs mutate_inputs_;
  FNumArgs num_visible_outputs_;
  FGradient gradient_;
  bool needs_random_ = false;
  FBatchInputs batch_inputs_;
};

class OpRegistry {
 public:
  static OpRegistry* Get();
  // The OpDef called `name`, created on first use (so .cc and .cu registrations combine).
  OpDef& Register(const std::string& name);
  // Another name for operator `name` (MXNet's add_alias: "_Plus" for elemwise_add); Find and
  // Has take it, symbol files that use it load, and saving writes the operator's own name.
  void AddAlias(const std::string& alias, const std::string& name);
  // Throws ValueError naming the op and similar registered names when it does not exist.
  const OpDef& Find(const std::string& name) const;
  bool Has(const std::string& name) const;
  // The operators' own names (aliases not included).
  std::vector<std::string> Names() const;
  // Alias -> operator, for the aliases whose operator is registered.
  std::map<std::string, std::string> Aliases() const;

 private:
  const OpDef* Lookup(const std::string& name) const;  // with mu_ held; nullptr if none
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<OpDef>> ops_;
  std::map<std::string, std::string> aliases_;
};

#define MX_OP_CONCAT_INNER(a, b) a##b
#define MX_OP_CONCAT(a, b) MX_OP_CONCAT_INNER(a, b)
#define MX_REGISTER_OP(name)                                                            \
  static ::mx::OpDef& MX_OP_CONCAT(mx_op_registration_, __COUNTER__) [[maybe_unused]] = \
      ::mx::OpRegistry::Get()->Register(#name)

// Common type inference: every input and output has the same dtype.
bool SameTypeInferType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out);
// Common shape inference: every input and output has the same shape.
bool SameShapeInferShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out);
// Backward operators with inputs (ograd, forward inputs...): output i takes the shape and type
// of forward input i (input i + 1).
bool ShapesOfForwardInputs(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out);
bool TypesOfForwardInputs(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out);
// Assigns `s` to `*slot` when unknown; ShapeError naming both shapes when they conflict.
void AssignShape(Shape* slot, const Shape& s, const OpAttrs& attrs, const std::string& what);

}  // namespace mx

#endif  // TESSERA_CORE_OP_OP_DEF_H_
