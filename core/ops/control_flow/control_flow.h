// Building control-flow nodes in C++ (what mx.sym.contrib.foreach / while_loop / cond do in
// MXNet's Python): a node whose bodies are symbols, as the JSON loader makes from a file's
// "subgraphs". The operators themselves are foreach.cc, while_loop.cc and cond.cc.
#ifndef TESSERA_CORE_OPS_CONTROL_FLOW_CONTROL_FLOW_H_
#define TESSERA_CORE_OPS_CONTROL_FLOW_CONTROL_FLOW_H_

#include <string>
#include <vector>

#include "core/symbol/symbol.h"

namespace mx {

// Operator `op` (_foreach, _while_loop, _cond) on `inputs` with `params` (num_args, the
// *_locs, ...) running `bodies`. ValueError when the operator does not take those inputs.
Symbol ControlFlowOp(const std::string& op, const std::vector<Symbol>& inputs,
                     const std::vector<Symbol>& bodies, const ParamMap& params,
                     const std::string& name);

// mx.sym.contrib.foreach: `body`'s outputs are `num_out_data` per-step outputs then the new
// states. `data_vars` and `state_vars` are the body's variables that stand for one row of each
// of `data` and for each of `states`; every other variable of the body is a parameter, and the
// same variable node feeds it from outside (so a weight the outer graph uses too stays one
// argument).
Symbol Foreach(const Symbol& body, const std::vector<Symbol>& data_vars,
               const std::vector<Symbol>& data, const std::vector<Symbol>& state_vars,
               const std::vector<Symbol>& states, int num_out_data, const std::string& name);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_CONTROL_FLOW_CONTROL_FLOW_H_
