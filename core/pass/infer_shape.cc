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

// Known: a rank and every dimension (partial shapes have -1 where a dimension is not known).
bool Known(const Shape& s) {
  if (s.ndim() == 0) return false;
  for (int64_t d : s)
    if (d < 0) return false;
  return true;
}

size_t CountUnknown(const std::vector<Shape>& shapes) {
  size_t n = 0;
  for (const Shape& s : shapes) n += !Known(s);
  return n;
}

// The operators whose shape functions take partial shapes: they copy dimensions and never
// compute with an unknown one (the element-wise ones, FullyConnected with an unknown batch,
// the creation operators that make partial shapes). Every other operator sees a partial shape
// as unknown, so it cannot turn -1 into a wrong dimension.
bool TakesPartialShapes(const OpDef& op) {
  using Fn = bool (*)(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
  const Fn* fn = op.infer_shape().target<Fn>();
  if (fn && *fn == &SameShapeInferShape) return true;
  const std::string& n = op.name();
  return n == "FullyConnected" || n == "_zeros" || n == "_ones" || n == "_full";
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
        MX_INTERNAL_CHECK(attrs.op->infer_shape()) << attrs.op->name() << " has no InferShape";
        bool partial_ok = TakesPartialShapes(*attrs.op);
        auto view = [&](const Shape& s) { return partial_ok || Known(s) ? s : Shape(); };
        std::vector<Shape> in, out;
        for (const auto& e : info.inputs) in.push_back(view((*shapes)[g.entry_id(e)]));
        int n_out = info.node->num_outputs();
        for (int i = 0; i < n_out; ++i) out.push_back(view((*shapes)[g.entry_id(nid, i)]));
        attrs.op->infer_shape()(attrs, &in, &out);
        // Merged into what is known (a partial shape gains dimensions; a shape another
        // operator fixed must agree with this one's).
        for (size_t i = 0; i < in.size(); ++i)
          AssignShape(&(*shapes)[g.entry_id(info.inputs[i])], in[i], attrs,
                      "input " + attrs.op->input_names(attrs)[i]);
        for (int i = 0; i < n_out; ++i)
          AssignShape(&(*shapes)[g.entry_id(nid, i)], out[i], attrs, "output " + std::to_string(i));
      },
      [&] { return CountUnknown(*shapes); });
  for (uint32_t nid : hinted) ApplyShapeHint(g, nid, true, &(*shapes)[g.entry_id(nid, 0)]);
  return CountUnknown(*shapes);
}

}  // namespace mx
