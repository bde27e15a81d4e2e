// The Custom operator and its backward pass (MXNet's src/operator/custom/custom.cc): runs the
// CustomProp registered under op_type (custom_op.h).
//
// Custom's inputs are the prop's arguments then its auxiliary states (written by the kernels);
// its outputs are the prop's outputs. _backward_Custom, made only by Custom's gradient, takes
// the arrays the prop declared for its backward pass (MXNet's order: output gradients, inputs,
// outputs), then the auxiliary states, then the arguments it did not declare (for their shapes
// and types only), and gives the arguments' gradients. Both passes of one node share its
// CustomState, which holds the prop and one CustomOperator per context, shapes and types.
#include <atomic>
#include <map>
#include <mutex>
#include <sstream>

#include "core/base/cuda_check.h"
#include "core/base/error.h"
#include "core/engine/engine.h"
#include "core/ops/custom/custom_op.h"

namespace mx {
namespace custom {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, PropFactory> factories;
  static Registry* Get() {
    static Registry* r = new Registry();  // never destroyed: props may outlive statics
    return r;
  }
};

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// One use of a custom operator (a node, or one imperative call).
struct CustomState {
  std::string op_type;
  std::shared_ptr<CustomProp> prop;
  std::vector<std::string> args, outs, auxs;
  std::vector<int> bwd_idx;     // indices into [output grads, inputs, outputs]
  std::vector<int> extra_args;  // arguments the backward pass did not declare
  std::vector<size_t> arg_input;  // per argument, the input of _backward_Custom holding it
  int64_t id = 0;
  mutable std::mutex mu;
  mutable std::map<std::string, std::shared_ptr<CustomOperator>> operators;

  ~CustomState();
  int num_args() const { return static_cast<int>(args.size()); }
  int num_outs() const { return static_cast<int>(outs.size()); }
  int num_auxs() const { return static_cast<int>(auxs.size()); }

