// Operators that create arrays inside graphs, with no inputs: _zeros, _ones, _full, _arange,
// _linspace, _eye (MXNet 1.9's names and parameters; mx.nd/mx.sym's zeros, arange, ... build
// them). The `ctx` parameter is accepted for symbol files and ignored: a graph's nodes run on
// its executor's context. Registrations: init_ops.cc (CPU), init_ops.cu (GPU).
#ifndef TESSERA_CORE_OPS_INIT_INIT_INL_H_
#define TESSERA_CORE_OPS_INIT_INIT_INL_H_

#include <optional>
#include <string>
#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

struct InitParam {
  Shape shape;
  std::string ctx;
  DType dtype;
  double value;  // _full only
  void Declare(ParamDeclarer* d, bool with_value) {
    d->Declare("shape", &shape, Shape()).Describe("The output's shape.");
    d->Declare("ctx", &ctx, std::string()).Describe("Context (the executor's is used).");
    d->Declare("dtype", &dtype, kFloat32).Describe("The output's dtype.");
    if (with_value) d->Declare("value", &value).Describe("The value of every element.");
  }
  void Declare(ParamDeclarer* d) { Declare(d, false); }
};
struct FullParam : InitParam {
  void Declare(ParamDeclarer* d) { InitParam::Declare(d, true); }
};
struct ArangeParam {
  double start;
  std::optional<double> stop;
  double step;
  int repeat;
  bool infer_range;
  std::string ctx;
  DType dtype;
  void Declare(ParamDeclarer* d) {
    d->Declare("start", &start).Describe("First value (the end when stop is None).");
    d->Declare("stop", &stop, std::optional<double>()).Describe("End (exclusive); None: start.");
    d->Declare("step", &step, 1.0).Describe("Spacing of the values.");
    d->Declare("repeat", &repeat, 1).Describe("Times each value is repeated.");
    d->Declare("infer_range", &infer_range, false)
        .Describe("Take the length from the output's shape (deprecated in MXNet).");
    d->Declare("ctx", &ctx, std::string()).Describe("Context (the executor's is used).");
    d->Declare("dtype", &dtype, kFloat32).Describe("The output's dtype.");
  }
};
struct LinspaceParam {
  double start, stop;
  int num;
  bool endpoint;
  std::string ctx;
  DType dtype;
  void Declare(ParamDeclarer* d) {
    d->Declare("start", &start).Describe("First value.");
    d->Declare("stop", &stop).Describe("Last value (included when endpoint).");
    d->Declare("num", &num).Describe("Number of values.");
    d->Declare("endpoint", &endpoint, true).Describe("Whether stop is the last value.");
    d->Declare("ctx", &ctx, std::string()).Describe("Context (the executor's is used).");
    d->Declare("dtype", &dtype, kFloat32).Describe("The output's dtype.");
  }
};
struct EyeParam {
  int64_t N, M, k;
  std::string ctx;
  DType dtype;
  void Declare(ParamDeclarer* d) {
    d->Declare("N", &N).Describe("Number of rows.");
    d->Declare("M", &M, int64_t{0}).Describe("Number of columns; 0: N.");
    d->Declare("k", &k, int64_t{0}).Describe("Diagonal: 0 the main one, > 0 above, < 0 below.");
    d->Declare("ctx", &ctx, std::string()).Describe("Context (the executor's is used).");
    d->Declare("dtype", &dtype, kFloat32).Describe("The output's dtype.");
  }
};

// out[i] = start + (i / repeat) * step.
struct RangeMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, T* out, int req, double start, double step,
                             int64_t repeat) {
    mop::Assign(out + i, req, ConvertValue<T>(start + static_cast<double>(i / repeat) * step));
  }
};

struct EyeMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, T* out, int req, int64_t cols, int64_t k) {
    mop::Assign(out + i, req, ConvertValue<T>(i % cols - i / cols == k ? 1.0 : 0.0));
  }
};

// start, step and repeat of _arange / _linspace (init_ops.cc).
void RangeOf(const OpAttrs& attrs, double* start, double* step, int64_t* repeat);

template <typename xpu>
void InitCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>&,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_CHECK_AS(NotImplementedError, req[0] != OpReq::kAddTo)
      << "operator " << attrs.op->name() << " only writes its output (found accumulation).";
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  const std::string& op = attrs.op->name();
  if (op == "_zeros" || op == "_ones" || op == "_full") {
    double v = op == "_zeros" ? 0.0 : op == "_ones" ? 1.0 : attrs.get<FullParam>().value;
    FillBlob(out[0], v, ctx.run.stream);
    return;
  }
  MX_TYPE_SWITCH_ARITH(out[0].dtype, T, op.c_str(), {
    if (op == "_eye") {
      Kernel<xpu>::template Launch<EyeMap>(ctx.run.stream, out[0].size(), out[0].ptr<T>(),
                                           static_cast<int>(req[0]), out[0].shape[1],
                                           attrs.get<EyeParam>().k);
    } else {
      double start, step;
      int64_t repeat;
      RangeOf(attrs, &start, &step, &repeat);
      Kernel<xpu>::template Launch<RangeMap>(ctx.run.stream, out[0].size(), out[0].ptr<T>(),
                                             static_cast<int>(req[0]), start, step, repeat);
    }
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_INIT_INIT_INL_H_
