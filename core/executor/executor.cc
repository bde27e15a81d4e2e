#include "core/executor/executor.h"

#include "core/base/error.h"
#include "core/engine/engine.h"
#include "core/executor/executor_state.h"
#include "core/ndarray/init.h"

namespace mx {
namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The arrays of `names` from `given`; ValueError naming what is missing or unknown.
std::vector<NDArray> Collect(const std::vector<std::string>& names,
                             const std::map<std::string, NDArray>& given, const char* what,
                             bool required) {
  std::vector<NDArray> out;
  std::vector<std::string> missing;
  for (const std::string& n : names) {
    auto it = given.find(n);
    if (it == given.end() || it->second.is_none()) {
      missing.push_back(n);
      out.emplace_back();
    } else {
      out.push_back(it->second);
    }
  }
  MX_CHECK_AS(ValueError, !required || missing.empty())
      << "Bind: no array for " << what << " " << Join(missing) << "; the symbol's " << what
      << "s are: " << Join(names) << ".";
  for (const auto& kv : given)
    MX_CHECK_AS(ValueError, std::find(names.begin(), names.end(), kv.first) != names.end())
        << "Bind: '" << kv.first << "' is not a" << (what[0] == 'a' ? "n " : " ") << what
        << " of this symbol; its " << what << "s are: " << Join(names) << ".";
  return out;
}

void RunCalls(const std::shared_ptr<Executor::State>& s, size_t begin, size_t end, bool is_train) {
  Engine* engine = Engine::Get();
  for (size_t k = begin; k < end; ++k) {
    const OpCall* call = &s->calls[k];
    std::vector<VarHandle> mutable_vars = call->mutable_vars;
    std::mt19937* rng = nullptr;
    if (call->random) {
      random::Resource r = random::GlobalResource();
      rng = r.engine;
      mutable_vars.push_back(r.var);
    }
    // The state is captured so buffers outlive the kernel even if the executor goes away.
    engine->PushSync(
        [s, call, is_train, rng](RunContext rctx) {
          OpContext octx{rctx, is_train, rng};
          call->fn(*call->attrs, octx, call->in, call->req, call->out);
        },
        s->ctx, call->const_vars, std::move(mutable_vars), FnProperty::kNormal, 0,
        call->attrs->op->name().c_str());
    if (s->monitor)
      for (const auto& [name, array] : call->visible) s->monitor(name, array);
  }
}

}  // namespace

GradReq ParseGradReq(const std::string& s) {
  if (s == "null") return GradReq::kNull;
  if (s == "write") return GradReq::kWrite;
  if (s == "add") return GradReq::kAdd;
  MX_THROW(ValueError) << "grad_req '" << s
                       << "' is not valid; use \"write\", \"add\" or \"null\".";
}

Executor Executor::Bind(const Symbol& symbol, Context ctx, const BindArgs& a) {
  BoundArrays arrays;
  std::vector<std::string> arg_names = symbol.ListArguments();
  arrays.args = Collect(arg_names, a.args, "argument", true);
  arrays.aux = Collect(symbol.ListAuxiliaryStates(), a.aux_states, "auxiliary state", true);
  arrays.grads = Collect(arg_names, a.args_grad, "argument", false);
  for (const auto& kv : a.grad_req)
    MX_CHECK_AS(ValueError,
                std::find(arg_names.begin(), arg_names.end(), kv.first) != arg_names.end())
        << "Bind: grad_req names '" << kv.first
        << "', which is not an argument; arguments: " << Join(arg_names) << ".";
  for (size_t i = 0; i < arg_names.size(); ++i) {
    auto it = a.grad_req.find(arg_names[i]);
    GradReq req = it != a.grad_req.end() ? it->second : a.default_grad_req;
    if (arrays.grads[i].is_none()) {
      MX_CHECK_AS(ValueError, it == a.grad_req.end() || req == GradReq::kNull)
          << "Bind: grad_req for '" << arg_names[i] << "' asks for a gradient but args_grad has "
          << "no array for it.";
      req = GradReq::kNull;
    }
    arrays.reqs.push_back(req);
  }
  return Executor(BuildExecutorState(symbol, ctx, std::move(arrays), {}));
}

