#include "core/op/op_def.h"

#include <algorithm>

#include "core/base/error.h"
#include "core/op/mxnet_op_names.h"

namespace mx {

OpDef& OpDef::Describe(std::string text) {
  description_ = std::move(text);
  return *this;
}

OpDef& OpDef::NumInputs(int n) {
  num_inputs_ = [n](const OpAttrs&) { return n; };
  return *this;
}

OpDef& OpDef::NumInputs(FNumArgs f) {
  num_inputs_ = std::move(f);
  return *this;
}

OpDef& OpDef::NumOutputs(int n) {
  num_outputs_ = [n](const OpAttrs&) { return n; };
  return *this;
}

OpDef& OpDef::NumOutputs(FNumArgs f) {
  num_outputs_ = std::move(f);
  return *this;
}

OpDef& OpDef::InputNames(std::vector<std::string> names) {
  input_names_ = [names](const OpAttrs&) { return names; };
  return *this;
}

OpDef& OpDef::InputNames(FListNames f) {
  input_names_ = std::move(f);
  return *this;
}

OpDef& OpDef::InferShape(FInferShape f) {
  infer_shape_ = std::move(f);
  return *this;
}

OpDef& OpDef::InferType(FInferType f) {
  infer_type_ = std::move(f);
  return *this;
}

OpDef& OpDef::Compute(DeviceType dev, FCompute f) {
  compute_[dev] = std::move(f);
  return *this;
}

OpDef& OpDef::ParseWith(FParse parse, std::vector<std::string> docs) {
  parse_ = std::move(parse);
  param_docs_ = [docs] { return docs; };
  return *this;
}

OpDef& OpDef::MutateInputs(FMutateInputs f) {
  mutate_inputs_ = std::move(f);
  return *this;
}

OpDef& OpDef::MutateInputs(std::vector<int> indices) {
  mutate_inputs_ = [indices](const OpAttrs&) { return indices; };
  return *this;
}

OpDef& OpDef::NumVisibleOutputs(FNumArgs f) {
  num_visible_outputs_ = std::move(f);
  return *this;
}

OpDef& OpDef::Gradient(FGradient f) {
  gradient_ = std::move(f);
  return *this;
}

OpDef& OpDef::OutputNames(std::vector<std::string> names) {
  output_names_ = std::move(names);
  return *this;
}

OpDef& OpDef::OutputNames(FListNames f) {
  output_names_fn_ = std::move(f);
  return *this;
}

OpDef& OpDef::InplaceOption(std::vector<std::pair<int, int>> pairs) {
  inplace_ = std::move(pairs);
  return *this;
}

OpDef& OpDef::InputInit(int index, std::string init) {
  input_inits_[index] = std::move(init);
  return *this;
}

OpDef& OpDef::RequestRandom() {
  needs_random_ = true;
  return *this;
}

OpDef& OpDef::BatchInputs(FBatchInputs f) {
  batch_inputs_ = std::move(f);
  return *this;
}

int OpDef::num_visible_outputs(const OpAttrs& a) const {
  return num_visible_outputs_ ? num_visible_outputs_(a) : num_outputs(a);
}

OpAttrs OpDef::MakeAttrs(const ParamMap& dict, const std::string& node_name) const {
  OpAttrs a;
  a.op = this;
  a.name = node_name;
  a.dict = dict;
  if (parse_) {
    a.parsed = parse_(dict, name_);
  } else {
    for (const auto& kv : dict) {
      MX_CHECK_AS(ValueError, IsHiddenAttr(kv.first))
          << "operator " << name_ << ": unknown parameter '" << kv.first
          << "'; this operator takes no parameters.";
    }
  }
  return a;
}

int OpDef::num_inputs(const OpAttrs& a) const { return num_inputs_(a); }
int OpDef::num_outputs(const OpAttrs& a) const { return num_outputs_(a); }

std::vector<std::string> OpDef::input_names(const OpAttrs& a) const {
  if (input_names_) return input_names_(a);
  int n = num_inputs(a);
  if (n == 1) return {"data"};
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("arg" + std::to_string(i));
  return names;
}

std::vector<std::string> OpDef::output_names(const OpAttrs& a) const {
  if (output_names_fn_) return output_names_fn_(a);
  int n = num_outputs(a);
  if (static_cast<int>(output_names_.size()) == n) return output_names_;
  if (n == 1) return {"output"};
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("output" + std::to_string(i));
  return names;
}

std::vector<std::string> OpDef::param_names() const {
  std::vector<std::string> names;
  for (const std::string& doc : param_docs()) names.push_back(doc.substr(0, doc.find(':')));
  return names;
}

std::vector<std::string> OpDef::param_docs() const {
  return param_docs_ ? param_docs_() : std::vector<std::string>{};
}

const FCompute* OpDef::compute(DeviceType dev) const {
  if (dev == DeviceType::kCPUPinned || dev == DeviceType::kCPUShared) dev = DeviceType::kCPU;
  auto it = compute_.find(dev);
  return it == compute_.end() ? nullptr : &it->second;
}

std::string OpDef::devices() const {
  std::string s;
  for (const auto& kv : compute_)
    s += (s.empty() ? "" : ", ") + std::string(DeviceTypeName(kv.first));
  return s.empty() ? "none" : s;
}

OpRegistry* OpRegistry::Get() {
  static OpRegistry* r = new OpRegistry();
  return r;
}

OpDef& OpRegistry::Register(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = ops_[name];
  if (!slot) slot = std::make_unique<OpDef>(name);
  return *slot;
}

void OpRegistry::AddAlias(const std::string& alias, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  aliases_[alias] = name;
}

const OpDef* OpRegistry::Lookup(const std::string& name) const {
  auto it = ops_.find(name);
  if (it != ops_.end()) return it->second.get();
  auto a = aliases_.find(name);
  if (a == aliases_.end()) return nullptr;
  it = ops_.find(a->second);
  return it != ops_.end() ? it->second.get() : nullptr;
}

std::map<std::string, std::string> OpRegistry::Aliases() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& kv : aliases_)
    if (ops_.count(kv.second)) out.insert(kv);
  return out;
}

