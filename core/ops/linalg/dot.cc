// dot / batch_dot: shapes, the OpenBLAS path and registrations.
#include "core/base/convert.h"
#include "core/base/error.h"
#include "core/op/kernel.h"
#include "core/ops/linalg/blas.h"
#include "core/ops/linalg/dot-inl.h"

namespace mx {

GemmArgs DotGemmArgs(const DotParam& p, const Shape& l, const Shape& r) {
  GemmArgs g;
  g.trans_a = p.transpose_a;
  g.trans_b = p.transpose_b;
  int64_t ka = p.transpose_a ? l[0] : l[l.ndim() - 1];
  g.m = p.transpose_a ? l.ProdRange(1, l.ndim()) : l.ProdRange(0, l.ndim() - 1);
  int64_t kb = p.transpose_b ? r[r.ndim() - 1] : r[0];
  g.n = p.transpose_b ? r.ProdRange(0, r.ndim() - 1) : r.ProdRange(1, r.ndim());
  MX_CHECK_AS(ShapeError, ka == kb)
      << "operator dot: shapes " << l << " and " << r << " do not align"
      << (p.transpose_a || p.transpose_b ? " (with the requested transposes)" : "") << ": lhs "
      << "contracts over " << ka << " elements but rhs over " << kb
      << ". Check transpose_a/transpose_b or reshape the operands.";
  g.k = ka;
  return g;
}

GemmArgs BatchDotGemmArgs(const DotParam& p, const Shape& l, const Shape& r) {
  MX_CHECK_AS(ShapeError, l.ndim() == 3 && r.ndim() == 3)
      << "operator batch_dot: inputs must be 3-D (batch, rows, cols), found " << l << " and " << r
      << ".";
  MX_CHECK_AS(ShapeError, l[0] == r[0])
      << "operator batch_dot: batch sizes differ: " << l << " and " << r << ".";
  GemmArgs g;
  g.batch = l[0];
  g.trans_a = p.transpose_a;
  g.trans_b = p.transpose_b;
  g.m = p.transpose_a ? l[2] : l[1];
  int64_t ka = p.transpose_a ? l[1] : l[2];
  int64_t kb = p.transpose_b ? r[2] : r[1];
  g.n = p.transpose_b ? r[1] : r[2];
  MX_CHECK_AS(ShapeError, ka == kb)
      << "operator batch_dot: shapes " << l << " and " << r << " do not align: lhs contracts "
      << "over " << ka << " elements but rhs over " << kb << ".";
  g.k = ka;
  return g;
}

bool DotShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& l = (*in)[0];
  const Shape& r = (*in)[1];
  if (l.ndim() == 0 || r.ndim() == 0) return false;
  const auto& p = attrs.get<DotParam>();
  DotGemmArgs(p, l, r);
  std::vector<int64_t> dims;
  if (p.transpose_a)
    dims.insert(dims.end(), l.begin() + 1, l.end());
  else
    dims.insert(dims.end(), l.begin(), l.end() - 1);
  if (p.transpose_b)
    dims.insert(dims.end(), r.begin(), r.end() - 1);
  else
    dims.insert(dims.end(), r.begin() + 1, r.end());
  if (dims.empty()) dims.push_back(1);
  AssignShape(&(*out)[0], Shape(dims), attrs, "the output");
  return true;
}

bool BatchDotShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& l = (*in)[0];
  const Shape& r = (*in)[1];
  if (l.ndim() == 0 || r.ndim() == 0) return false;
  GemmArgs g = BatchDotGemmArgs(attrs.get<DotParam>(), l, r);
  AssignShape(&(*out)[0], Shape{g.batch, g.m, g.n}, attrs, "the output");
  return true;
}

namespace {

template <typename T>
void NaiveGemm(const GemmArgs& g, const T* a, const T* b, T* c) {
  for (int64_t bi = 0; bi < g.batch; ++bi) {
    const T* A = a + bi * g.m * g.k;
    const T* B = b + bi * g.k * g.n;
    T* C = c + bi * g.m * g.n;
#pragma omp parallel for num_threads(CpuKernelThreads()) if (g.m * g.n * g.k > 65536)
    for (int64_t i = 0; i < g.m; ++i) {
      for (int64_t j = 0; j < g.n; ++j) {
        double acc = g.accumulate ? ConvertValue<double>(C[i * g.n + j]) : 0.0;
        for (int64_t t = 0; t < g.k; ++t) {
          T x = g.trans_a ? A[t * g.m + i] : A[i * g.k + t];
          T y = g.trans_b ? B[j * g.k + t] : B[t * g.n + j];
          acc += ConvertValue<double>(x) * ConvertValue<double>(y);
        }
        C[i * g.n + j] = ConvertValue<T>(acc);
      }
    }
  }
}

}  // namespace

void GemmCpu(const GemmArgs& g, const TBlob& a, const TBlob& b, const TBlob& c) {
  int lda = static_cast<int>(g.trans_a ? g.m : g.k);
  int ldb = static_cast<int>(g.trans_b ? g.k : g.n);
  int m = static_cast<int>(g.m), n = static_cast<int>(g.n), k = static_cast<int>(g.k);
  if (c.dtype == kFloat32 || c.dtype == kFloat64) {
    MX_TYPE_SWITCH_BLAS(c.dtype, T, "dot", {
      for (int64_t bi = 0; bi < g.batch; ++bi)
        CpuGemm<T>(g.trans_a, g.trans_b, m, n, k, T(1), a.ptr<T>() + bi * g.m * g.k, lda,
                   b.ptr<T>() + bi * g.k * g.n, ldb, T(g.accumulate ? 1 : 0),
                   c.ptr<T>() + bi * g.m * g.n, n);
    });
    return;
  }
  MX_TYPE_SWITCH_ARITH(c.dtype, T, "dot", NaiveGemm(g, a.ptr<T>(), b.ptr<T>(), c.ptr<T>()));
}

