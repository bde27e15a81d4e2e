#include "core/pass/plan_memory.h"

#include <map>

#include "core/base/dtype.h"
#include "core/base/error.h"

namespace mx {
namespace {

class BlockPool {
 public:
  explicit BlockPool(MemoryPlan* plan) : plan_(plan) {}

  int Allocate(int64_t elements, int dtype) {
    auto& free = free_[dtype];
    // Best fit among blocks within 16x of the request: the smallest that is big enough, else
    // the biggest smaller one (grown).
    auto lo = free.lower_bound(elements / 16);
    auto hi = free.upper_bound(elements * 16);
    auto fit = free.lower_bound(elements);
    std::multimap<int64_t, int>::iterator pick = free.end();
    if (fit != free.end() && fit != hi) {
      pick = fit;
    } else if (fit != lo) {
      pick = std::prev(fit);
    }
    if (pick != free.end()) {
      int id = pick->second;
      free.erase(pick);
      if (plan_->block_elements[id] < elements) plan_->block_elements[id] = elements;
      return id;
    }
    plan_->block_elements.push_back(elements);
    plan_->block_dtype.push_back(dtype);
    return static_cast<int>(plan_->block_elements.size()) - 1;
  }
  void Release(int id) { free_[plan_->block_dtype[id]].emplace(plan_->block_elements[id], id); }

 private:
  MemoryPlan* plan_;
  std::map<int, std::multimap<int64_t, int>> free_;  // dtype -> (size, block)
};

}  // namespace

MemoryPlan PlanMemory(const IndexedGraph& g, const std::vector<Shape>& full_shapes,
                      const std::vector<int>& dtypes, const std::vector<bool>& external,
                      const BatchChunks* chunks) {
  size_t n_entries = g.num_entries();
  MX_INTERNAL_CHECK(full_shapes.size() == n_entries && dtypes.size() == n_entries &&
                    external.size() == n_entries);
  const std::vector<Shape>& shapes = chunks ? chunks->plan_shapes : full_shapes;
  auto run_of = [&](uint32_t nid) { return chunks ? chunks->run_of_node[nid] : -1; };
  auto interior = [&](uint32_t eid) { return chunks && chunks->interior[eid]; };
  std::vector<std::pair<int, uint32_t>> held;  // (block, entry) freed inside the current run
  MemoryPlan plan;
  plan.storage_id.assign(n_entries, MemoryPlan::kExternal);
  plan.inplace.assign(n_entries, false);
  std::vector<int> readers(n_entries, 0);
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid)
    for (const auto& e : g[nid].inputs) ++readers[g.entry_id(e)];
  std::vector<int> block_users;  // live entries per block
  int64_t live = 0;
  auto bytes_as = [&](const Shape& shape, uint32_t eid) {
    return shape.Size() * static_cast<int64_t>(DTypeSize(static_cast<DType>(dtypes[eid])));
  };
  auto bytes_of = [&](uint32_t eid) { return bytes_as(shapes[eid], eid); };
  BlockPool pool(&plan);
  auto planned = [&](uint32_t eid) { return !external[eid]; };

  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid) {
    const auto& info = g[nid];
    if (info.node->is_variable()) continue;
    int n_out = info.node->num_outputs();
    int run = run_of(nid);
    // A dead block: back to the pool, or held until the run's last node.
    auto release = [&](uint32_t eid) {
      int sid = plan.storage_id[eid];
      if (run >= 0) {
        held.emplace_back(sid, eid);
        return;
      }
      pool.Release(sid);
      live -= bytes_of(eid);
    };
    std::vector<bool> taken_input(info.inputs.size(), false);
    for (int j = 0; j < n_out; ++j) {
      uint32_t eid = g.entry_id(nid, j);
      if (!planned(eid)) continue;
      int64_t elements = shapes[eid].Size();
      plan.naive_bytes += bytes_as(full_shapes[eid], eid);
      int sid = -1;
      for (const auto& [in, out] : info.node->attrs.op->inplace_options()) {
        if (out != j || in >= static_cast<int>(info.inputs.size()) || taken_input[in]) continue;
        uint32_t src = g.entry_id(info.inputs[in]);
        if (!planned(src) || readers[src] != 1 || shapes[src] != shapes[eid] ||
            dtypes[src] != dtypes[eid] || block_users[plan.storage_id[src]] != 1)
          continue;
        if (run >= 0 && !(interior(src) && interior(eid))) continue;
        sid = plan.storage_id[src];
        taken_input[in] = true;
        plan.inplace[eid] = true;
        break;
      }
      if (sid < 0) {
        sid = pool.Allocate(elements, dtypes[eid]);
        if (sid >= static_cast<int>(block_users.size())) block_users.resize(sid + 1, 0);
      }
      plan.storage_id[eid] = sid;
      ++block_users[sid];
      if (!plan.inplace[eid]) live += bytes_of(eid);
    }
    plan.peak_live_bytes = std::max(plan.peak_live_bytes, live);
    // Inputs read for the last time free their blocks (an in-place output keeps its block).
    for (const auto& e : info.inputs) {
      uint32_t src = g.entry_id(e);
      if (!planned(src) || --readers[src] > 0) continue;
      if (--block_users[plan.storage_id[src]] == 0) release(src);
    }
    // Outputs nobody reads are dead once the node has run.
    for (int j = 0; j < n_out; ++j) {
      uint32_t eid = g.entry_id(nid, j);
      if (planned(eid) && readers[eid] == 0 && --block_users[plan.storage_id[eid]] == 0)
        release(eid);
    }
    if (run >= 0 && chunks->runs[run].nodes.back() == nid) {
      for (const auto& [sid, eid] : held) {
        pool.Release(sid);
        live -= bytes_of(eid);
      }
      held.clear();
    }
  }
  for (size_t b = 0; b < plan.block_elements.size(); ++b)
    plan.planned_bytes += plan.block_elements[b] *
                          static_cast<int64_t>(DTypeSize(static_cast<DType>(plan.block_dtype[b])));
  return plan;
}

}  // namespace mx