  // The operator for the arguments in these blobs (by their shapes and types) on `ctx`.
  std::shared_ptr<CustomOperator> OperatorFor(Context ctx,
                                              const std::vector<const TBlob*>& args) const {
    std::vector<Shape> shapes;
    std::vector<int> types;
    for (const TBlob* b : args) {
      shapes.push_back(b->shape);
      types.push_back(static_cast<int>(b->dtype));
    }
    std::ostringstream key;
    key << ctx;
    for (const Shape& s : shapes) key << ';' << s;
    for (int t : types) key << ';' << t;
    std::lock_guard<std::mutex> lock(mu);
    auto& op = operators[key.str()];
    if (!op) {
      op = prop->CreateOperator(ctx, shapes, types);
      MX_CHECK_AS(ValueError, op != nullptr)
          << "custom operator '" << op_type << "': create_operator returned nothing; it must "
          << "return a CustomOp.";
    }
    return op;
  }
};

// Live states by id, so that the backward node finds its forward node's state.
struct LiveStates {
  std::mutex mu;
  std::map<int64_t, std::weak_ptr<const CustomState>> states;
  std::atomic<int64_t> next{1};
  static LiveStates* Get() {
    static LiveStates* l = new LiveStates();
    return l;
  }
};

CustomState::~CustomState() {
  LiveStates* l = LiveStates::Get();
  std::lock_guard<std::mutex> lock(l->mu);
  l->states.erase(id);
}

constexpr char kStateKey[] = "__custom_state__";

std::shared_ptr<const void> ParseCustom(const ParamMap& dict, const std::string&) {
  auto it = dict.find("op_type");
  MX_CHECK_AS(ValueError, it != dict.end() && !it->second.empty())
      << "operator Custom: the required parameter op_type is missing; pass the name a custom "
      << "operator was registered under (Python: @mx.operator.register(\"name\")).";
  const std::string& op_type = it->second;
  PropFactory factory;
  {
    Registry* r = Registry::Get();
    std::lock_guard<std::mutex> lock(r->mu);
    auto f = r->factories.find(op_type);
    if (f != r->factories.end()) factory = f->second;
  }
  if (!factory) {
    std::vector<std::string> known = RegisteredTypes();
    MX_THROW(ValueError) << "operator Custom: no custom operator is registered as op_type '"
                         << op_type << "' (registered: "
                         << (known.empty() ? "none" : Join(known))
                         << "). Define a CustomOpProp subclass and register it before loading "
                         << "or building the graph: @mx.operator.register(\"" << op_type
                         << "\").";
  }
  ParamMap kwargs;
  for (const auto& kv : dict)
    if (kv.first != "op_type" && !IsHiddenAttr(kv.first)) kwargs.insert(kv);
  auto s = std::make_shared<CustomState>();
  s->op_type = op_type;
  s->prop = factory(op_type, kwargs);
  MX_CHECK_AS(ValueError, s->prop != nullptr)
      << "custom operator '" << op_type << "': its factory made no CustomOpProp.";
  s->args = s->prop->ListArguments();
  s->outs = s->prop->ListOutputs();
  s->auxs = s->prop->ListAuxiliaryStates();
  MX_CHECK_AS(ValueError, !s->outs.empty())
      << "custom operator '" << op_type << "': list_outputs() is empty; it needs one output "
      << "at least.";
  std::vector<int> og, in, od;
  int counter = 0;
  for (int i = 0; i < s->num_outs(); ++i) og.push_back(counter++);
  for (int i = 0; i < s->num_args(); ++i) in.push_back(counter++);
  for (int i = 0; i < s->num_outs(); ++i) od.push_back(counter++);
  s->bwd_idx = s->prop->DeclareBackwardDependency(og, in, od);
  std::vector<bool> declared_arg(s->num_args(), false);
  for (int k : s->bwd_idx) {
    MX_CHECK_AS(ValueError, k >= 0 && k < counter)
        << "custom operator '" << op_type << "': declare_backward_dependency returned " << k
        << ", which is none of the indices it was given (0 to " << counter - 1 << ").";
    if (k >= s->num_outs() && k < s->num_outs() + s->num_args())
      declared_arg[k - s->num_outs()] = true;
  }
  for (int i = 0; i < s->num_args(); ++i)
    if (!declared_arg[i]) s->extra_args.push_back(i);
  s->arg_input.resize(s->num_args());
  for (size_t k = 0; k < s->bwd_idx.size(); ++k) {
    int idx = s->bwd_idx[k] - s->num_outs();
    if (idx >= 0 && idx < s->num_args()) s->arg_input[idx] = k;
  }
  size_t extra = s->bwd_idx.size() + s->auxs.size();
  for (size_t k = 0; k < s->extra_args.size(); ++k) s->arg_input[s->extra_args[k]] = extra + k;
  LiveStates* l = LiveStates::Get();
  s->id = l->next++;
  {
    std::lock_guard<std::mutex> lock(l->mu);
    l->states[s->id] = s;
  }
  return s;
}

std::shared_ptr<const void> ParseBackward(const ParamMap& dict, const std::string&) {
  auto it = dict.find(kStateKey);
  MX_CHECK_AS(ValueError, it != dict.end())
      << "operator _backward_Custom is made by the gradient of a Custom node; it cannot be "
      << "used on its own.";
  int64_t id = std::stoll(it->second);
  LiveStates* l = LiveStates::Get();
  std::lock_guard<std::mutex> lock(l->mu);
  auto s = l->states.find(id);
  std::shared_ptr<const CustomState> state = s == l->states.end() ? nullptr : s->second.lock();
  MX_CHECK_AS(ValueError, state != nullptr)
      << "operator _backward_Custom: the Custom node it belongs to is gone.";
  return state;
}

const CustomState& StateOf(const OpAttrs& attrs) { return attrs.get<CustomState>(); }

// NDArrays over blobs[begin, end), each with a variable of its own (custom_op.h).
std::vector<NDArray> Views(const std::vector<TBlob>& blobs, size_t begin, size_t end) {
  static const auto keeper = std::make_shared<char>(0);
  std::vector<NDArray> v;
  for (size_t i = begin; i < end; ++i)
    v.push_back(NDArray::Borrow(blobs[i].dptr, blobs[i].shape, blobs[i].dtype, keeper,
                                blobs[i].ctx));
  return v;
}

// Waits for the work a kernel queued on the arrays it writes.
void WaitAllOf(const std::vector<NDArray>& arrays) {
  for (const NDArray& a : arrays)
    if (!a.is_none()) a.WaitToRead();
}

void CustomForward(const OpAttrs& attrs, const OpContext& octx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const CustomState& s = StateOf(attrs);
  std::vector<const TBlob*> args;
  for (int i = 0; i < s.num_args(); ++i) args.push_back(&in[i]);
  auto op = s.OperatorFor(octx.run.ctx, args);
  InlineScope inline_scope(octx.run.stream);
  std::vector<NDArray> in_data = Views(in, 0, s.num_args());
  std::vector<NDArray> aux = Views(in, s.num_args(), in.size());
  std::vector<NDArray> out_data = Views(out, 0, out.size());
  op->Forward(octx.is_train, req, in_data, out_data, aux);
  WaitAllOf(out_data);
  WaitAllOf(aux);
}

void CustomBackward(const OpAttrs& attrs, const OpContext& octx, const std::vector<TBlob>& in,
                    const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const CustomState& s = StateOf(attrs);
  int n_out = s.num_outs(), n_arg = s.num_args();
  size_t n_dep = s.bwd_idx.size();
  // Every forward argument is an input here: declared, or among the extra ones at the end.
  std::vector<const TBlob*> args;
  for (int i = 0; i < n_arg; ++i) args.push_back(&in[s.arg_input[i]]);
  auto op = s.OperatorFor(octx.run.ctx, args);
  InlineScope inline_scope(octx.run.stream);
  std::vector<NDArray> all(2 * n_out + n_arg);  // [output grads, inputs, outputs]
  std::vector<NDArray> deps = Views(in, 0, n_dep);
  for (size_t k = 0; k < n_dep; ++k) all[s.bwd_idx[k]] = deps[k];
  std::vector<NDArray> out_grad(all.begin(), all.begin() + n_out);
  std::vector<NDArray> in_data(all.begin() + n_out, all.begin() + n_out + n_arg);
  std::vector<NDArray> out_data(all.begin() + n_out + n_arg, all.end());
  std::vector<NDArray> aux = Views(in, n_dep, n_dep + s.num_auxs());
  std::vector<NDArray> in_grad = Views(out, 0, out.size());
  op->Backward(req, out_grad, in_data, out_data, in_grad, aux);
  WaitAllOf(in_grad);
  WaitAllOf(aux);
}

bool CustomShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const CustomState& s = StateOf(attrs);
  std::vector<Shape> args(in->begin(), in->begin() + s.num_args());
  std::vector<Shape> outs(s.num_outs()), auxs(s.num_auxs());
  for (const Shape& a : args)
    if (a.ndim() == 0) return false;  // the prop's infer_shape sees known shapes only
  s.prop->InferShape(&args, &outs, &auxs);
  MX_CHECK_AS(ShapeError, static_cast<int>(args.size()) == s.num_args() &&
                              static_cast<int>(outs.size()) == s.num_outs() &&
                              static_cast<int>(auxs.size()) == s.num_auxs())
      << "custom operator '" << s.op_type << "': infer_shape returned " << args.size() << ", "
      << outs.size() << ", " << auxs.size() << " shapes; list_arguments, list_outputs and "
      << "list_auxiliary_states have " << s.num_args() << ", " << s.num_outs() << ", "
      << s.num_auxs() << ".";
  for (int i = 0; i < s.num_args(); ++i) AssignShape(&(*in)[i], args[i], attrs, s.args[i]);
  for (int i = 0; i < s.num_auxs(); ++i)
    AssignShape(&(*in)[s.num_args() + i], auxs[i], attrs, s.auxs[i]);
  for (int i = 0; i < s.num_outs(); ++i) AssignShape(&(*out)[i], outs[i], attrs, s.outs[i]);
  return true;
}