Executor Executor::SimpleBind(const Symbol& symbol, Context ctx, const SimpleBindArgs& a) {
  std::map<std::string, Shape> known = a.shapes;
  for (const auto& [name, arr] : a.shared_args) known[name] = arr.shape();
  ShapeInference shapes = symbol.InferShape(known);
  TypeInference types = symbol.InferType(a.dtypes);
  std::vector<std::string> arg_names = symbol.ListArguments();
  for (const auto& kv : a.grad_reqs)
    MX_CHECK_AS(ValueError,
                std::find(arg_names.begin(), arg_names.end(), kv.first) != arg_names.end())
        << "SimpleBind: grad_reqs names '" << kv.first << "', which is not an argument; "
        << "arguments: " << Join(arg_names) << ".";
  Context grad_ctx = a.grad_ctx.value_or(ctx);
  MX_CHECK_AS(ContextError, grad_ctx == ctx || (grad_ctx.is_host() && ctx.is_host()))
      << "SimpleBind: gradients on " << grad_ctx << " for an executor on " << ctx
      << "; another context for gradients must be host memory for a CPU executor (cpu_shared).";
  auto type_of = [](int t) { return t < 0 ? kFloat32 : static_cast<DType>(t); };
  // The shared array of that name, or a new one of zeros.
  auto array = [](const std::map<std::string, NDArray>& shared, const std::string& name,
                  const Shape& shape, Context c, DType t) {
    auto it = shared.find(name);
    return it != shared.end() ? it->second : nd::zeros(shape, c, t);
  };
  BoundArrays arrays;
  for (size_t i = 0; i < arg_names.size(); ++i) {
    const std::string& name = arg_names[i];
    DType t = type_of(types.arg_types[i]);
    arrays.args.push_back(array(a.shared_args, name, shapes.arg_shapes[i], ctx, t));
    auto it = a.grad_reqs.find(name);
    GradReq req = it == a.grad_reqs.end() ? a.grad_req : it->second;
    arrays.reqs.push_back(req);
    arrays.grads.push_back(req == GradReq::kNull
                               ? NDArray()
                               : array(a.shared_grads, name, shapes.arg_shapes[i], grad_ctx, t));
  }
  std::vector<std::string> aux_names = symbol.ListAuxiliaryStates();
  for (size_t i = 0; i < shapes.aux_shapes.size(); ++i)
    arrays.aux.push_back(
        array(a.shared_aux, aux_names[i], shapes.aux_shapes[i], ctx, type_of(types.aux_types[i])));
  return Executor(BuildExecutorState(symbol, ctx, std::move(arrays), {}));
}

const std::vector<NDArray>& Executor::Forward(bool is_train) {
  // Batch chunks write partial intermediates and assume inference statistics: with a monitor,
  // or in training mode where an operator mixes samples, the graph runs whole (planned and
  // allocated on first need).
  if (!s_->chunks.runs.empty() && (s_->monitor || (is_train && !s_->chunks_hold_in_training))) {
    if (!s_->whole) {
      BoundArrays arrays = s_->bound;
      arrays.outputs = s_->outputs;
      s_->whole = BuildExecutorState(s_->symbol, s_->ctx, std::move(arrays), {}, false);
    }
    s_->whole->monitor = s_->monitor;
    RunCalls(s_->whole, 0, s_->whole->num_forward_calls, is_train);
    return s_->outputs;
  }
  RunCalls(s_, 0, s_->num_forward_calls, is_train);
  return s_->outputs;
}

