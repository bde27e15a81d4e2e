#include "core/pass/infer_shape.h"

#include "core/base/error.h"
#include "core/op/params.h"
#include "core/pass/sweep.h"

namespace mx {
namespace {

// Applies variable `nid`'s __shape__ hint, which counts only where no shape was given (as in
// NNVM, which reads it for unknown shapes only): a complete hint is then a fact; a partial one
// (0 or -1 dimensions) is checked against what inference found.
void ApplyShapeHint(const IndexedGraph& g, uint32_t nid, bool check_only, Shape* slot) {
  const ParamMap& dict = g[nid].node->attrs.dict;
  auto it = dict.find("__shape__");
  if (it == dict.end()) return;
  Shape hint;
  MX_CHECK_AS(ValueError, ParseValue(it->second, &hint))
      << "variable " << g[nid].node->name() << ": attribute __shape__ is '" << it->second
      << "', expected a tuple such as (1, 3, 224, 224).";
  bool complete = hint.ndim() > 0;
  for (int i = 0; i < hint.ndim(); ++i) complete = complete && hint[i] > 0;
  if (!check_only && complete && slot->ndim() == 0) *slot = hint;
  if (!check_only || slot->ndim() == 0) return;
  bool fits = slot->ndim() == hint.ndim();
  for (int i = 0; fits && i < hint.ndim(); ++i) fits = hint[i] <= 0 || hint[i] == (*slot)[i];
  MX_CHECK_AS(ShapeError, fits) << "variable " << g[nid].node->name() << " has shape " << *slot
                                << " but its __shape__ attribute says " << it->second
                                << "; pass a shape that matches the attribute.";
}

size_t CountUnknown(const std::vector<Shape>& shapes) {
  size_t n = 0;
  for (const Shape& s : shapes) n += s.ndim() == 0;
  return n;
}

}  // namespace

size_t InferShapes(const IndexedGraph& g, std::vector<Shape>* shapes) {
  MX_INTERNAL_CHECK(shapes->size() == g.num_entries()) << "one shape per entry expected";
  std::vector<uint32_t> hinted;  // variables without a given shape
  for (uint32_t nid : g.input_nodes()) {
    Shape* slot = &(*shapes)[g.entry_id(nid, 0)];
    if (slot->ndim() > 0) continue;
    hinted.push_back(nid);
    ApplyShapeHint(g, nid, false, slot);
  }
  // Forward sweeps carry data shapes to outputs and parameters; a backward sweep lets an
  // operator fill its inputs from a known output (e.g. a label from the prediction).
  SweepToFixedPoint(
      g,
      [&](uint32_t nid) {
        const IndexedGraph::NodeInfo& info = g[nid];
        const OpAttrs& attrs = info.node->attrs;
        std::vector<Shape> in, out;
        for (const auto& e : info.inputs) in.push_back((*shapes)[g.entry_id(e)]);
        int n_out = info.node->num_outputs();
        for (int i = 0; i < n_out; ++i) out.push_back((*shapes)[g.entry_id(nid, i)]);
        MX_INTERNAL_CHECK(attrs.op->infer_shape()) << attrs.op->name() << " has no InferShape";
        attrs.op->infer_shape()(attrs, &in, &out);
        for (size_t i = 0; i < in.size(); ++i) {
          Shape& slot = (*shapes)[g.entry_id(info.inputs[i])];
          if (slot.ndim() == 0) slot = in[i];
        }
        for (int i = 0; i < n_out; ++i) {
          Shape& slot = (*shapes)[g.entry_id(nid, i)];
          if (slot.ndim() == 0) slot = out[i];
        }
        // The operator may have changed a shape that another operator already fixed.
        for (size_t i = 0; i < in.size(); ++i) {
          const Shape& have = (*shapes)[g.entry_id(info.inputs[i])];
          MX_CHECK_AS(ShapeError, in[i].ndim() == 0 || have == in[i])
              << "input " << attrs.op->input_names(attrs)[i] << " has shape " << have << " but "
              << in[i] << " is required here.";
        }
      },
      [&] { return CountUnknown(*shapes); });
  for (uint32_t nid : hinted) ApplyShapeHint(g, nid, true, &(*shapes)[g.entry_id(nid, 0)]);
  return CountUnknown(*shapes);
}

}  // namespace mx
