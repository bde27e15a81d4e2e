// dot and batch_dot (MXNet semantics). dot flattens lhs to (M, K) and rhs to (K, N): without
// transposes M = prod(lhs.shape[:-1]), N = prod(rhs.shape[1:]); with transpose_a lhs is read as
// (K, M) with K = lhs.shape[0]; with transpose_b rhs as (N, K) with K = rhs.shape[-1]. The
// output shape is the kept lhs axes then the kept rhs axes ((1,) for two vectors).
// batch_dot: (B, M, K) x (B, K, N) -> (B, M, N), with the same transpose flags per batch.
// GEMM runs through OpenBLAS (float32/float64) on CPU and cuBLAS on GPU; other dtypes on CPU use
// a plain loop accumulating in double.
#ifndef TESSERA_CORE_OPS_LINALG_DOT_INL_H_
#define TESSERA_CORE_OPS_LINALG_DOT_INL_H_

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"

namespace mx {

struct DotParam {
  bool transpose_a;
  bool transpose_b;
  std::optional<std::string> forward_stype;
  void Declare(ParamDeclarer* d) {
    d->Declare("transpose_a", &transpose_a, false).Describe("Use lhs transposed.");
    d->Declare("transpose_b", &transpose_b, false).Describe("Use rhs transposed.");
    d->Declare("forward_stype", &forward_stype, std::optional<std::string>())
        .Describe("Accepted for MXNet compatibility; only dense output is produced.");
  }
};

// One (possibly batched) row-major GEMM: C[b] = op(A[b]) * op(B[b]) (+ C[b] when accumulate).
struct GemmArgs {
  int64_t batch = 1, m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  bool accumulate = false;
};

GemmArgs DotGemmArgs(const DotParam& p, const Shape& lhs, const Shape& rhs);
GemmArgs BatchDotGemmArgs(const DotParam& p, const Shape& lhs, const Shape& rhs);
bool DotShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out);
bool BatchDotShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out);

void GemmCpu(const GemmArgs& g, const TBlob& a, const TBlob& b, const TBlob& c);
#if MX_USE_CUDA
void GemmGpu(const GemmArgs& g, const TBlob& a, const TBlob& b, const TBlob& c, void* stream);
#endif

// C (m, n) = op(A) op(B) with op(A) (m, k) (added to C for kAddTo).
inline GemmArgs Gemm(int64_t m, int64_t n, int64_t k, bool ta, bool tb, OpReq req) {
  GemmArgs g;
  g.m = m;
  g.n = n;
  g.k = k;
  g.trans_a = ta;
  g.trans_b = tb;
  g.accumulate = req == OpReq::kAddTo;
  return g;
}

// One GEMM with row-major TBlob operands on the op's device.
template <typename xpu>
void DeviceGemm(const OpContext& ctx, const GemmArgs& g, const TBlob& a, const TBlob& b,
                const TBlob& c) {
  if constexpr (std::is_same<xpu, CPU>::value) {
    (void)ctx;
    GemmCpu(g, a, b, c);
  } else {
#if MX_USE_CUDA
    GemmGpu(g, a, b, c, ctx.run.stream);
#endif
  }
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_LINALG_DOT_INL_H_
