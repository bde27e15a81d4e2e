#include "core/initializer/initializer.h"

#include <cmath>
#include <regex>

#include "core/base/error.h"
#include "core/ndarray/init.h"
#include "core/symbol/json_value.h"

namespace mx {
namespace init {
namespace {

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void Fill(NDArray array, double v) { array = v; }

// Random initial values are float32 draws (as MXNet's), uniform on [a, b) or normal with mean
// a and standard deviation b, written straight into a float32 array (no temporary arrays left
// in the memory pool) and converted for other types.
enum class Dist { kUniform, kNormal };

void FillRandom(NDArray array, Dist dist, double a, double b) {
  bool uniform = dist == Dist::kUniform;
  if (array.dtype() == kFloat32) {
    uniform ? nd::random::uniform(a, b, array) : nd::random::normal(a, b, array);
    return;
  }
  NDArray v = uniform ? nd::random::uniform(a, b, array.shape(), array.context())
                      : nd::random::normal(a, b, array.shape(), array.context());
  v.AsType(array.dtype()).CopyTo(array);
}

}  // namespace

void Initializer::operator()(const std::string& name, NDArray array) const {
  MX_CHECK_AS(ValueError, !array.is_none()) << "initializer: no array for " << name << ".";
  if (EndsWith(name, "weight")) {
    InitWeight(name, array);
  } else if (EndsWith(name, "bias") || EndsWith(name, "beta") || EndsWith(name, "moving_mean") ||
             EndsWith(name, "min")) {
    Fill(array, 0);
  } else if (EndsWith(name, "gamma") || EndsWith(name, "moving_var") ||
             EndsWith(name, "moving_inv_var") || EndsWith(name, "moving_avg") ||
             EndsWith(name, "max")) {
    Fill(array, 1);
  } else {
    InitDefault(name, array);
  }
}

void Initializer::InitByAttr(const std::string& name, const std::string& init_attr,
                             NDArray array) const {
  if (init_attr.empty()) {
    (*this)(name, array);
    return;
  }
  std::shared_ptr<Initializer> by_attr = Create(init_attr);
  by_attr->InitWeight(name, array);
}

void Initializer::InitDefault(const std::string& name, NDArray) const {
  MX_THROW(ValueError) << "Unknown initialization pattern for " << name
                       << ": default initialization covers names ending in weight, bias, gamma, "
                       << "beta, moving_mean and moving_var. Give the variable an __init__ "
                       << "attribute or use init::Mixed with a pattern for it.";
}

std::string Uniform::Describe() const { return "Uniform(" + std::to_string(scale_) + ")"; }
void Uniform::InitWeight(const std::string&, NDArray array) const {
  FillRandom(array, Dist::kUniform, -scale_, scale_);
}

std::string Normal::Describe() const { return "Normal(" + std::to_string(sigma_) + ")"; }
void Normal::InitWeight(const std::string&, NDArray array) const {
  FillRandom(array, Dist::kNormal, 0, sigma_);
}

Xavier::Xavier(std::string rnd_type, std::string factor_type, double magnitude)
    : rnd_type_(std::move(rnd_type)), factor_type_(std::move(factor_type)), magnitude_(magnitude) {
  MX_CHECK_AS(ValueError, rnd_type_ == "uniform" || rnd_type_ == "gaussian")
      << "Xavier: rnd_type '" << rnd_type_ << "' is not valid; use \"uniform\" or \"gaussian\".";
  MX_CHECK_AS(ValueError, factor_type_ == "avg" || factor_type_ == "in" || factor_type_ == "out")
      << "Xavier: factor_type '" << factor_type_ << "' is not valid; use \"avg\", \"in\" or "
      << "\"out\".";
}

std::string Xavier::Describe() const {
  return "Xavier(" + rnd_type_ + ", " + factor_type_ + ", " + std::to_string(magnitude_) + ")";
}

void Xavier::InitWeight(const std::string& name, NDArray array) const {
  const Shape& s = array.shape();
  MX_CHECK_AS(ValueError, s.ndim() >= 2)
      << "Xavier initializer cannot be applied to vector " << name << " of shape " << s
      << ": it needs at least 2 dimensions.";
  double hw = s.ndim() > 2 ? static_cast<double>(s.ProdRange(2, s.ndim())) : 1.0;
  double fan_in = s[1] * hw, fan_out = s[0] * hw;
  double factor =
      factor_type_ == "avg" ? (fan_in + fan_out) / 2 : (factor_type_ == "in" ? fan_in : fan_out);
  double scale = std::sqrt(magnitude_ / factor);
  if (rnd_type_ == "uniform")
    FillRandom(array, Dist::kUniform, -scale, scale);
  else
    FillRandom(array, Dist::kNormal, 0, scale);
}

MSRAPrelu::MSRAPrelu(const std::string& factor_type, double slope)
    : Xavier("gaussian", factor_type, 2.0 / (1 + slope * slope)) {}

std::string Constant::Describe() const { return "Constant(" + std::to_string(value_) + ")"; }
void Constant::InitWeight(const std::string&, NDArray array) const { Fill(array, value_); }
void Constant::InitDefault(const std::string&, NDArray array) const { Fill(array, value_); }

void Orthogonal::InitWeight(const std::string& name, NDArray array) const {
  const Shape& s = array.shape();
  MX_CHECK_AS(ValueError, s.ndim() >= 2)
      << "Orthogonal initializer needs a weight with 2+ dimensions; " << name << " has " << s
      << ".";
  int64_t rows = s[0], cols = s.Size() / s[0];
  bool transpose = rows > cols;  // orthonormal columns instead of rows
  int64_t r = transpose ? cols : rows, c = transpose ? rows : cols;
  std::vector<double> m = nd::random::normal(0, 1, {r, c}).AsType(kFloat64).ToVector<double>();
  for (int64_t i = 0; i < r; ++i) {
    for (int64_t j = 0; j < i; ++j) {
      double dot = 0;
      for (int64_t k = 0; k < c; ++k) dot += m[i * c + k] * m[j * c + k];
      for (int64_t k = 0; k < c; ++k) m[i * c + k] -= dot * m[j * c + k];
    }
    double norm = 0;
    for (int64_t k = 0; k < c; ++k) norm += m[i * c + k] * m[i * c + k];
    norm = std::sqrt(norm);
    for (int64_t k = 0; k < c; ++k) m[i * c + k] /= norm;
  }
  std::vector<double> out(static_cast<size_t>(rows * cols));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      out[i * cols + j] = scale_ * (transpose ? m[j * c + i] : m[i * cols + j]);
  NDArray(out.data(), s, kFloat64).AsType(array.dtype()).CopyTo(array);
}

Mixed::Mixed(std::vector<std::string> patterns, std::vector<std::shared_ptr<Initializer>> inits)
    : patterns_(std::move(patterns)), inits_(std::move(inits)) {
  MX_CHECK_AS(ValueError, patterns_.size() == inits_.size())
      << "Mixed: " << patterns_.size() << " patterns but " << inits_.size() << " initializers.";
}

void Mixed::Apply(const std::string& name, NDArray array) const {
  for (size_t i = 0; i < patterns_.size(); ++i)
    if (std::regex_match(name, std::regex(patterns_[i]))) {
      (*inits_[i])(name, array);
      return;
    }
  MX_THROW(ValueError) << "Mixed: parameter " << name << " matches none of the patterns; add a "
                       << "catch-all pattern \".*\".";
}

void Mixed::InitWeight(const std::string& name, NDArray array) const { Apply(name, array); }

std::shared_ptr<Initializer> Create(const std::string& spec) {
  std::string name = spec;
  std::map<std::string, std::string> kw;
  if (!spec.empty() && spec[0] == '[') {
    JsonValue v = ParseJson(spec);
    const auto& items = v.AsArray("an initializer");
    MX_CHECK_AS(ValueError, items.size() == 2)
        << "initializer '" << spec << "': expected [\"name\", {params}].";
    name = items[0].AsString("the initializer name");
    items[1].ExpectObject("the initializer parameters");
    for (const auto& m : items[1].members)
      kw[m.first] = m.second.kind == JsonValue::Kind::kString ? m.second.text : m.second.text;
  }
  auto num = [&](const char* key, double d) {
    auto it = kw.find(key);
    return it == kw.end() ? d : std::stod(it->second);
  };
  auto str = [&](const char* key, const char* d) {
    auto it = kw.find(key);
    return it == kw.end() ? std::string(d) : it->second;
  };
  std::string n;
  for (char ch : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (n == "zero" || n == "zeros") return std::make_shared<Zero>();
  if (n == "one" || n == "ones") return std::make_shared<One>();
  if (n == "constant") return std::make_shared<Constant>(num("value", 0));
  if (n == "uniform") return std::make_shared<Uniform>(num("scale", 0.07));
  if (n == "normal") return std::make_shared<Normal>(num("sigma", 0.01));
  if (n == "xavier")
    return std::make_shared<Xavier>(str("rnd_type", "uniform"), str("factor_type", "avg"),
                                    num("magnitude", 3));
  if (n == "msraprelu")
    return std::make_shared<MSRAPrelu>(str("factor_type", "avg"), num("slope", 0.25));
  if (n == "orthogonal") return std::make_shared<Orthogonal>(num("scale", 1.414));
  MX_THROW(ValueError) << "unknown initializer '" << name << "'; known: uniform, normal, xavier, "
                       << "msraprelu, orthogonal, constant, zero(s), one(s).";
}

}  // namespace init
}  // namespace mx