bool CustomType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  const CustomState& s = StateOf(attrs);
  std::vector<int> args(in->begin(), in->begin() + s.num_args());
  std::vector<int> outs(out->begin(), out->end());
  std::vector<int> auxs(in->begin() + s.num_args(), in->end());
  if (args.empty() || args[0] < 0) return false;
  s.prop->InferType(&args, &outs, &auxs);
  MX_CHECK_AS(TypeError, static_cast<int>(args.size()) == s.num_args() &&
                             static_cast<int>(outs.size()) == s.num_outs() &&
                             static_cast<int>(auxs.size()) == s.num_auxs())
      << "custom operator '" << s.op_type << "': infer_type returned " << args.size() << ", "
      << outs.size() << ", " << auxs.size() << " types for " << s.num_args() << " arguments, "
      << s.num_outs() << " outputs and " << s.num_auxs() << " auxiliary states.";
  auto assign = [&](int* slot, int t, const std::string& what) {
    MX_CHECK_AS(TypeError, *slot < 0 || t < 0 || *slot == t)
        << "custom operator '" << s.op_type << "': infer_type gives " << what << " type "
        << DTypeName(static_cast<DType>(t)) << ", but it is "
        << DTypeName(static_cast<DType>(*slot)) << ".";
    if (t >= 0) *slot = t;
  };
  for (int i = 0; i < s.num_args(); ++i) assign(&(*in)[i], args[i], s.args[i]);
  for (int i = 0; i < s.num_auxs(); ++i) assign(&(*in)[s.num_args() + i], auxs[i], s.auxs[i]);
  for (int i = 0; i < s.num_outs(); ++i) assign(&(*out)[i], outs[i], s.outs[i]);
  return true;
}

