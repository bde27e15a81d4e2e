// Pass: dtype inference over an IndexedGraph.
// Input: the graph and one DType code per entry (-1 unknown). Variables' "__dtype__" hints are
// facts. Output: the vector filled by the operators' InferType functions (same-type by
// default), sweeping forward and backward. Throws TypeError with the node's context on a
// conflict. Returns the number of entries still unknown.
#ifndef TESSERA_CORE_PASS_INFER_TYPE_H_
#define TESSERA_CORE_PASS_INFER_TYPE_H_

#include <vector>

#include "core/symbol/indexed_graph.h"

namespace mx {

size_t InferTypes(const IndexedGraph& graph, std::vector<int>* types);

}  // namespace mx

#endif  // TESSERA_CORE_PASS_INFER_TYPE_H_
