// The CPython extension tessera._core: pybind11 bindings over Tessera's C++ libraries. One file
// per concept binds it (errors, ndarray, operators, ...); module.cc calls each Bind*. The Python
// package (python/tessera/) builds MXNet's API on these functions and is the only user.
// Every binding that waits for the engine or runs C++ work releases the GIL while it does.
#ifndef TESSERA_PYTHON_SRC_BINDINGS_H_
#define TESSERA_PYTHON_SRC_BINDINGS_H_

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "core/base/context.h"
#include "core/base/shape.h"

namespace mx {
namespace python {

namespace py = pybind11;

// Tessera's errors as Python exceptions (classes registered by tessera.error).
void BindErrors(py::module_& m);
// NDArray handles, creation from and conversion to numpy, .params files, waitall.
void BindNDArray(py::module_& m);
// The operator registry: invoke by name, the names and documentation of operators.
void BindOperators(py::module_& m);
// Symbols: variables, operator nodes, composition, inference, attributes, JSON.
void BindSymbol(py::module_& m);
// Executors: bind, simple_bind, forward, backward, arrays, reshape, monitor.
void BindExecutor(py::module_& m);
// Training: the C++ Module, data iterators, initializers, optimizer checks, schedules.
void BindTraining(py::module_& m);
// KVStores: create by type, init/push/pull/pushpull, optimizer, compression, barrier, states.
void BindKVStore(py::module_& m);

// Custom operators: op_types whose props are Python objects (tessera.operator).
void BindCustom(py::module_& m);

// Context from MXNet's (device_typeid, device_id) pair.
Context ToContext(const py::tuple& ctx);
py::tuple FromContext(const Context& ctx);
Shape ToShape(const std::vector<int64_t>& dims);
py::tuple FromShape(const Shape& shape);

}  // namespace python
}  // namespace mx

#endif  // TESSERA_PYTHON_SRC_BINDINGS_H_
