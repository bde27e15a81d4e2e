// Python's repr of the lists MXNet's Python API returns, so C++ listings print what the
// tutorials show: ['data', 'conv1_weight'] and [(1, 3, 10, 10), (128,)]. Stateless.
#ifndef TESSERA_CORE_BASE_PY_REPR_H_
#define TESSERA_CORE_BASE_PY_REPR_H_

#include <string>
#include <vector>

#include "core/base/shape.h"

namespace mx {

std::string PyRepr(const std::vector<std::string>& strings);
std::string PyRepr(const std::vector<Shape>& shapes);

}  // namespace mx

#endif  // TESSERA_CORE_BASE_PY_REPR_H_
