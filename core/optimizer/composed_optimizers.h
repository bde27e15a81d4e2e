// Optimizers built from element-wise NDArray operations (AdaDelta, Adamax, Nadam, Ftrl), for
// opt::Create. Same contracts as optimizer.h.
#ifndef TESSERA_CORE_OPTIMIZER_COMPOSED_OPTIMIZERS_H_
#define TESSERA_CORE_OPTIMIZER_COMPOSED_OPTIMIZERS_H_

#include <memory>
#include <string>

#include "core/optimizer/optimizer.h"

namespace mx {
namespace opt {

// The optimizer called `name` (lowercase), or nullptr when it is not one of these.
std::unique_ptr<Optimizer> CreateComposed(const std::string& name, const ParamMap& params);

}  // namespace opt
}  // namespace mx

#endif  // TESSERA_CORE_OPTIMIZER_COMPOSED_OPTIMIZERS_H_