namespace {

template <bool kBatch>
void DotCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const auto& p = attrs.get<DotParam>();
  GemmArgs g = kBatch ? BatchDotGemmArgs(p, in[0].shape, in[1].shape)
                      : DotGemmArgs(p, in[0].shape, in[1].shape);
  g.accumulate = req[0] == OpReq::kAddTo;
  if (ctx.run.ctx.is_gpu()) {
#if MX_USE_CUDA
    GemmGpu(g, in[0], in[1], out[0], ctx.run.stream);
#endif
    return;
  }
  GemmCpu(g, in[0], in[1], out[0]);
}

// Gradients of C = op(A) op(B), each as one GEMM on the flattened 2-D (per batch) views:
//   A not transposed: dA = dC op(B)^T;  transposed: dA = op(B) dC^T.
//   B not transposed: dB = op(A)^T dC;  transposed: dB = dC^T op(A).
template <bool kBatch>
void DotBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<DotParam>();
  const TBlob &og = in[0], &a = in[1], &b = in[2];
  GemmArgs f = kBatch ? BatchDotGemmArgs(p, a.shape, b.shape) : DotGemmArgs(p, a.shape, b.shape);
  auto run = [&](GemmArgs g, const TBlob& x, const TBlob& y, const TBlob& z, OpReq r) {
    if (r == OpReq::kNull) return;
    g.batch = f.batch;
    g.accumulate = r == OpReq::kAddTo;
    if (ctx.run.ctx.is_gpu()) {
#if MX_USE_CUDA
      GemmGpu(g, x, y, z, ctx.run.stream);
#endif
    } else {
      GemmCpu(g, x, y, z);
    }
  };
  GemmArgs ga, gb;
  if (!p.transpose_a) {
    ga.m = f.m, ga.n = f.k, ga.k = f.n, ga.trans_a = false, ga.trans_b = !p.transpose_b;
    run(ga, og, b, out[0], req[0]);
  } else {
    ga.m = f.k, ga.n = f.m, ga.k = f.n, ga.trans_a = p.transpose_b, ga.trans_b = true;
    run(ga, b, og, out[0], req[0]);
  }
  if (!p.transpose_b) {
    gb.m = f.k, gb.n = f.n, gb.k = f.m, gb.trans_a = !p.transpose_a, gb.trans_b = false;
    run(gb, a, og, out[1], req[1]);
  } else {
    gb.m = f.n, gb.n = f.k, gb.k = f.m, gb.trans_a = true, gb.trans_b = p.transpose_a;
    run(gb, og, a, out[1], req[1]);
  }
}

bool DotBackwardShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[1].ndim() == 0 || (*in)[2].ndim() == 0) return false;
  AssignShape(&(*out)[0], (*in)[1], attrs, "lhs gradient");
  AssignShape(&(*out)[1], (*in)[2], attrs, "rhs gradient");
  return true;
}

FGradient DotGradient(const char* backward) {
  return [backward](const OpAttrs& attrs, GradContext* ctx) {
    return ctx->Op(backward, {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1)}, attrs.dict);
  };
}

#define MX_REGISTER_DOT_BACKWARD(name, batch)                       \
  MX_REGISTER_OP(_backward_##name)                                  \
      .Describe("Gradient of " #name ": inputs (ograd, lhs, rhs).") \
      .NumInputs(3)                                                 \
      .InputNames({"ograd", "lhs", "rhs"})                          \
      .NumOutputs(2)                                                \
      .Params<DotParam>()                                           \
      .InferShape(DotBackwardShape)                                 \
      .InferType(SameTypeInferType)                                 \
      .Compute(DeviceType::kCPU, DotBackward<batch>)                \
      .Compute(DeviceType::kGPU, DotBackward<batch>);
MX_REGISTER_DOT_BACKWARD(dot, false)
MX_REGISTER_DOT_BACKWARD(batch_dot, true)
#undef MX_REGISTER_DOT_BACKWARD

MX_REGISTER_OP(dot)
    .Describe("Matrix product of lhs and rhs flattened to 2-D (see dot-inl.h).")
    .NumInputs(2)
    .InputNames({"lhs", "rhs"})
    .Params<DotParam>()
    .InferShape(DotShape)
    .InferType(SameTypeInferType)
    .Gradient(DotGradient("_backward_dot"))
    .Compute(DeviceType::kCPU, DotCompute<false>)
#if MX_USE_CUDA
    .Compute(DeviceType::kGPU, DotCompute<false>)
#endif
    ;

MX_REGISTER_OP(batch_dot)
    .Describe("Batched matrix product of 3-D arrays.")
    .NumInputs(2)
    .InputNames({"lhs", "rhs"})
    .Params<DotParam>()
    .InferShape(BatchDotShape)
    .InferType(SameTypeInferType)
    .Gradient(DotGradient("_backward_batch_dot"))
    .Compute(DeviceType::kCPU, DotCompute<true>)
#if MX_USE_CUDA
    .Compute(DeviceType::kGPU, DotCompute<true>)
#endif
    ;

}  // namespace
}  // namespace mx
