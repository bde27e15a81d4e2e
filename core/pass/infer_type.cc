#include "core/pass/infer_type.h"

#include "core/base/error.h"
#include "core/op/params.h"
#include "core/pass/sweep.h"

namespace mx {
namespace {

size_t CountUnknown(const std::vector<int>& types) {
  size_t n = 0;
  for (int t : types) n += t < 0;
  return n;
}

}  // namespace

size_t InferTypes(const IndexedGraph& g, std::vector<int>* types) {
  MX_INTERNAL_CHECK(types->size() == g.num_entries()) << "one dtype per entry expected";
  for (uint32_t nid : g.input_nodes()) {
    const ParamMap& dict = g[nid].node->attrs.dict;
    auto it = dict.find("__dtype__");
    int& slot = (*types)[g.entry_id(nid, 0)];
    if (it == dict.end() || slot >= 0) continue;
    int code = -1;
    MX_CHECK_AS(ValueError, ParseValue(it->second, &code) && code >= 0 && code <= 12)
        << "variable " << g[nid].node->name() << ": attribute __dtype__ is '" << it->second
        << "', expected a dtype code 0-12 (0 is float32).";
    slot = code;
  }
  SweepToFixedPoint(
      g,
      [&](uint32_t nid) {
        const IndexedGraph::NodeInfo& info = g[nid];
        const OpAttrs& attrs = info.node->attrs;
        std::vector<int> in, out;
        for (const auto& e : info.inputs) in.push_back((*types)[g.entry_id(e)]);
        int n_out = info.node->num_outputs();
        for (int i = 0; i < n_out; ++i) out.push_back((*types)[g.entry_id(nid, i)]);
        if (attrs.op->infer_type())
          attrs.op->infer_type()(attrs, &in, &out);
        else
          SameTypeInferType(attrs, &in, &out);
        for (size_t i = 0; i < in.size(); ++i) {
          int& slot = (*types)[g.entry_id(info.inputs[i])];
          MX_CHECK_AS(TypeError, slot < 0 || in[i] < 0 || slot == in[i])
              << "input " << attrs.op->input_names(attrs)[i] << " has dtype "
              << static_cast<DType>(slot) << " but " << static_cast<DType>(in[i])
              << " is required here; cast it with Cast or give the variable that dtype.";
          if (slot < 0) slot = in[i];
        }
        for (int i = 0; i < n_out; ++i) {
          int& slot = (*types)[g.entry_id(nid, i)];
          if (slot < 0) slot = out[i];
        }
      },
      [&] { return CountUnknown(*types); });
  return CountUnknown(*types);
}

}  // namespace mx
