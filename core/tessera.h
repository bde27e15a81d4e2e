// Tessera's public API in one header: mx::NDArray and mx::nd (creation, math, operators,
// .params I/O), mx::Symbol and mx::sym (static graphs), mx::Executor, training (mx::mod,
// mx::io, mx::opt, mx::init, mx::metric), contexts, dtypes and errors.
#ifndef TESSERA_CORE_TESSERA_H_
#define TESSERA_CORE_TESSERA_H_

#include "core/base/context.h"
#include "core/base/dtype.h"
#include "core/base/error.h"
#include "core/base/py_repr.h"
#include "core/base/shape.h"
#include "core/executor/executor.h"
#include "core/initializer/initializer.h"
#include "core/io/csv_iter.h"
#include "core/io/data_iter.h"
#include "core/io/mnist_iter.h"
#include "core/io/ndarray_iter.h"
#include "core/io/prefetching_iter.h"
#include "core/metric/metric.h"
#include "core/module/checkpoint.h"
#include "core/module/module.h"
#include "core/ndarray/format.h"
#include "core/ndarray/init.h"
#include "core/ndarray/io.h"
#include "core/ndarray/ndarray.h"
#include "core/ops/nd_api.h"
#include "core/optimizer/lr_scheduler.h"
#include "core/optimizer/optimizer.h"
#include "core/symbol/name_manager.h"
#include "core/symbol/sym_api.h"
#include "core/symbol/symbol.h"
#include "core/symbol/symbol_json.h"

#endif  // TESSERA_CORE_TESSERA_H_
