#include "core/module/module.h"

#include <algorithm>

#include "core/base/error.h"
#include "core/ndarray/init.h"
#include "core/ndarray/io.h"
#include "core/ops/nd_api.h"

namespace mx {
namespace mod {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Copies a batch array into an executor input. CopyTo converts dtypes itself on the host or
// within one device; only a conversion across devices needs AsType first.
void LoadInput(const NDArray& src, const NDArray& dst) {
  Context s = src.context(), d = dst.context();
  if (src.dtype() == dst.dtype() || s == d || (s.is_host() && d.is_host()))
    src.CopyTo(dst);
  else
    src.AsType(dst.dtype()).CopyTo(dst);
}

// A float attribute such as __lr_mult__; ValueError naming the variable otherwise.
double AttrNumber(const std::string& var, const std::string& key, const std::string& text) {
  double v;
  MX_CHECK_AS(ValueError, ParseValue(text, &v))
      << "variable " << var << ": attribute " << key << " is '" << text << "', expected a number.";
  return v;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

Module::Module(Symbol symbol, std::vector<Context> contexts, std::vector<std::string> data_names,
               std::vector<std::string> label_names, std::vector<std::string> fixed_param_names)
    : symbol_(std::move(symbol)),
      contexts_(std::move(contexts)),
      data_names_(std::move(data_names)),
      label_names_(std::move(label_names)),
      fixed_param_names_(std::move(fixed_param_names)) {
  MX_CHECK_AS(ValueError, !contexts_.empty()) << "Module: give at least one context.";
  std::vector<std::string> args = symbol_.ListArguments();
  for (const std::string& d : data_names_)
    MX_CHECK_AS(ValueError, Contains(args, d))
        << "Module: data name '" << d << "' is not an argument of the symbol; its arguments "
        << "are: " << Join(args) << ".";
  // Label names the symbol does not use are dropped, as MXNet does for inference symbols.
  std::vector<std::string> labels;
  for (const std::string& l : label_names_)
    if (Contains(args, l)) labels.push_back(l);
  label_names_ = labels;
  for (const std::string& a : args)
    if (!Contains(data_names_, a) && !Contains(label_names_, a)) param_names_.push_back(a);
  for (const std::string& f : fixed_param_names_)
    MX_CHECK_AS(ValueError, Contains(param_names_, f))
        << "Module: fixed parameter '" << f
        << "' is not a parameter; parameters: " << Join(param_names_) << ".";
  aux_names_ = symbol_.ListAuxiliaryStates();
}

void Module::Require(bool ok, const char* method, const char* step) const {
  MX_CHECK_AS(ValueError, ok) << "Module::" << method << " called before " << step << "; call "
                              << step << " first.";
}

void Module::Bind(const std::vector<io::DataDesc>& data_shapes,
                  const std::vector<io::DataDesc>& label_shapes, bool for_training,
                  bool inputs_need_grad, bool force_rebind, GradReq grad_req, Module* shared_module,
                  const std::map<std::string, GradReq>& grad_reqs) {
  if (binded() && !force_rebind) return;
  if (shared_module) {
    MX_CHECK_AS(ValueError, shared_module != this && shared_module->binded() &&
                                !shared_module->shared_ && shared_module->contexts_ == contexts_)
        << "Module::Bind: the shared module must be another bound module that shares no one "
           "else's parameters, on the same contexts.";
    owner_index_.clear();
    for (const std::string& p : param_names_) {
      auto it =
          std::find(shared_module->param_names_.begin(), shared_module->param_names_.end(), p);
      MX_CHECK_AS(ValueError, it != shared_module->param_names_.end())
          << "Module::Bind: parameter '" << p << "' is not one of the shared module's ("
          << Join(shared_module->param_names_)
          << "); every bucket's symbol must use the default bucket's parameters.";
      owner_index_.push_back(static_cast<int>(it - shared_module->param_names_.begin()));
    }
  }
  shared_ = shared_module;
  MX_CHECK_AS(ValueError, data_shapes.size() == data_names_.size())
      << "Module::Bind: " << data_shapes.size() << " data shapes for data names "
      << Join(data_names_) << ".";
  SimpleBindArgs a;
  for (const io::DataDesc& d : data_shapes) {
    MX_CHECK_AS(ValueError, Contains(data_names_, d.name))
        << "Module::Bind: data shape for '" << d.name << "', which is not a data name ("
        << Join(data_names_) << ").";
    a.shapes[d.name] = d.shape;
    a.dtypes[d.name] = d.dtype;
    a.grad_reqs[d.name] = for_training && inputs_need_grad ? grad_req : GradReq::kNull;
  }
  for (const io::DataDesc& l : label_shapes) {
    if (!Contains(label_names_, l.name)) continue;
    a.shapes[l.name] = l.shape;
  }
  for (const std::string& l : label_names_) a.grad_reqs[l] = GradReq::kNull;
  for (const std::string& f : fixed_param_names_) a.grad_reqs[f] = GradReq::kNull;
  a.grad_req = for_training ? grad_req : GradReq::kNull;
  std::vector<std::string> arg_names = symbol_.ListArguments();
  for (const auto& [name, req] : grad_reqs) {
    MX_CHECK_AS(ValueError, Contains(arg_names, name))
        << "Module::Bind: grad_req names '" << name << "', which is not an argument of the "
        << "symbol (" << Join(arg_names) << ").";
    if (for_training) a.grad_reqs[name] = req;
  }
  // Keep parameters across a rebind.
  std::optional<std::pair<ParamDict, ParamDict>> keep;
  if (binded() && params_initialized_ && !shared_) keep = GetParams();
  int64_t total = data_shapes[0].shape[0];
  MX_CHECK_AS(ValueError, total >= static_cast<int64_t>(contexts_.size()))
      << "Module::Bind: a batch of " << total << " cannot be split across " << contexts_.size()
      << " contexts.";
  execs_.clear();
  slices_ = Slices(total);
  for (size_t k = 0; k < contexts_.size(); ++k) {
    SimpleBindArgs part = a;
    int64_t rows = slices_[k].second - slices_[k].first;
    for (auto& [name, shape] : part.shapes) {
      std::vector<int64_t> dims = shape.dims();
      if (!dims.empty() && dims[0] == total) dims[0] = rows;
      shape = Shape(dims);
    }
    if (shared_grads_) part.grad_ctx = cpu_shared(contexts_[k].dev_id);  // Fit: all on CPU
    execs_.push_back(shared_ ? BindShared(k, part)
                             : Executor::SimpleBind(symbol_, contexts_[k], part));
  }
  data_shapes_ = data_shapes;
  label_shapes_ = label_shapes;
  for_training_ = for_training;
  inputs_need_grad_ = inputs_need_grad;
  if (keep) SetParams(keep->first, keep->second);
}

Executor Module::BindShared(size_t k, SimpleBindArgs part) const {
  const Executor& owner = shared_->execs_[k];
  ParamDict args = owner.arg_dict(), grads = owner.grad_dict(), aux = owner.aux_dict();
  for (const std::string& p : param_names_) {
    part.shared_args[p] = args.at(p);
    auto r = part.grad_reqs.find(p);
    if ((r == part.grad_reqs.end() ? part.grad_req : r->second) == GradReq::kNull) continue;
    MX_CHECK_AS(ValueError, grads.count(p))
        << "Module::Bind: parameter '" << p << "' needs a gradient but the shared module has "
        << "none for it; bind the shared module for training.";
    part.shared_grads[p] = grads.at(p);
  }
  for (const std::string& x : aux_names_) {
    MX_CHECK_AS(ValueError, aux.count(x))
        << "Module::Bind: auxiliary state '" << x << "' is not one of the shared module's.";
    part.shared_aux[x] = aux.at(x);
  }
  return Executor::SimpleBind(symbol_, contexts_[k], part);
}

void Module::InitParams(const InitParamsOptions& o) {
  if (shared_) {  // the shared module's arrays: initialized there
    Require(shared_->params_initialized_, "InitParams", "InitParams() on the shared module");
    return;
  }
  Require(binded(), "InitParams", "Bind(...)");
  if (params_initialized_ && !o.force_init) return;
  std::shared_ptr<init::Initializer> initializer =
      o.initializer ? o.initializer
                    : std::make_shared<init::Uniform>(0.01);  // MXNet Module default
  std::map<std::string, ParamMap> attrs = symbol_.AttrDict();
  ParamDict args = execs_[0].arg_dict(), aux = execs_[0].aux_dict();
  auto fill = [&](const std::string& name, NDArray target, const ParamDict& given) {
    auto it = given.find(name);
    if (it != given.end()) {
      MX_CHECK_AS(ShapeError, it->second.shape() == target.shape())
          << "Module::InitParams: '" << name << "' is given with shape " << it->second.shape()
          << " but the network needs " << target.shape() << ".";
      it->second.CopyTo(target);
      return;
    }
    MX_CHECK_AS(ValueError, given.empty() || o.allow_missing)
        << "Module::InitParams: '" << name << "' is missing from the given parameters; pass "
        << "allow_missing to initialize it instead.";
    std::string init_attr;
    auto a = attrs.find(name);
    if (a != attrs.end() && a->second.count("__init__")) init_attr = a->second.at("__init__");
    initializer->InitByAttr(name, init_attr, target);
  };
  for (const std::string& p : param_names_) fill(p, args.at(p), o.arg_params);
  for (const std::string& p : aux_names_) fill(p, aux.at(p), o.aux_params);
  Broadcast();
  params_initialized_ = true;
}

std::vector<std::pair<int64_t, int64_t>> Module::Slices(int64_t total) const {
  std::vector<std::pair<int64_t, int64_t>> s;
  int64_t n = static_cast<int64_t>(contexts_.size()), begin = 0;
  for (int64_t k = 0; k < n; ++k) {
    int64_t rows = total / n + (k < total % n ? 1 : 0);
    s.emplace_back(begin, begin + rows);
    begin += rows;
  }
  return s;
}

void Module::Broadcast() {
  ParamDict args = execs_[0].arg_dict(), aux = execs_[0].aux_dict();
  for (size_t k = 1; k < execs_.size(); ++k) {
    ParamDict a = execs_[k].arg_dict(), x = execs_[k].aux_dict();
    for (const std::string& p : param_names_) args.at(p).CopyTo(a.at(p));
    for (const std::string& p : aux_names_) aux.at(p).CopyTo(x.at(p));
  }
}

void Module::InitOptimizer(const std::string& kvstore, const std::string& optimizer,
                           const Params& optimizer_params, bool force_init,
                           std::shared_ptr<opt::LRScheduler> lr_scheduler,
                           std::shared_ptr<kv::KVStore> instance) {
  Require(binded(), "InitOptimizer", "Bind(...)");
  MX_CHECK_AS(ValueError, !shared_)
      << "Module::InitOptimizer: this module updates with the optimizer of the module it "
         "shares parameters with; initialize the optimizer there.";
  Require(params_initialized_, "InitOptimizer", "InitParams()");
  if (optimizer_initialized() && !force_init) return;
  // As MXNet: one device updates locally; several reduce and update on the store.
  kvstore_.reset();
  if (instance)
    kvstore_ = std::move(instance);
  else if (execs_.size() > 1 || (!kvstore.empty() && kvstore != "local"))
    kvstore_ = kv::Create(kvstore.empty() ? "local" : kvstore);
  Params p = optimizer_params;
  bool has_rescale = false;
  for (const auto& kv : p) has_rescale = has_rescale || kv.first == "rescale_grad";
  // MXNet divides the summed gradient by the batch size.
  // dist_sync sums every worker's gradient: divide by the global batch (MXNet does the same).
  double batch = static_cast<double>(data_shapes_[0].shape[0]);
  if (kvstore_ && kvstore_->is_distributed() && kvstore_->type().find("_sync") != std::string::npos)
    batch *= kvstore_->num_workers();
  if (!has_rescale) p.emplace_back("rescale_grad", 1.0 / batch);
  optimizer_ = opt::Create(optimizer, p);
  std::map<int, std::string> names;
  std::map<std::string, double> lr_mult, wd_mult;
  std::map<std::string, ParamMap> attrs = symbol_.AttrDict();
  for (size_t i = 0; i < param_names_.size(); ++i) {
    names[static_cast<int>(i)] = param_names_[i];
    auto a = attrs.find(param_names_[i]);
    if (a == attrs.end()) continue;
    for (const char* key : {"__lr_mult__", "__wd_mult__"}) {
      auto it = a->second.find(key);
      if (it == a->second.end()) continue;
      double v = AttrNumber(param_names_[i], key, it->second);
      (key[2] == 'l' ? lr_mult : wd_mult)[param_names_[i]] = v;
    }
  }
  optimizer_->SetWdMult(wd_mult);
  optimizer_->SetParamNames(names);
  optimizer_->SetLrMult(lr_mult);
  if (lr_scheduler) optimizer_->set_lr_scheduler(lr_scheduler);
  ParamDict args = execs_[0].arg_dict();
  states_.clear();
  if (kvstore_) {
    std::vector<int> keys;
    std::vector<NDArray> values;
    for (size_t i = 0; i < param_names_.size(); ++i) {
      keys.push_back(static_cast<int>(i));
      values.push_back(args.at(param_names_[i]));
    }
    kvstore_->Init(keys, values);
    kvstore_->SetOptimizer(std::move(optimizer_));
    return;
  }
  for (size_t i = 0; i < param_names_.size(); ++i)
    states_.push_back(optimizer_->CreateState(static_cast<int>(i), args.at(param_names_[i])));
}

void Module::PullParamsFromStore() {
  std::vector<int> keys;
  std::vector<std::vector<NDArray>> outs;
  for (size_t i = 0; i < param_names_.size(); ++i) {
    keys.push_back(static_cast<int>(i));
    outs.emplace_back();
    for (const Executor& e : execs_) outs.back().push_back(e.arg_dict().at(param_names_[i]));
  }
  kvstore_->Pull(keys, outs);
}

void Module::Forward(const io::DataBatch& batch, std::optional<bool> is_train) {
  Require(binded(), "Forward", "Bind(...)");
  Require(params_initialized(), "Forward", "InitParams()");
  MX_CHECK_AS(ValueError, batch.data.size() == data_names_.size())
      << "Module::Forward: the batch has " << batch.data.size() << " data arrays for data names "
      << Join(data_names_) << ".";
  int64_t total = batch.data[0].shape()[0];
  if (total != slices_.back().second) {
    MX_CHECK_AS(ValueError, total >= static_cast<int64_t>(execs_.size()))
        << "Module::Forward: a batch of " << total << " cannot be split across " << execs_.size()
        << " contexts.";
    slices_ = Slices(total);
  }
  for (size_t k = 0; k < execs_.size(); ++k) {
    auto [begin, end] = slices_[k];
    auto part = [&](const NDArray& a) { return execs_.size() == 1 ? a : a.Slice(begin, end); };
    std::map<std::string, Shape> shapes;
    ParamDict args = execs_[k].arg_dict();
    bool reshape = false;
    for (size_t i = 0; i < data_names_.size(); ++i) {
      shapes[data_names_[i]] = part(batch.data[i]).shape();
      reshape = reshape || args.at(data_names_[i]).shape() != shapes[data_names_[i]];
    }
    for (size_t i = 0; i < label_names_.size() && i < batch.label.size(); ++i) {
      shapes[label_names_[i]] = part(batch.label[i]).shape();
      reshape = reshape || args.at(label_names_[i]).shape() != shapes[label_names_[i]];
    }
    if (reshape) {
      execs_[k] = execs_[k].Reshape(shapes);
      args = execs_[k].arg_dict();
    }
    for (size_t i = 0; i < data_names_.size(); ++i)
      LoadInput(part(batch.data[i]), args.at(data_names_[i]));
    for (size_t i = 0; i < label_names_.size() && i < batch.label.size(); ++i)
      LoadInput(part(batch.label[i]), args.at(label_names_[i]));
    execs_[k].Forward(is_train.value_or(for_training_));
  }
}

void Module::Backward(const std::vector<NDArray>& out_grads) {
  Require(binded() && for_training_, "Backward", "Bind(..., for_training=true)");
  for (size_t k = 0; k < execs_.size(); ++k) {
    std::vector<NDArray> part;
    for (const NDArray& g : out_grads)
      part.push_back(execs_.size() == 1 ? g : g.Slice(slices_[k].first, slices_[k].second));
    execs_[k].Backward(part);
  }
}

void Module::Update() {
  Require(optimizer_initialized(), "Update", "InitOptimizer()");
  Module* owner = Owner();
  std::vector<ParamDict> args, grads;
  for (const Executor& e : execs_) {
    args.push_back(e.arg_dict());
    grads.push_back(e.grad_dict());
  }
  for (size_t i = 0; i < param_names_.size(); ++i) {
    const std::string& name = param_names_[i];
    if (!grads[0].count(name)) continue;  // fixed parameter
    int key = shared_ ? owner_index_[i] : static_cast<int>(i);
    if (owner->kvstore_) {
      std::vector<NDArray> g, w;
      for (size_t k = 0; k < execs_.size(); ++k) {
        g.push_back(grads[k].at(name));
        w.push_back(args[k].at(name));
      }
      owner->kvstore_->PushPull({key}, {g}, {w}, -key);
    } else {
      owner->optimizer_->Update(key, args[0].at(name), grads[0].at(name), &owner->states_[key]);
    }
  }
}

void Module::UpdateMetric(metric::EvalMetric* m, const std::vector<NDArray>& labels) {
  Require(binded(), "UpdateMetric", "Bind(...)");
  for (size_t k = 0; k < execs_.size(); ++k) {
    std::vector<NDArray> outs = execs_[k].outputs(), part;
    outs.resize(std::min(outs.size(), labels.size()));
    for (size_t i = 0; i < outs.size(); ++i)
      part.push_back(execs_.size() == 1 ? labels[i]
                                        : labels[i].Slice(slices_[k].first, slices_[k].second));
    m->Update(part, outs);
  }
}

namespace {

// Executors' arrays joined along the batch axis (on the CPU when there are several).
std::vector<NDArray> Merge(const std::vector<std::vector<NDArray>>& per_exec) {
  if (per_exec.size() == 1) return per_exec[0];
  std::vector<NDArray> merged;
  for (size_t i = 0; i < per_exec[0].size(); ++i) {
    std::vector<NDArray> parts;
    for (const auto& e : per_exec) parts.push_back(e[i].AsInContext(cpu()));
    merged.push_back(nd::concat(parts, 0));
  }
  return merged;
}

}  // namespace

std::vector<NDArray> Module::GetOutputs() const {
  Require(binded(), "GetOutputs", "Bind(...)");
  std::vector<std::vector<NDArray>> all;
  for (const Executor& e : execs_) all.push_back(e.outputs());
  return Merge(all);
}

std::vector<NDArray> Module::GetInputGrads() const {
  Require(binded() && inputs_need_grad_, "GetInputGrads", "Bind(..., inputs_need_grad=true)");
  std::vector<std::vector<NDArray>> all;
  for (const Executor& e : execs_) {
    std::vector<NDArray> g;
    ParamDict grads = e.grad_dict();
    for (const std::string& d : data_names_) g.push_back(grads.at(d));
    all.push_back(g);
  }
  return Merge(all);
}

std::pair<ParamDict, ParamDict> Module::GetParams() const {
  Require(binded() && params_initialized(), "GetParams", "InitParams()");
  ParamDict arg, aux, args = execs_[0].arg_dict(), auxs = execs_[0].aux_dict();
  for (const std::string& p : param_names_) arg[p] = args.at(p).CopyTo(cpu());
  for (const std::string& p : aux_names_) aux[p] = auxs.at(p).CopyTo(cpu());
  return {arg, aux};
}

std::map<std::string, NDArray> Module::OptimizerStateArrays() const {
  if (shared_) return shared_->OptimizerStateArrays();
  Require(optimizer_initialized(), "OptimizerStateArrays", "InitOptimizer()");
  std::map<std::string, NDArray> out;
  const opt::Optimizer* o = kvstore_ ? kvstore_->optimizer() : optimizer_.get();
  std::string name = o->name();
  out["optimizer"] = NDArray(name.data(), {static_cast<int64_t>(name.size())}, kUint8);
  for (size_t i = 0; i < param_names_.size(); ++i) {
    int key = static_cast<int>(i);
    const std::vector<NDArray>* st = nullptr;
    if (kvstore_) {
      auto it = kvstore_->optimizer_states().find(key);
      if (it != kvstore_->optimizer_states().end()) st = &it->second;
    } else {
      st = &states_[i];
    }
    for (size_t k = 0; st && k < st->size(); ++k)
      out["state:" + param_names_[i] + ":" + std::to_string(k)] = (*st)[k].CopyTo(cpu());
    auto c = o->update_counts().find(key);
    int64_t count = c == o->update_counts().end() ? 0 : c->second;
    out["count:" + param_names_[i]] = NDArray(&count, {1}, kInt64);
  }
  std::vector<double> scalars = o->ScalarState();
  if (!scalars.empty())
    out["scalars"] = NDArray(scalars.data(), {static_cast<int64_t>(scalars.size())}, kFloat64);
  return out;
}

void Module::SetOptimizerStateArrays(const std::map<std::string, NDArray>& arrays) {
  if (shared_) return shared_->SetOptimizerStateArrays(arrays);
  Require(optimizer_initialized(), "SetOptimizerStateArrays", "InitOptimizer()");
  opt::Optimizer* o = optimizer();
  auto name = arrays.find("optimizer");
  std::string saved;
  if (name != arrays.end())
    for (uint8_t ch : name->second.ToVector<uint8_t>()) saved += static_cast<char>(ch);
  MX_CHECK_AS(ValueError, saved == o->name())
      << "optimizer states were saved for '" << saved << "' but this module uses '" << o->name()
      << "'; initialize the same optimizer before loading.";
  std::map<int, int> counts;
  ParamDict args = execs_[0].arg_dict();
  for (size_t i = 0; i < param_names_.size(); ++i) {
    int key = static_cast<int>(i);
    auto c = arrays.find("count:" + param_names_[i]);
    if (c != arrays.end() && c->second.ToVector<int64_t>()[0] > 0)
      counts[key] = static_cast<int>(c->second.ToVector<int64_t>()[0]);
    std::vector<NDArray> st;
    for (size_t k = 0;; ++k) {
      auto it = arrays.find("state:" + param_names_[i] + ":" + std::to_string(k));
      if (it == arrays.end()) break;
      st.push_back(it->second.CopyTo(args.at(param_names_[i]).context()));
    }
    if (kvstore_) {
      if (!st.empty()) kvstore_->optimizer_states()[key] = st;
    } else {
      std::vector<NDArray> fresh = o->CreateState(key, args.at(param_names_[i]));
      MX_CHECK_AS(ValueError, fresh.size() == st.size())
          << "optimizer states for " << param_names_[i] << ": " << st.size() << " saved, "
          << fresh.size() << " expected.";
      states_[i] = st;
    }
  }
  o->RestoreCounts(counts);
  auto scalars = arrays.find("scalars");
  if (scalars != arrays.end()) o->RestoreScalarState(scalars->second.ToVector<double>());
}

void Module::SaveOptimizerStates(const std::string& path) const {
  nd::Save(path, OptimizerStateArrays());
  WaitForQueued();
}

void Module::LoadOptimizerStates(const std::string& path) {
  SetOptimizerStateArrays(nd::LoadDict(path));
  WaitForQueued();
}

void Module::WaitForQueued() const {
  auto wait = [](const std::vector<NDArray>& arrays) {
    for (const NDArray& a : arrays)
      if (!a.is_none()) a.WaitToRead();
  };
  for (const Executor& e : execs_) {
    wait(e.arg_arrays());
    wait(e.grad_arrays());
    wait(e.aux_arrays());
    wait(e.outputs());
  }
  for (const std::vector<NDArray>& st : states_) wait(st);
  if (kvstore_)
    for (const auto& kv : kvstore_->optimizer_states()) wait(kv.second);
}

void Module::SetParams(const ParamDict& arg_params, const ParamDict& aux_params, bool allow_missing,
                       bool force_init) {
  InitParamsOptions o;
  o.arg_params = arg_params;
  o.aux_params = aux_params;
  o.allow_missing = allow_missing;
  o.force_init = force_init;
  InitParams(o);
}

}  // namespace mod
}  // namespace mx
