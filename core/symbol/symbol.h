// Symbol: a static computation graph described by its outputs (MXNet's mx.sym.Symbol). A symbol
// is a list of output entries over shared, immutable nodes; copying one is cheap. Composition
// builds new nodes and never changes existing ones, so symbols may be read from many threads.
//
// Names follow MXNet exactly: an operator without a name gets the NameManager's
// "<lowercase op><n>" (name_manager.h); an omitted input becomes the variable
// "<node>_<input>" (conv1_weight, bn1_moving_mean) carrying a copy of the node's attributes;
// outputs are "<node>_output" (or the operator's own output names, e.g. bn1_mean).
// Variables an operator writes (FMutateInputs, e.g. BatchNorm's moving statistics) are
// auxiliary states; all other variables are arguments.
#ifndef TESSERA_CORE_SYMBOL_SYMBOL_H_
#define TESSERA_CORE_SYMBOL_SYMBOL_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base/dtype.h"
#include "core/base/shape.h"
#include "core/symbol/node.h"

namespace mx {

// Hints a variable carries (stored as MXNet's __shape__, __dtype__, __lr_mult__, __wd_mult__,
// __init__ attributes), plus free-form attributes.
struct VariableAttrs {
  std::optional<Shape> shape;
  std::optional<DType> dtype;
  std::optional<double> lr_mult;
  std::optional<double> wd_mult;
  std::string init;  // an initializer's JSON, e.g. ["zero", {}], or a name
  ParamMap attrs;    // more attributes, written as given
};

// Shapes by argument, output and auxiliary state, in List*() order. Unknown shapes have ndim 0.
struct ShapeInference {
  std::vector<Shape> arg_shapes, out_shapes, aux_shapes;
  bool complete = false;
};
struct TypeInference {
  std::vector<int> arg_types, out_types, aux_types;  // DType codes, -1 unknown
  bool complete = false;
};

class Symbol {
 public:
  Symbol() = default;
  explicit Symbol(std::vector<NodeEntry> outputs) : outputs_(std::move(outputs)) {}

  static Symbol Variable(const std::string& name, const VariableAttrs& attrs = {});
  // Operator `op` on `inputs`: positional ones fill the operator's inputs in order, then named
  // ones (an unknown name, or one filled twice, is a ValueError listing the input names); the
  // rest become variables. `name` empty: the NameManager names the node. Throws ValueError for
  // an unknown operator or parameter, and when an input symbol has several outputs.
  static Symbol CreateOp(const std::string& op, const std::vector<Symbol>& inputs,
                         const ParamMap& params, const std::string& name = "",
                         const std::vector<std::pair<std::string, Symbol>>& named_inputs = {});

  const std::vector<NodeEntry>& outputs() const { return outputs_; }
  size_t num_outputs() const { return outputs_.size(); }

  std::vector<std::string> ListArguments() const;
  std::vector<std::string> ListOutputs() const;
  std::vector<std::string> ListAuxiliaryStates() const;
  // Every variable, arguments and auxiliary states, in graph order.
  std::vector<std::string> ListInputs() const;

  // Every visible output of every node (variables included), for slicing a network.
  Symbol GetInternals() const;
  // The inputs of this symbol's output node(s); an empty symbol for a variable.
  Symbol GetChildren() const;
  // Output `index` (IndexError when out of range) or the output called `name` (ValueError that
  // lists the names when there is none).
  Symbol operator[](size_t index) const;
  Symbol operator[](const std::string& name) const;

  // Shapes from the known ones (`known` by argument or auxiliary name; variables' __shape__
  // hints are used too). Infer throws ShapeError when shapes conflict (naming the node, the
  // operator and both shapes) or stay unknown; InferShapePartial returns what it found.
  ShapeInference InferShape(const std::map<std::string, Shape>& known) const;
  ShapeInference InferShapePartial(const std::map<std::string, Shape>& known) const;
  TypeInference InferType(const std::map<std::string, DType>& known) const;

  // Attributes of the (single) output node: Attr returns nullopt when unset.
  std::optional<std::string> Attr(const std::string& key) const;
  // Sets an attribute on the output node(s) ("__lr_mult__", "ctx_group", ...), in place.
  void SetAttr(const std::string& key, const std::string& value);
  // Attributes of every node by node name (MXNet's attr_dict), nodes without attributes left out.
  std::map<std::string, ParamMap> AttrDict() const;

  // A copy in which variables named in `inputs` are replaced by those symbols (MXNet's
  // sym(data=other)); ValueError when a name matches no variable.
  Symbol Compose(const std::map<std::string, Symbol>& inputs) const;
  // A deep copy: new nodes with the same structure and attributes.
  Symbol Copy() const;

  // The node of a single-output symbol (ValueError otherwise).
  const std::shared_ptr<Node>& node() const;

 private:
  std::vector<NodeEntry> outputs_;
};

// Several symbols as one, outputs concatenated (mx.sym.Group).
Symbol Group(const std::vector<Symbol>& symbols);

}  // namespace mx

#endif  // TESSERA_CORE_SYMBOL_SYMBOL_H_
