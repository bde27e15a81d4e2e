// One forward pass of a model file, for `summary --forward`: binds the symbol on the CPU with
// the given input shapes (no gradients), fills its parameters from a .params file (MXNet's
// "arg:"/"aux:" keys, or bare names) or, without one, with seeded random values (the
// initializer's name patterns and __init__ attributes, U(-0.07, 0.07) for other names), fills
// the inputs with seeded U(0, 1) values, runs the pass and prints each output's shape and
// checksums. Missing parameters in a given file are a ValueError naming them; outputs that
// are not finite are an Error naming the output.
#ifndef TESSERA_TOOLS_FORWARD_CHECK_H_
#define TESSERA_TOOLS_FORWARD_CHECK_H_

#include <map>
#include <ostream>
#include <string>

#include "core/tessera.h"

namespace tools {

void ForwardCheck(const mx::Symbol& net, const std::map<std::string, mx::Shape>& inputs,
                  const std::string& params_path, std::ostream& out);

}  // namespace tools

#endif  // TESSERA_TOOLS_FORWARD_CHECK_H_
