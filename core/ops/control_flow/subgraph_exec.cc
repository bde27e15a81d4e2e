#include "core/ops/control_flow/subgraph_exec.h"

#include <vector>

#include "core/base/error.h"
#include "core/engine/engine.h"
#include "core/ndarray/copy_kernels.h"
#include "core/pass/gradient.h"
#include "core/pass/infer_shape.h"
#include "core/pass/infer_type.h"

namespace mx {
namespace {

// Fills the entries of the body's variables and heads from `in`/`out`, runs `infer` on one
// indexed graph of the body, and reads them back; `unknown` tells an unknown value.
template <typename T, typename Infer, typename Unknown>
bool InferThrough(const Symbol& body, std::vector<T>* in, std::vector<T>* out, T none,
                  Infer infer, Unknown unknown) {
  IndexedGraph g(body.outputs());
  const std::vector<uint32_t>& vars = g.input_nodes();  // BodyInputs' order
  MX_CHECK_AS(ValueError, vars.size() == in->size() && g.outputs().size() == out->size())
      << "control flow: the body has " << vars.size() << " inputs and " << g.outputs().size()
      << " outputs, the node gives " << in->size() << " inputs and " << out->size()
      << " outputs; the file is inconsistent.";
  std::vector<T> facts(g.num_entries(), none);
  for (size_t i = 0; i < vars.size(); ++i) facts[g.entry_id(vars[i], 0)] = (*in)[i];
  for (size_t i = 0; i < out->size(); ++i)
    if (!unknown((*out)[i])) facts[g.entry_id(g.outputs()[i])] = (*out)[i];
  infer(g, &facts);
  bool complete = true;
  for (size_t i = 0; i < vars.size(); ++i) {
    (*in)[i] = facts[g.entry_id(vars[i], 0)];
    complete = complete && !unknown((*in)[i]);
  }
  for (size_t i = 0; i < out->size(); ++i) {
    (*out)[i] = facts[g.entry_id(g.outputs()[i])];
    complete = complete && !unknown((*out)[i]);
  }
  return complete;
}

}  // namespace

std::vector<std::shared_ptr<Node>> BodyInputs(const Symbol& body) {
  IndexedGraph g(body.outputs());
  std::vector<std::shared_ptr<Node>> vars;
  for (uint32_t nid : g.input_nodes()) vars.push_back(g[nid].owner);
  return vars;
}

const Symbol& Body(const OpAttrs& attrs, size_t index, size_t count) {
  MX_CHECK_AS(ValueError, attrs.subgraphs.size() == count && attrs.subgraphs[index])
      << "operator " << attrs.op->name() << " (" << attrs.name << ") needs " << count
      << " subgraph(s), found " << attrs.subgraphs.size()
      << "; build it with its builder (core/ops/control_flow/control_flow.h) or load it from "
      << "MXNet's symbol JSON, where the node carries \"subgraphs\".";
  return *attrs.subgraphs[index];
}

bool InferBodyShapes(const Symbol& body, std::vector<Shape>* in, std::vector<Shape>* out) {
  return InferThrough<Shape>(
      body, in, out, Shape(), [](const IndexedGraph& g, std::vector<Shape>* v) { InferShapes(g, v); },
      [](const Shape& s) { return s.ndim() == 0; });
}

bool InferBodyTypes(const Symbol& body, std::vector<int>* in, std::vector<int>* out) {
  return InferThrough<int>(
      body, in, out, -1, [](const IndexedGraph& g, std::vector<int>* v) { InferTypes(g, v); },
      [](int t) { return t < 0; });
}

SubgraphExec::SubgraphExec(const std::vector<NodeEntry>& heads,
                           const std::vector<std::shared_ptr<Node>>& inputs,
                           const std::vector<Shape>& shapes, const std::vector<int>& dtypes,
                           Context ctx, const std::string& what)
    : graph_(heads), what_(what) {
  const IndexedGraph& g = graph_;
  std::vector<Shape> s(g.num_entries());
  std::vector<int> t(g.num_entries(), -1);
  for (const auto& in : inputs) {
    int eid = g.has_node(in.get()) ? static_cast<int>(g.entry_id(g.node_id(in.get()), 0)) : -1;
    input_entry_.push_back(eid);
    if (eid < 0) continue;
    s[eid] = shapes[input_entry_.size() - 1];
    t[eid] = dtypes[input_entry_.size() - 1];
  }
  std::vector<bool> bound(g.num_entries(), false);
  for (int eid : input_entry_)
    if (eid >= 0) bound[eid] = true;
  for (uint32_t nid : g.input_nodes())
    MX_CHECK_AS(ValueError, bound[g.entry_id(nid, 0)])
        << what_ << ": variable " << g[nid].node->name() << " is not one of the body's inputs.";
  InferShapes(g, &s);
  InferTypes(g, &t);
  buffers_.resize(g.num_entries());
  blobs_.resize(g.num_entries());
  reqs_.resize(g.num_nodes());
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid) {
    if (g[nid].node->is_variable()) continue;
    for (int i = 0; i < g[nid].node->num_outputs(); ++i) {
      uint32_t eid = g.entry_id(nid, i);
      MX_CHECK_AS(ShapeError, s[eid].ndim() > 0 && t[eid] >= 0)
          << what_ << ": cannot infer the shape or dtype of output " << i << " of "
          << g.Describe(nid) << " from the inputs given.";
      buffers_[eid] = NDArray(s[eid], ctx, static_cast<DType>(t[eid]));
      blobs_[eid] = buffers_[eid].blob();
    }
    reqs_[nid].assign(g[nid].node->num_outputs(), OpReq::kWrite);
  }
}

