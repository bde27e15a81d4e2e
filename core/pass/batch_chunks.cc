#include "core/pass/batch_chunks.h"

#include <algorithm>

#include "core/base/dtype.h"
#include "core/base/error.h"
#include "core/op/op_def.h"

namespace mx {
namespace {

struct Finder {
  const IndexedGraph& g;
  const std::vector<Shape>& shapes;
  const std::vector<int>& dtypes;
  const std::vector<bool>& external;
  int64_t chunk_bytes;
  std::vector<std::vector<uint32_t>> readers;  // per entry: the nodes reading it
  BatchChunks* out;

  int64_t Bytes(uint32_t eid) const {
    return shapes[eid].Size() * static_cast<int64_t>(DTypeSize(static_cast<DType>(dtypes[eid])));
  }

  // The inputs node `nid` splits by rows and its batch size, or false when it cannot run by
  // rows: no such property, shapes without that batch, or a second output someone reads
  // (those outputs are rewritten by every chunk).
  bool Qualifies(uint32_t nid, std::vector<int>* batch_inputs, int64_t* batch) const {
    const auto& info = g[nid];
    if (info.node->is_variable()) return false;
    const OpDef& op = *info.node->attrs.op;
    if (op.needs_random()) return false;
    *batch_inputs = op.batch_inputs(info.node->attrs, false);
    if (batch_inputs->empty()) return false;
    const Shape& out0 = shapes[g.entry_id(nid, 0)];
    if (out0.ndim() == 0 || out0[0] < 2) return false;
    *batch = out0[0];
    for (int i : *batch_inputs) {
      if (i >= static_cast<int>(info.inputs.size())) return false;
      const Shape& s = shapes[g.entry_id(info.inputs[i])];
      if (s.ndim() == 0 || s[0] != *batch) return false;
    }
    for (int j = 1; j < info.node->num_outputs(); ++j) {
      uint32_t eid = g.entry_id(nid, j);
      if (external[eid] || !readers[eid].empty()) return false;
    }
    return true;
  }

  // Whether node `nid` reads, whole, an output of a node already in `run`: that output is only
  // complete after the last chunk, so the node must start a new run.
  bool ReadsRunWhole(const BatchChunks::Run& run, uint32_t nid, const std::vector<int>& split) {
    const auto& inputs = g[nid].inputs;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (std::find(split.begin(), split.end(), static_cast<int>(i)) != split.end()) continue;
      if (std::find(run.nodes.begin(), run.nodes.end(), inputs[i].node_id) != run.nodes.end())
        return true;
    }
    return false;
  }

  // Keeps `run` if its largest intermediate exceeds the target: marks its interior entries,
  // trims nodes at either end that touch none, and picks the rows per chunk.
  void Finish(BatchChunks::Run run) {
    if (run.nodes.size() < 2) return;
    auto in_run = [&](uint32_t nid) {
      return std::find(run.nodes.begin(), run.nodes.end(), nid) != run.nodes.end();
    };
    std::vector<uint32_t> interior;
    int64_t largest = 0;
    for (uint32_t nid : run.nodes) {
      uint32_t eid = g.entry_id(nid, 0);
      if (external[eid] || readers[eid].empty()) continue;
      if (!std::all_of(readers[eid].begin(), readers[eid].end(), in_run)) continue;
      interior.push_back(eid);
      largest = std::max(largest, Bytes(eid));
    }
    if (largest <= chunk_bytes) return;
    auto is_interior = [&](uint32_t eid) {
      return std::find(interior.begin(), interior.end(), eid) != interior.end();
    };
    auto touches = [&](size_t k) {
      uint32_t nid = run.nodes[k];
      if (is_interior(g.entry_id(nid, 0))) return true;
      for (int i : run.batch_inputs[k])
        if (is_interior(g.entry_id(g[nid].inputs[i]))) return true;
      return false;
    };
    size_t begin = 0, end = run.nodes.size();
    while (begin < end && !touches(begin)) ++begin;
    while (end > begin && !touches(end - 1)) --end;
    run.nodes = {run.nodes.begin() + begin, run.nodes.begin() + end};
    run.batch_inputs = {run.batch_inputs.begin() + begin, run.batch_inputs.begin() + end};
    run.rows = std::max<int64_t>(1, run.batch * chunk_bytes / largest);
    if (run.rows >= run.batch) return;
    int id = static_cast<int>(out->runs.size());
    for (uint32_t nid : run.nodes) out->run_of_node[nid] = id;
    for (uint32_t eid : interior) {
      out->interior[eid] = true;
      std::vector<int64_t> dims = shapes[eid].dims();
      dims[0] = run.rows;
      out->plan_shapes[eid] = Shape(dims);
    }
    out->runs.push_back(std::move(run));
  }
};

}  // namespace

BatchChunks FindBatchChunks(const IndexedGraph& g, const std::vector<Shape>& shapes,
                            const std::vector<int>& dtypes, const std::vector<bool>& external,
                            uint32_t num_nodes, int64_t chunk_bytes) {
  MX_INTERNAL_CHECK(shapes.size() == g.num_entries() && dtypes.size() == g.num_entries() &&
                    external.size() == g.num_entries() && num_nodes <= g.num_nodes());
  BatchChunks bc;
  bc.run_of_node.assign(g.num_nodes(), -1);
  bc.interior.assign(g.num_entries(), false);
  bc.plan_shapes = shapes;
  if (chunk_bytes <= 0) return bc;
  Finder f{g, shapes, dtypes, external, chunk_bytes, {}, &bc};
  f.readers.resize(g.num_entries());
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid)
    for (const auto& e : g[nid].inputs) f.readers[g.entry_id(e)].push_back(nid);
  BatchChunks::Run run;
  for (uint32_t nid = 0; nid < num_nodes; ++nid) {
    if (g[nid].node->is_variable()) continue;
    std::vector<int> split;
    int64_t batch = 0;
    if (!f.Qualifies(nid, &split, &batch)) {
      f.Finish(std::move(run));
      run = BatchChunks::Run();
      continue;
    }
    if (!run.nodes.empty() && (batch != run.batch || f.ReadsRunWhole(run, nid, split))) {
      f.Finish(std::move(run));
      run = BatchChunks::Run();
    }
    run.nodes.push_back(nid);
    run.batch_inputs.push_back(std::move(split));
    run.batch = batch;
  }
  f.Finish(std::move(run));
  return bc;
}

}  // namespace mx