void Executor::Backward(const std::vector<NDArray>& head_grads) {
  MX_CHECK_AS(ValueError, s_->has_backward)
      << "Backward: this executor computes no gradients (every grad_req is null or no "
      << "args_grad was given). Bind with gradient arrays to train.";
  if (!head_grads.empty()) {
    MX_CHECK_AS(ValueError, head_grads.size() == s_->outputs.size())
        << "Backward: " << head_grads.size() << " head gradients given for " << s_->outputs.size()
        << " outputs (" << Join(s_->out_names) << ").";
    for (size_t k = 0; k < head_grads.size(); ++k) {
      if (s_->head_grads[k].is_none()) continue;  // no operator reads this head gradient
      MX_CHECK_AS(ShapeError, head_grads[k].shape() == s_->outputs[k].shape())
          << "Backward: the head gradient of " << s_->out_names[k] << " has shape "
          << head_grads[k].shape() << " but the output has " << s_->outputs[k].shape() << ".";
      head_grads[k].CopyTo(s_->head_grads[k]);
    }
    s_->head_grads_are_ones = false;
  } else if (!s_->head_grads_are_ones) {
    for (NDArray& h : s_->head_grads)
      if (!h.is_none()) h = 1.0;
    s_->head_grads_are_ones = true;
  }
  RunCalls(s_, s_->num_forward_calls, s_->calls.size(), true);
}

const std::vector<NDArray>& Executor::outputs() const { return s_->outputs; }
const std::vector<NDArray>& Executor::arg_arrays() const { return s_->bound.args; }
const std::vector<NDArray>& Executor::grad_arrays() const { return s_->bound.grads; }
const std::vector<NDArray>& Executor::aux_arrays() const { return s_->bound.aux; }
const Symbol& Executor::symbol() const { return s_->symbol; }

std::map<std::string, NDArray> Executor::arg_dict() const {
  std::map<std::string, NDArray> d;
  for (size_t i = 0; i < s_->arg_names.size(); ++i) d[s_->arg_names[i]] = s_->bound.args[i];
  return d;
}

std::map<std::string, NDArray> Executor::grad_dict() const {
  std::map<std::string, NDArray> d;
  for (size_t i = 0; i < s_->arg_names.size(); ++i)
    if (s_->bound.reqs[i] != GradReq::kNull) d[s_->arg_names[i]] = s_->bound.grads[i];
  return d;
}

std::map<std::string, NDArray> Executor::aux_dict() const {
  std::map<std::string, NDArray> d;
  for (size_t i = 0; i < s_->aux_names.size(); ++i) d[s_->aux_names[i]] = s_->bound.aux[i];
  return d;
}

std::map<std::string, NDArray> Executor::output_dict() const {
  std::map<std::string, NDArray> d;
  for (size_t i = 0; i < s_->out_names.size(); ++i) d[s_->out_names[i]] = s_->outputs[i];
  return d;
}

Executor Executor::Reshape(const std::map<std::string, Shape>& new_shapes) const {
  ShapeInference shapes = s_->symbol.InferShape(new_shapes);
  BoundArrays arrays;
  arrays.reqs = s_->bound.reqs;
  auto keep_or_new = [&](const NDArray& old, const Shape& shape) {
    if (old.is_none()) return NDArray();
    return old.shape() == shape ? old : nd::zeros(shape, s_->ctx, old.dtype());
  };
  for (size_t i = 0; i < s_->arg_names.size(); ++i) {
    arrays.args.push_back(keep_or_new(s_->bound.args[i], shapes.arg_shapes[i]));
    arrays.grads.push_back(keep_or_new(s_->bound.grads[i], shapes.arg_shapes[i]));
  }
  for (size_t i = 0; i < s_->aux_names.size(); ++i)
    arrays.aux.push_back(keep_or_new(s_->bound.aux[i], shapes.aux_shapes[i]));
  auto state = BuildExecutorState(s_->symbol, s_->ctx, std::move(arrays), s_->blocks);
  state->monitor = s_->monitor;
  return Executor(state);
}

void Executor::SetMonitorCallback(MonitorCallback callback) { s_->monitor = std::move(callback); }

MemoryReport Executor::memory() const {
  MemoryReport r;
  r.planned_bytes = s_->plan.planned_bytes;
  r.naive_bytes = s_->plan.naive_bytes;
  r.peak_live_bytes = s_->plan.peak_live_bytes;
  for (uint32_t nid = 0; nid < s_->graph->num_nodes(); ++nid)
    if (!(*s_->graph)[nid].node->is_variable()) ++r.num_nodes;
  r.chunk_runs = static_cast<int>(s_->chunks.runs.size());
  return r;
}

}  // namespace mx