void SubgraphExec::Run(const OpContext& octx, const std::vector<TBlob>& inputs) {
  MX_INTERNAL_CHECK(inputs.size() == input_entry_.size()) << what_ << ": inputs";
  const IndexedGraph& g = graph_;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (input_entry_[i] >= 0) blobs_[input_entry_[i]] = inputs[i];
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid) {
    const auto& info = g[nid];
    if (info.node->is_variable()) continue;
    const OpDef& op = *info.node->attrs.op;
    const FCompute* fn = op.compute(octx.run.ctx.dev_type);
    MX_CHECK_AS(NotImplementedError, fn != nullptr)
        << what_ << ": operator " << g.Describe(nid) << " has no kernel for " << octx.run.ctx
        << "; it runs on: " << op.devices() << ".";
    std::vector<TBlob> in, out;
    for (const auto& e : info.inputs) in.push_back(blobs_[g.entry_id(e)]);
    for (int i = 0; i < info.node->num_outputs(); ++i) out.push_back(blobs_[g.entry_id(nid, i)]);
    (*fn)(info.node->attrs, octx, in, reqs_[nid], out);
  }
}

TBlob SubgraphExec::output(size_t i) const { return blobs_[graph_.entry_id(graph_.outputs()[i])]; }

std::vector<GradEntry> ControlFlowGradient(const std::string& backward_op, int num_outputs,
                                           int num_inputs, const OpAttrs& attrs,
                                           GradContext* ctx) {
  std::vector<GradEntry> in;
  for (int j = 0; j < num_outputs; ++j) in.push_back(ctx->OutGrad(j));
  for (int i = 0; i < num_inputs; ++i) in.push_back(ctx->Input(i));
  return ctx->OpWithSubgraphs(backward_op, in, attrs.dict, attrs.subgraphs);
}

bool ShapesLikeInputsFrom(size_t first, const OpAttrs& attrs, std::vector<Shape>* in,
                          std::vector<Shape>* out) {
  for (size_t i = 0; i < out->size(); ++i)
    AssignShape(&(*out)[i], (*in)[first + i], attrs, "input gradient " + std::to_string(i));
  return true;
}

bool TypesLikeInputsFrom(size_t first, std::vector<int>* in, std::vector<int>* out) {
  for (size_t i = 0; i < out->size(); ++i) (*out)[i] = (*in)[first + i];
  return true;
}

std::unique_ptr<SubgraphExec> BodyGradient(const Symbol& body, const std::vector<Shape>& shapes,
                                           const std::vector<int>& types, Context ctx,
                                           const std::string& what) {
  std::vector<std::shared_ptr<Node>> vars = BodyInputs(body);
  std::vector<NodeEntry> xs;
  for (const auto& v : vars) xs.push_back(NodeEntry{v, 0, 0});
  GradientGraph grad = BuildGradientGraph(body.outputs(), xs);
  vars.insert(vars.end(), grad.head_grads.begin(), grad.head_grads.end());
  MX_INTERNAL_CHECK(vars.size() == shapes.size() && vars.size() == types.size())
      << what << ": " << shapes.size() << " shapes for " << vars.size() << " inputs";
  return std::make_unique<SubgraphExec>(grad.x_grads, vars, shapes, types, ctx, what);
}