bool OpRegistry::Has(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  return Lookup(name) != nullptr;
}

const OpDef& OpRegistry::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (const OpDef* op = Lookup(name)) return *op;
  std::string similar;
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  // Levenshtein distance, for suggesting a misspelled name.
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
        diag = up;
      }
    }
    return row[b.size()];
  };
  for (const auto& kv : ops_) {
    std::string a = lower(kv.first), b = lower(name);
    if (a.find(b) != std::string::npos || b.find(a) != std::string::npos || distance(a, b) <= 2)
      similar += (similar.empty() ? "" : ", ") + kv.first;
  }
  if (IsMXNetOperatorName(name)) {
    MX_THROW(ValueError) << "no operator named '" << name
                         << "' is registered: it is an operator of MXNet 1.9 "
                         << "that Tessera does not have yet"
                         << (similar.empty() ? "" : "; similar names Tessera has: " + similar)
                         << ".";
  }
  MX_THROW(ValueError) << "no operator named '" << name << "' is registered: '" << name
                       << "' is not part of MXNet 1.9 (a private operator of the project that "
                       << "made this file, built into its own MXNet, or a misspelling)"
                       << (similar.empty() ? "" : "; similar names: " + similar)
                       << ". Operator names are MXNet's (e.g. broadcast_add, FullyConnected).";
}

std::vector<std::string> OpRegistry::Names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& kv : ops_) names.push_back(kv.first);
  return names;
}

bool ShapesOfForwardInputs(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  for (size_t i = 0; i < out->size(); ++i) {
    if ((*in)[i + 1].ndim() == 0) return false;
    AssignShape(&(*out)[i], (*in)[i + 1], attrs, "input gradient");
  }
  return true;
}

bool TypesOfForwardInputs(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  for (size_t i = 0; i < out->size(); ++i) {
    if ((*in)[i + 1] < 0) return false;
    (*out)[i] = (*in)[i + 1];
  }
  return true;
}

namespace {

// Merges partial shapes (-1: a dimension not known yet, as shape inference makes for MXNet's
// 0 dimensions in _zeros' shape): false when they differ in rank or in a known dimension.
bool MergeShape(Shape* into, const Shape& s) {
  if (s.ndim() == 0) return true;
  if (into->ndim() == 0) {
    *into = s;
    return true;
  }
  if (into->ndim() != s.ndim()) return false;
  std::vector<int64_t> d = into->dims();
  for (int i = 0; i < s.ndim(); ++i) {
    if (d[i] < 0) {
      d[i] = s[i];
    } else if (s[i] >= 0 && s[i] != d[i]) {
      return false;
    }
  }
  *into = Shape(d);
  return true;
}

}  // namespace

void AssignShape(Shape* slot, const Shape& s, const OpAttrs& attrs, const std::string& what) {
  Shape merged = *slot;
  MX_CHECK_AS(ShapeError, MergeShape(&merged, s))
      << "operator " << attrs.op->name() << (attrs.name.empty() ? "" : " (" + attrs.name + ")")
      << ": " << what << " has shape " << *slot << " but " << s << " is required here.";
  *slot = merged;
}

bool SameShapeInferShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  Shape s;
  std::vector<std::string> names = attrs.op->input_names(attrs);
  for (size_t i = 0; i < in->size(); ++i) {
    const Shape& x = (*in)[i];
    if (x.ndim() == 0) continue;
    if (!MergeShape(&s, x)) {  // s is left as it was
      MX_CHECK_AS(ShapeError, false)
          << "operator " << attrs.op->name() << ": all inputs must have the same shape, but "
          << "input '" << (i < names.size() ? names[i] : std::to_string(i)) << "' has shape " << x
          << " while an earlier input has " << s
          << ". Use the broadcast_* operators to combine different shapes.";
    }
  }
  for (const Shape& x : *out) MergeShape(&s, x);  // a mismatch is reported below
  if (s.ndim() == 0) return false;
  for (Shape& x : *in) AssignShape(&x, s, attrs, "an input");
  for (Shape& x : *out) AssignShape(&x, s, attrs, "an output");
  return true;
}

bool SameTypeInferType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  int t = -1;
  for (int x : *in)
    if (x >= 0) {
      MX_CHECK_AS(TypeError, t < 0 || t == x)
          << "operator " << attrs.op->name() << ": inputs have different dtypes ("
          << static_cast<DType>(t) << " and " << static_cast<DType>(x)
          << "); convert one with AsType() first.";
      t = x;
    }
  for (int x : *out)
    if (t < 0) t = x;
  if (t < 0) return false;
  for (int& x : *in) x = t;
  for (int& x : *out) x = t;
  return true;
}

}  // namespace mx
