// Parameter initializers (MXNet's mx.init). An initializer fills an array chosen by its name as
// MXNet does: names ending in _bias, _beta, _moving_mean are zeros; _gamma, _moving_var ones;
// _weight goes to the initializer's own rule; anything else is a ValueError that names the
// array. A variable's "__init__" attribute (e.g. ["one", {}] on moving_var) overrides the
// pattern (InitByAttr). Randomness comes from mx::random (seeded, engine-ordered).
// Initializers are immutable after construction and may be shared between threads.
#ifndef TESSERA_CORE_INITIALIZER_INITIALIZER_H_
#define TESSERA_CORE_INITIALIZER_INITIALIZER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ndarray/ndarray.h"

namespace mx {
namespace init {

class Initializer {
 public:
  virtual ~Initializer() = default;
  // Fills `array` for the parameter called `name` (see the header comment).
  void operator()(const std::string& name, NDArray array) const;
  // The same, honouring an "__init__" attribute value when `init_attr` is non-empty.
  void InitByAttr(const std::string& name, const std::string& init_attr, NDArray array) const;
  virtual std::string Describe() const = 0;

 protected:
  virtual void InitWeight(const std::string& name, NDArray array) const = 0;
  // Arrays matching no pattern: MXNet's error by default.
  virtual void InitDefault(const std::string& name, NDArray array) const;
};

// U(-scale, scale).
class Uniform : public Initializer {
 public:
  explicit Uniform(double scale = 0.07) : scale_(scale) {}
  std::string Describe() const override;

 protected:
  void InitWeight(const std::string& name, NDArray array) const override;

 private:
  double scale_;
};

// N(0, sigma^2).
class Normal : public Initializer {
 public:
  explicit Normal(double sigma = 0.01) : sigma_(sigma) {}
  std::string Describe() const override;

 protected:
  void InitWeight(const std::string& name, NDArray array) const override;

 private:
  double sigma_;
};

// Xavier/Glorot: scale = sqrt(magnitude / factor), factor from fan_in, fan_out or their mean;
// uniform in [-scale, scale] or gaussian with sigma scale. Weights need 2+ dimensions.
class Xavier : public Initializer {
 public:
  explicit Xavier(std::string rnd_type = "uniform", std::string factor_type = "avg",
                  double magnitude = 3);
  std::string Describe() const override;

 protected:
  void InitWeight(const std::string& name, NDArray array) const override;

 private:
  std::string rnd_type_, factor_type_;
  double magnitude_;
};

// He et al.: Xavier gaussian with magnitude 2 / (1 + slope^2).
class MSRAPrelu : public Xavier {
 public:
  explicit MSRAPrelu(const std::string& factor_type = "avg", double slope = 0.25);
  std::string Describe() const override { return "MSRAPrelu"; }
};

// Every matched array set to `value` (weights and the default patterns alike).
class Constant : public Initializer {
 public:
  explicit Constant(double value) : value_(value) {}
  std::string Describe() const override;

 protected:
  void InitWeight(const std::string& name, NDArray array) const override;
  void InitDefault(const std::string& name, NDArray array) const override;

 private:
  double value_;
};
class Zero : public Constant {
 public:
  Zero() : Constant(0) {}
};
class One : public Constant {
 public:
  One() : Constant(1) {}
};

// Orthogonal rows (or columns) scaled by `scale`, from a Gram-Schmidt pass over gaussian rows.
class Orthogonal : public Initializer {
 public:
  explicit Orthogonal(double scale = 1.414) : scale_(scale) {}
  std::string Describe() const override { return "Orthogonal"; }

 protected:
  void InitWeight(const std::string& name, NDArray array) const override;

 private:
  double scale_;
};

// The first initializer whose regex matches the whole name (MXNet's Mixed).
class Mixed : public Initializer {
 public:
  Mixed(std::vector<std::string> patterns, std::vector<std::shared_ptr<Initializer>> inits);
  std::string Describe() const override { return "Mixed"; }
  void Apply(const std::string& name, NDArray array) const;

 protected:
  void InitWeight(const std::string& name, NDArray array) const override;

 private:
  std::vector<std::string> patterns_;
  std::vector<std::shared_ptr<Initializer>> inits_;
};

// By MXNet name ("uniform", "normal", "xavier", "msraprelu", "orthogonal", "zero"/"zeros",
// "one"/"ones", "constant"), from an __init__ JSON value ('["xavier", {"magnitude": 2}]') or a
// plain name. ValueError listing the names otherwise.
std::shared_ptr<Initializer> Create(const std::string& spec);

}  // namespace init
}  // namespace mx

#endif  // TESSERA_CORE_INITIALIZER_INITIALIZER_H_