std::vector<TBlob> Pick(const std::vector<TBlob>& blobs, const std::vector<size_t>& locs) {
  std::vector<TBlob> v;
  for (size_t x : locs) v.push_back(blobs[x]);
  return v;
}

void BlobFacts(const std::vector<TBlob>& blobs, std::vector<Shape>* shapes,
               std::vector<int>* types) {
  for (const TBlob& b : blobs) {
    shapes->push_back(b.shape);
    types->push_back(static_cast<int>(b.dtype));
  }
}

TBlob Row(const TBlob& b, int64_t t) {
  TBlob r = b;
  r.shape = WithoutFirstAxis(b.shape);
  r.dptr = static_cast<char*>(b.dptr) + static_cast<size_t>(t) * r.bytes();
  return r;
}

Shape WithoutFirstAxis(const Shape& s) {
  if (s.ndim() <= 1) return Shape{1};
  return Shape(std::vector<int64_t>(s.dims().begin() + 1, s.dims().end()));
}

Shape WithFirstAxis(int64_t len, const Shape& row, bool data_1d) {
  if (data_1d) return Shape{len};
  std::vector<int64_t> dims{len};
  dims.insert(dims.end(), row.dims().begin(), row.dims().end());
  return Shape(dims);
}

void CopyWithReq(const OpContext& octx, const TBlob& src, const TBlob& dst, OpReq req) {
  if (req == OpReq::kNull || dst.size() == 0) return;
  MX_INTERNAL_CHECK(src.size() == dst.size() && src.dtype == dst.dtype)
      << "control flow: copy of " << src.shape << " into " << dst.shape;
  static const FCompute* cpu_copy = OpRegistry::Get()->Find("_copy").compute(DeviceType::kCPU);
  static const FCompute* gpu_copy = OpRegistry::Get()->Find("_copy").compute(DeviceType::kGPU);
  const FCompute* copy = octx.run.ctx.is_gpu() ? gpu_copy : cpu_copy;
  MX_CHECK_AS(NotImplementedError, copy != nullptr)
      << "control flow: no _copy kernel for " << octx.run.ctx << ".";
  static const OpAttrs attrs = OpRegistry::Get()->Find("_copy").MakeAttrs({}, "control_flow_copy");
  TBlob s = src;
  s.shape = dst.shape;
  (*copy)(attrs, octx, {s}, {req == OpReq::kAddTo ? OpReq::kAddTo : OpReq::kWrite}, {dst});
}

void ZeroWithReq(const OpContext& octx, const TBlob& dst, OpReq req) {
  if (req == OpReq::kWrite || req == OpReq::kInplace) FillBlob(dst, 0.0, octx.run.stream);
}

void CheckConditionShape(const Shape& s, const std::string& what) {
  MX_CHECK_AS(ValueError, s.ndim() == 0 || s.Size() == 1)
      << what << ": the condition must be one value (a scalar or shape (1,)), found shape " << s
      << "; reduce it (sum, max) or pick one element.";
}

bool ReadCondition(const OpContext& octx, const TBlob& b, const std::string& what) {
  CheckConditionShape(b.shape, what);
  double value = 0;
  std::vector<char> bytes(b.bytes());
  TBlob host{bytes.data(), b.shape, b.dtype, cpu()};
  CopyBlobBytes(b, host, octx.run.stream);  // waits for the device
  TBlob as_double{&value, Shape{1}, kFloat64, cpu()};
  CastBlob(host, as_double, nullptr);
  return value != 0;
}

StreamGuard::~StreamGuard() {
  try {
    SynchronizeStream(rctx_);
  } catch (...) {
    // An error on the stream surfaces at the operator's own synchronization.
  }
}

std::vector<size_t> Locs(const Shape& locs) {
  std::vector<size_t> v;
  for (int i = 0; i < locs.ndim(); ++i) v.push_back(static_cast<size_t>(locs[i]));
  return v;
}

std::vector<std::string> DataInputNames(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("data" + std::to_string(i));
  return names;
}

}  // namespace mx
