// Pass: the gradient graph (NNVM's gradient pass). Walks the forward graph from its outputs
// back to the requested variables, calling each operator's gradient function (gradient.h in
// core/op) through a GradContext that adds graph nodes; gradients flowing into one entry from
// several users are summed with elemwise_add.
// Input: forward heads `ys` and variable entries `xs`. Output: one head-gradient variable per
// y (named "<output>_head_grad"; callers bind them, ones by default) and one gradient entry per
// x (zeros_like(x) when no gradient reaches it). Throws NotImplementedError naming the node
// when an operator on a path to some x has no gradient.
#ifndef TESSERA_CORE_PASS_GRADIENT_H_
#define TESSERA_CORE_PASS_GRADIENT_H_

#include <memory>
#include <vector>

#include "core/symbol/node.h"

namespace mx {

struct GradientGraph {
  std::vector<std::shared_ptr<Node>> head_grads;
  std::vector<NodeEntry> x_grads;
};

GradientGraph BuildGradientGraph(const std::vector<NodeEntry>& ys,
                                 const std::vector<NodeEntry>& xs);

}  // namespace mx

#endif  // TESSERA_CORE_PASS_GRADIENT_H_
