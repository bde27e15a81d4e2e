// Tessera's public API in one header: mx::NDArray and mx::nd (creation, math, operators,
// .params I/O), mx::Symbol and mx::sym (static graphs), contexts, dtypes, errors and the
// engine's WaitAll.
#ifndef TESSERA_CORE_TESSERA_H_
#define TESSERA_CORE_TESSERA_H_

#include "core/base/context.h"
#include "core/base/dtype.h"
#include "core/base/error.h"
#include "core/base/py_repr.h"
#include "core/base/shape.h"
#include "core/executor/executor.h"
#include "core/ndarray/format.h"
#include "core/ndarray/init.h"
#include "core/ndarray/io.h"
#include "core/ndarray/ndarray.h"
#include "core/ops/nd_api.h"
#include "core/symbol/name_manager.h"
#include "core/symbol/sym_api.h"
#include "core/symbol/symbol.h"
#include "core/symbol/symbol_json.h"

#endif  // TESSERA_CORE_TESSERA_H_
