// The fixed-point loop shared by shape and dtype inference: visits every operator node in
// graph order, then in reverse, and so on (at most 8 sweeps) until a reverse sweep changes
// nothing or nothing is unknown. Errors raised while visiting a node get the prefix
// "Error in operator <node> (<op>): ". Returns the final unknown count.
#ifndef TESSERA_CORE_PASS_SWEEP_H_
#define TESSERA_CORE_PASS_SWEEP_H_

#include "core/base/error.h"
#include "core/symbol/indexed_graph.h"

namespace mx {

// visit(node_id) infers what it can for one operator node; unknown() counts what is left.
template <typename Visit, typename Unknown>
size_t SweepToFixedPoint(const IndexedGraph& g, Visit visit, Unknown unknown) {
  size_t left = unknown();
  for (int sweep = 0; sweep < 8 && left > 0; ++sweep) {
    bool forward = sweep % 2 == 0;
    for (size_t k = 0; k < g.num_nodes(); ++k) {
      uint32_t nid = static_cast<uint32_t>(forward ? k : g.num_nodes() - 1 - k);
      if (g[nid].node->is_variable()) continue;
      try {
        visit(nid);
      } catch (Error& e) {
        e.AddContext("Error in operator " + g.Describe(nid) + ": ");
        throw;
      }
    }
    size_t now = unknown();
    if (now == left && !forward) break;
    left = now;
  }
  return unknown();
}

}  // namespace mx

#endif  // TESSERA_CORE_PASS_SWEEP_H_
