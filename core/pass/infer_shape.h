// Pass: shape inference over an IndexedGraph.
// Input: the graph and one Shape per entry (ndim 0 = unknown; known ones are facts). Variables'
// "__shape__" hints count as facts when fully known (a hint with a 0 dimension is only checked).
// Output: the same vector, filled where operators' InferShape functions can tell. Sweeps forward
// and backward until nothing changes. Throws ShapeError prefixed with
// "Error in operator <node> (<op>): " when shapes conflict. Returns the number of entries still
// unknown.
#ifndef TESSERA_CORE_PASS_INFER_SHAPE_H_
#define TESSERA_CORE_PASS_INFER_SHAPE_H_

#include <vector>

#include "core/symbol/indexed_graph.h"

namespace mx {

size_t InferShapes(const IndexedGraph& graph, std::vector<Shape>* shapes);

}  // namespace mx

#endif  // TESSERA_CORE_PASS_INFER_SHAPE_H_