std::vector<GradEntry> CustomGradient(const OpAttrs& attrs, GradContext* ctx) {
  const CustomState& s = StateOf(attrs);
  int n_out = s.num_outs(), n_arg = s.num_args();
  std::vector<GradEntry> inputs;
  for (int k : s.bwd_idx) {
    if (k < n_out)
      inputs.push_back(ctx->OutGrad(k));
    else if (k < n_out + n_arg)
      inputs.push_back(ctx->Input(k - n_out));
    else
      inputs.push_back(ctx->Output(k - n_out - n_arg));
  }
  for (int i = 0; i < s.num_auxs(); ++i) inputs.push_back(ctx->Input(n_arg + i));
  for (int i : s.extra_args) inputs.push_back(ctx->Input(i));
  ParamMap params = attrs.dict;
  params[kStateKey] = std::to_string(s.id);
  std::vector<GradEntry> g = ctx->Op("_backward_Custom", inputs, params);
  g.resize(n_arg);
  g.resize(n_arg + s.num_auxs());  // auxiliary states get no gradient
  return g;
}

const std::vector<std::string> kCustomDocs = {
    "op_type: string, required -- the name the custom operator was registered under; every "
    "other parameter goes, as a string, to its CustomOpProp's constructor"};

MX_REGISTER_OP(Custom)
    .Describe("Runs a custom operator implemented in a front end (Python: mx.operator."
              "CustomOp with a CustomOpProp registered under op_type).")
    .ParseWith(ParseCustom, kCustomDocs)
    .NumInputs([](const OpAttrs& a) { return StateOf(a).num_args() + StateOf(a).num_auxs(); })
    .NumOutputs([](const OpAttrs& a) { return StateOf(a).num_outs(); })
    .InputNames([](const OpAttrs& a) {
      std::vector<std::string> names = StateOf(a).args;
      names.insert(names.end(), StateOf(a).auxs.begin(), StateOf(a).auxs.end());
      return names;
    })
    .OutputNames([](const OpAttrs& a) { return StateOf(a).outs; })
    .MutateInputs([](const OpAttrs& a) {
      std::vector<int> m;
      for (int i = 0; i < StateOf(a).num_auxs(); ++i) m.push_back(StateOf(a).num_args() + i);
      return m;
    })
    .InferShape(CustomShape)
    .InferType(CustomType)
    .Compute(DeviceType::kCPU, CustomForward)
#if MX_USE_CUDA
    .Compute(DeviceType::kGPU, CustomForward)
#endif
    .Gradient(CustomGradient);

int BackwardInputs(const OpAttrs& a) {
  const CustomState& s = StateOf(a);
  return static_cast<int>(s.bwd_idx.size() + s.auxs.size() + s.extra_args.size());
}

MX_REGISTER_OP(_backward_Custom)
    .Describe("Gradient of Custom: inputs (the declared backward dependencies, the auxiliary "
              "states, the undeclared arguments); outputs the arguments' gradients.")
    .ParseWith(ParseBackward, kCustomDocs)
    .NumInputs(BackwardInputs)
    .NumOutputs([](const OpAttrs& a) { return StateOf(a).num_args(); })
    .MutateInputs([](const OpAttrs& a) {
      const CustomState& s = StateOf(a);
      std::vector<int> m;
      for (int i = 0; i < s.num_auxs(); ++i) m.push_back(static_cast<int>(s.bwd_idx.size()) + i);
      return m;
    })
    .InferShape([](const OpAttrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
      const CustomState& s = StateOf(a);
      bool known = true;
      for (int i = 0; i < s.num_args(); ++i) {
        const Shape& arg = (*in)[s.arg_input[i]];
        if (arg.ndim() == 0) known = false;
        else AssignShape(&(*out)[i], arg, a, s.args[i] + " gradient");
      }
      return known;
    })
    .InferType([](const OpAttrs& a, std::vector<int>* in, std::vector<int>* out) {
      const CustomState& s = StateOf(a);
      bool known = true;
      for (int i = 0; i < s.num_args(); ++i) {
        (*out)[i] = (*in)[s.arg_input[i]];
        known = known && (*out)[i] >= 0;
      }
      return known;
    })
    .Compute(DeviceType::kCPU, CustomBackward)
#if MX_USE_CUDA
    .Compute(DeviceType::kGPU, CustomBackward)
#endif
    ;

}  // namespace

void Register(const std::string& op_type, PropFactory factory) {
  MX_CHECK_AS(ValueError, !op_type.empty() && factory)
      << "custom::Register needs an op_type and a factory.";
  Registry* r = Registry::Get();
  std::lock_guard<std::mutex> lock(r->mu);
  r->factories[op_type] = std::move(factory);
}

bool IsRegistered(const std::string& op_type) {
  Registry* r = Registry::Get();
  std::lock_guard<std::mutex> lock(r->mu);
  return r->factories.count(op_type) > 0;
}

std::vector<std::string> RegisteredTypes() {
  Registry* r = Registry::Get();
  std::lock_guard<std::mutex> lock(r->mu);
  std::vector<std::string> names;
  for (const auto& kv : r->factories) names.push_back(kv.first);
  return names;
}

}  // namespace custom
}  // namespace mx
