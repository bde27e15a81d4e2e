// Binding: gradient graph, shapes and dtypes, memory plan, arrays and kernel calls.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/base/env.h"
#include "core/base/error.h"
#include "core/executor/executor_state.h"
#include "core/ndarray/init.h"
#include "core/pass/gradient.h"
#include "core/pass/infer_shape.h"
#include "core/pass/infer_type.h"

namespace mx {
namespace {

// Gradient heads the executor can write straight into the caller's gradient array: produced
// by an operator, read by nothing else, and not an output or another argument's gradient.
// Others get a _copy node.
std::vector<NodeEntry> ExclusiveGradients(const std::vector<NodeEntry>& ys,
                                          std::vector<NodeEntry> grads,
                                          const std::vector<NodeEntry>& xs) {
  std::vector<NodeEntry> heads = ys;
  heads.insert(heads.end(), grads.begin(), grads.end());
  IndexedGraph g(heads);
  std::vector<int> readers(g.num_entries(), 0);
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid)
    for (const auto& e : g[nid].inputs) ++readers[g.entry_id(e)];
  for (const auto& e : g.outputs()) ++readers[g.entry_id(e)];
  const OpDef& copy = OpRegistry::Get()->Find("_copy");
  for (size_t k = 0; k < grads.size(); ++k) {
    uint32_t eid = g.entry_id(g.node_id(grads[k].node.get()), grads[k].index);
    if (!grads[k].node->is_variable() && readers[eid] == 1) continue;
    grads[k] = NodeEntry{MakeOpNode(copy, xs[k].node->name() + "_grad_copy", {}, {grads[k]}), 0, 0};
  }
  return grads;
}

// `any_host`: an array in another host context is fine for a host executor (gradients on
// cpu_shared).
void CheckArray(const NDArray& a, const std::string& what, const std::string& name,
                const Shape& want_shape, int want_type, Context ctx, bool any_host = false) {
  MX_CHECK_AS(ShapeError, a.shape() == want_shape)
      << "Bind: " << what << " '" << name << "' has shape " << a.shape() << " but the graph needs "
      << want_shape << ". Pass an array of that shape (or use SimpleBind to allocate one).";
  MX_CHECK_AS(TypeError, want_type < 0 || static_cast<int>(a.dtype()) == want_type)
      << "Bind: " << what << " '" << name << "' has dtype " << a.dtype() << " but the graph needs "
      << static_cast<DType>(want_type) << "; convert it with AsType().";
  Context c = a.context();
  MX_CHECK_AS(ContextError, c == ctx || (any_host && c.is_host() && ctx.is_host()))
      << "Bind: " << what << " '" << name << "' is on " << c << " but the executor is bound to "
      << ctx << ". Move it with AsInContext(" << ctx << ") first.";
}

NDArray BlockView(const NDArray& block, const Shape& shape) {
  NDArray flat = block.size() == shape.Size() ? block : block.Slice(0, shape.Size());
  return flat.Reshape(shape.dims());
}

// The kernel call of node `nid` on the arrays of `entries`.
OpCall MakeCall(const IndexedGraph& g, uint32_t nid, const std::vector<NDArray>& entries,
                const std::set<uint32_t>& add_to, Context ctx) {
  const auto& info = g[nid];
  const OpDef& op = *info.node->attrs.op;
  const FCompute* fn = op.compute(ctx.dev_type);
  MX_CHECK_AS(NotImplementedError, fn != nullptr)
      << "Bind: operator " << g.Describe(nid) << " has no kernel for " << ctx
      << "; it runs on: " << op.devices() << ".";
  OpCall call;
  call.attrs = &info.node->attrs;
  call.fn = *fn;
  call.random = op.needs_random();
  const std::vector<int> mutated = op.mutate_inputs(info.node->attrs);
  for (size_t i = 0; i < info.inputs.size(); ++i) {
    const NDArray& a = entries[g.entry_id(info.inputs[i])];
    MX_INTERNAL_CHECK(!a.is_none()) << "no array for input " << i << " of " << g.Describe(nid);
    call.in.push_back(a.blob());
    bool writes = std::find(mutated.begin(), mutated.end(), static_cast<int>(i)) != mutated.end();
    (writes ? call.mutable_vars : call.const_vars).push_back(a.var());
  }
  int n_vis = info.node->num_visible_outputs();
  for (int j = 0; j < info.node->num_outputs(); ++j) {
    uint32_t eid = g.entry_id(nid, j);
    const NDArray& a = entries[eid];
    MX_INTERNAL_CHECK(!a.is_none()) << "no array for output " << j << " of " << g.Describe(nid);
    call.out.push_back(a.blob());
    call.mutable_vars.push_back(a.var());
    call.req.push_back(add_to.count(eid) ? OpReq::kAddTo : OpReq::kWrite);
    if (j < n_vis) call.visible.emplace_back(info.node->OutputName(j), a);
  }
  return call;
}

// `call` (node `nid` of a run) restricted to rows [begin, begin + n) of the batch: whole
// entries by those rows, interior entries (one chunk long) by their first n rows. The
// monitor never sees partial arrays (Forward runs the whole graph when one is set).
OpCall ChunkCall(const IndexedGraph& g, uint32_t nid, const std::vector<int>& batch_inputs,
                 const std::vector<NDArray>& entries, const std::vector<bool>& interior,
                 int64_t begin, int64_t n, OpCall call) {
  auto rows = [&](uint32_t eid) {
    int64_t first = interior[eid] ? 0 : begin;
    return entries[eid].Slice(first, first + n).blob();
  };
  for (int i : batch_inputs) call.in[i] = rows(g.entry_id(g[nid].inputs[i]));
  call.out[0] = rows(g.entry_id(nid, 0));
  call.visible.clear();
  return call;
}

}  // namespace

