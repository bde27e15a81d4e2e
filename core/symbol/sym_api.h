// The symbolic operator API (mx::sym), mirroring mx::nd: every registered operator adds a graph
// node instead of running. Parameters are named, in any order, and stored as the strings MXNet's
// JSON keeps. Layers take their data first; omitted inputs (weights, biases, labels, moving
// statistics) become variables named after the node ("conv1_weight"). Arithmetic between
// symbols uses elemwise_* (MXNet's _Plus, _Mul, ...), with scalars the _*_scalar operators, and
// nodes are named as MXNet names them (_plus0, _mulscalar0).
#ifndef TESSERA_CORE_SYMBOL_SYM_API_H_
#define TESSERA_CORE_SYMBOL_SYM_API_H_

#include <string>
#include <utility>
#include <vector>

#include "core/op/params.h"
#include "core/symbol/symbol.h"

namespace mx {
namespace sym {

using NamedInputs = std::vector<std::pair<std::string, Symbol>>;

Symbol Variable(const std::string& name, const VariableAttrs& attrs = {});
// Any operator by its MXNet name, inputs given in order.
Symbol Op(const std::string& op, const std::vector<Symbol>& inputs, const Params& params = {},
          const std::string& name = "");
// Any operator, inputs given by name ({"data", x}, {"weight", w}).
Symbol Op(const std::string& op, const NamedInputs& inputs, const Params& params = {},
          const std::string& name = "");

// One-data-input layers and operators, e.g. Convolution(data, {{"kernel", {3, 3}}}, "conv1").
#define MX_SYM_DATA_OPS(X) \
  X(Convolution)           \
  X(Deconvolution)         \
  X(FullyConnected)        \
  X(BatchNorm)             \
  X(Activation)            \
  X(LeakyReLU)             \
  X(Pooling)               \
  X(Dropout)               \
  X(Embedding)             \
  X(Flatten)               \
  X(Reshape)               \
  X(SliceChannel)          \
  X(softmax)               \
  X(log_softmax)           \
  X(SoftmaxActivation)     \
  X(SoftmaxOutput)         \
  X(LinearRegressionOutput) \
  X(LogisticRegressionOutput) \
  X(MAERegressionOutput)   \
  X(MakeLoss)              \
  X(BlockGrad)             \
  X(transpose)             \
  X(sum)                   \
  X(mean)                  \
  X(exp)                   \
  X(log)                   \
  X(sqrt)                  \
  X(square)                \
  X(tanh)                  \
  X(sigmoid)               \
  X(relu)

#define MX_SYM_DECLARE(name)                                                           \
  Symbol name(const Symbol& data, const Params& params = {}, const std::string& node = "");
MX_SYM_DATA_OPS(MX_SYM_DECLARE)
#undef MX_SYM_DECLARE

Symbol Concat(const std::vector<Symbol>& inputs, const Params& params = {},
              const std::string& name = "");
Symbol dot(const Symbol& lhs, const Symbol& rhs, const Params& params = {},
           const std::string& name = "");

}  // namespace sym

Symbol operator+(const Symbol& a, const Symbol& b);
Symbol operator-(const Symbol& a, const Symbol& b);
Symbol operator*(const Symbol& a, const Symbol& b);
Symbol operator/(const Symbol& a, const Symbol& b);
Symbol operator+(const Symbol& a, double s);
Symbol operator-(const Symbol& a, double s);
Symbol operator*(const Symbol& a, double s);
Symbol operator/(const Symbol& a, double s);
Symbol operator+(double s, const Symbol& a);
Symbol operator-(double s, const Symbol& a);
Symbol operator*(double s, const Symbol& a);
Symbol operator/(double s, const Symbol& a);
Symbol operator-(const Symbol& a);

}  // namespace mx

#endif  // TESSERA_CORE_SYMBOL_SYM_API_H_