std::shared_ptr<Executor::State> BuildExecutorState(const Symbol& symbol, Context ctx,
                                                    BoundArrays arrays,
                                                    const std::vector<NDArray>& reuse,
                                                    bool batch_chunks) {
  auto s = std::make_shared<Executor::State>();
  s->symbol = symbol;
  s->ctx = ctx;
  s->bound = arrays;
  s->arg_names = symbol.ListArguments();
  s->aux_names = symbol.ListAuxiliaryStates();
  s->out_names = symbol.ListOutputs();
  const std::vector<NodeEntry>& ys = symbol.outputs();

  // Variables by kind, in List*() order.
  IndexedGraph fwd(ys);
  std::vector<NodeEntry> arg_vars, aux_vars;
  for (uint32_t nid : fwd.input_nodes())
    (fwd.is_mutable_input(nid) ? aux_vars : arg_vars).push_back(NodeEntry{fwd[nid].owner, 0, 0});
  MX_INTERNAL_CHECK(arg_vars.size() == arrays.args.size() && aux_vars.size() == arrays.aux.size());

  // Forward shapes and dtypes, from the bound arrays.
  std::vector<Shape> fshapes(fwd.num_entries());
  std::vector<int> ftypes(fwd.num_entries(), -1);
  auto seed = [&](const std::vector<NodeEntry>& vars, const std::vector<NDArray>& a,
                  const IndexedGraph& g, std::vector<Shape>* shapes, std::vector<int>* types) {
    for (size_t i = 0; i < vars.size(); ++i) {
      uint32_t eid = g.entry_id(g.node_id(vars[i].node.get()), 0);
      (*shapes)[eid] = a[i].shape();
      (*types)[eid] = static_cast<int>(a[i].dtype());
    }
  };
  seed(arg_vars, arrays.args, fwd, &fshapes, &ftypes);
  seed(aux_vars, arrays.aux, fwd, &fshapes, &ftypes);
  InferShapes(fwd, &fshapes);
  InferTypes(fwd, &ftypes);
  for (uint32_t nid = 0; nid < fwd.num_nodes(); ++nid)
    for (int i = 0; i < fwd[nid].node->num_outputs(); ++i)
      MX_CHECK_AS(ShapeError, fshapes[fwd.entry_id(nid, i)].ndim() > 0)
          << "Bind: cannot infer the shape of output " << i << " of " << fwd.Describe(nid)
          << " from the arrays given.";
  for (size_t i = 0; i < arg_vars.size(); ++i)
    CheckArray(arrays.args[i], "argument", s->arg_names[i],
               fshapes[fwd.entry_id(fwd.node_id(arg_vars[i].node.get()), 0)],
               ftypes[fwd.entry_id(fwd.node_id(arg_vars[i].node.get()), 0)], ctx);
  for (size_t i = 0; i < aux_vars.size(); ++i)
    CheckArray(arrays.aux[i], "auxiliary state", s->aux_names[i],
               fshapes[fwd.entry_id(fwd.node_id(aux_vars[i].node.get()), 0)],
               ftypes[fwd.entry_id(fwd.node_id(aux_vars[i].node.get()), 0)], ctx);

  // The gradient graph for arguments that want gradients.
  std::vector<NodeEntry> xs;
  std::vector<size_t> x_arg;
  for (size_t i = 0; i < arg_vars.size(); ++i) {
    if (arrays.reqs[i] == GradReq::kNull) continue;
    CheckArray(arrays.grads[i], "gradient of", s->arg_names[i], arrays.args[i].shape(),
               static_cast<int>(arrays.args[i].dtype()), ctx, true);
    xs.push_back(arg_vars[i]);
    x_arg.push_back(i);
  }
  std::vector<NodeEntry> heads = ys;
  GradientGraph grad;
  if (!xs.empty()) {
    grad = BuildGradientGraph(ys, xs);
    grad.x_grads = ExclusiveGradients(ys, grad.x_grads, xs);
    heads.insert(heads.end(), grad.x_grads.begin(), grad.x_grads.end());
    s->has_backward = true;
  }
  s->graph = std::make_unique<IndexedGraph>(heads);
  const IndexedGraph& g = *s->graph;
  s->num_forward_nodes = fwd.num_nodes();

  // Shapes and dtypes of the whole graph: forward facts, head gradients like their outputs.
  s->shapes.assign(g.num_entries(), Shape());
  s->dtypes.assign(g.num_entries(), -1);
  for (uint32_t nid = 0; nid < fwd.num_nodes(); ++nid)
    for (int i = 0; i < fwd[nid].node->num_outputs(); ++i) {
      uint32_t eid = g.entry_id(g.node_id(fwd[nid].node), i);
      s->shapes[eid] = fshapes[fwd.entry_id(nid, i)];
      s->dtypes[eid] = ftypes[fwd.entry_id(nid, i)];
    }
  for (size_t k = 0; k < grad.head_grads.size(); ++k) {
    const Node* hg = grad.head_grads[k].get();
    if (!g.has_node(hg)) continue;
    uint32_t y = fwd.entry_id(fwd.outputs()[k]);
    s->shapes[g.entry_id(g.node_id(hg), 0)] = fshapes[y];
    s->dtypes[g.entry_id(g.node_id(hg), 0)] = ftypes[y];
  }
  InferShapes(g, &s->shapes);
  InferTypes(g, &s->dtypes);
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid)
    for (int i = 0; i < g[nid].node->num_outputs(); ++i)
      MX_CHECK_AS(ShapeError,
                  s->shapes[g.entry_id(nid, i)].ndim() > 0 && s->dtypes[g.entry_id(nid, i)] >= 0)
          << "Bind: cannot infer the shape or dtype of output " << i << " of " << g.Describe(nid)
          << ".";

  // Arrays bound to the caller's, the outputs and the gradients stay out of the plan.
  std::vector<NDArray>& entries = s->entries;
  entries.assign(g.num_entries(), NDArray());
  std::vector<bool> external(g.num_entries(), false);
  for (size_t i = 0; i < arg_vars.size(); ++i) {
    uint32_t eid = g.entry_id(g.node_id(arg_vars[i].node.get()), 0);
    entries[eid] = arrays.args[i];
  }
  for (size_t i = 0; i < aux_vars.size(); ++i)
    entries[g.entry_id(g.node_id(aux_vars[i].node.get()), 0)] = arrays.aux[i];
  for (const auto& hg : grad.head_grads) {
    NDArray ones;
    if (g.has_node(hg.get())) {
      uint32_t eid = g.entry_id(g.node_id(hg.get()), 0);
      ones = nd::ones(s->shapes[eid], ctx, static_cast<DType>(s->dtypes[eid]));
      entries[eid] = ones;
    }
    s->head_grads.push_back(ones);
  }
  for (uint32_t nid : g.input_nodes()) external[g.entry_id(nid, 0)] = true;
  for (size_t k = 0; k < ys.size(); ++k) {
    uint32_t eid = g.entry_id(g.outputs()[k]);
    external[eid] = true;
    if (entries[eid].is_none())
      entries[eid] = k < arrays.outputs.size()
                         ? arrays.outputs[k]
                         : NDArray(s->shapes[eid], ctx, static_cast<DType>(s->dtypes[eid]));
    s->outputs.push_back(entries[eid]);
  }
  std::set<uint32_t> add_to;
  for (size_t k = 0; k < xs.size(); ++k) {
    uint32_t eid = g.entry_id(g.outputs()[ys.size() + k]);
    external[eid] = true;
    entries[eid] = arrays.grads[x_arg[k]];
    if (arrays.reqs[x_arg[k]] == GradReq::kAdd) add_to.insert(eid);
  }

  int64_t chunk_bytes =
      batch_chunks && !s->has_backward ? EnvInt("TESSERA_EXEC_BATCH_CHUNK_KB") * 1024 : 0;
  s->chunks = FindBatchChunks(g, s->shapes, s->dtypes, external,
                              static_cast<uint32_t>(g.num_nodes()), chunk_bytes);
  for (const BatchChunks::Run& run : s->chunks.runs)
    for (size_t k = 0; k < run.nodes.size(); ++k)
      if (g[run.nodes[k]].node->attrs.op->batch_inputs(g[run.nodes[k]].node->attrs, true) !=
          run.batch_inputs[k])
        s->chunks_hold_in_training = false;
  s->plan = PlanMemory(g, s->shapes, s->dtypes, external, &s->chunks);
  std::vector<bool> taken(reuse.size(), false);
  for (size_t b = 0; b < s->plan.block_elements.size(); ++b) {
    int64_t n = s->plan.block_elements[b];
    DType t = static_cast<DType>(s->plan.block_dtype[b]);
    NDArray block;
    for (size_t r = 0; r < reuse.size() && block.is_none(); ++r)
      if (!taken[r] && reuse[r].dtype() == t && reuse[r].size() >= n) {
        taken[r] = true;
        block = reuse[r];
      }
    if (block.is_none()) block = NDArray(Shape({n}), ctx, t);
    s->blocks.push_back(block);
  }
  for (uint32_t eid = 0; eid < g.num_entries(); ++eid)
    if (s->plan.storage_id[eid] != MemoryPlan::kExternal)
      entries[eid] = BlockView(s->blocks[s->plan.storage_id[eid]], s->chunks.plan_shapes[eid]);

  // One precomputed kernel call per operator node, in order; a run of batch chunks puts its
  // nodes' calls in a loop over the chunks.
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid) {
    if (g[nid].node->is_variable()) continue;
    int r = s->chunks.run_of_node[nid];
    if (r < 0) {
      s->calls.push_back(MakeCall(g, nid, entries, add_to, ctx));
    } else if (s->chunks.runs[r].nodes.front() == nid) {
      const BatchChunks::Run& run = s->chunks.runs[r];
      std::vector<OpCall> whole;
      for (uint32_t m : run.nodes) whole.push_back(MakeCall(g, m, entries, add_to, ctx));
      for (int64_t begin = 0; begin < run.batch; begin += run.rows) {
        int64_t n = std::min(run.rows, run.batch - begin);
        for (size_t k = 0; k < run.nodes.size(); ++k)
          s->calls.push_back(ChunkCall(g, run.nodes[k], run.batch_inputs[k], entries,
                                       s->chunks.interior, begin, n, whole[k]));
      }
    }
    if (nid < s->num_forward_nodes) s->num_forward_calls = s->calls.size();
  }
  return s;
}

}  // namespace mx
