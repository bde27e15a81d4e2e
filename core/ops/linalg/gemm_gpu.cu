// cuBLAS GEMM for dot/batch_dot. Row-major C = op(A) op(B) is computed as the column-major
// C^T = op(B)^T op(A)^T. One cuBLAS handle per device and thread, bound to the op's stream.
#include <cublas_v2.h>

#include <map>

#include "core/base/cuda_check.h"
#include "core/base/error.h"
#include "core/ops/linalg/dot-inl.h"

namespace mx {
namespace {

#define MX_CUBLAS_CALL(call)                                                             \
  do {                                                                                   \
    cublasStatus_t st_ = (call);                                                         \
    if (st_ != CUBLAS_STATUS_SUCCESS) {                                                  \
      MX_THROW(Error) << "cuBLAS call " #call " failed: " << cublasGetStatusString(st_); \
    }                                                                                    \
  } while (0)

cublasHandle_t Handle(void* stream) {
  thread_local std::map<int, cublasHandle_t> handles;
  int dev = 0;
  MX_CUDA_CALL(cudaGetDevice(&dev));
  cublasHandle_t& h = handles[dev];
  if (!h) MX_CUBLAS_CALL(cublasCreate(&h));
  MX_CUBLAS_CALL(cublasSetStream(h, static_cast<cudaStream_t>(stream)));
  return h;
}

}  // namespace

void GemmGpu(const GemmArgs& g, const TBlob& a, const TBlob& b, const TBlob& c, void* stream) {
  cublasHandle_t h = Handle(stream);
  cublasOperation_t opa = g.trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  cublasOperation_t opb = g.trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  int m = static_cast<int>(g.m), n = static_cast<int>(g.n), k = static_cast<int>(g.k);
  int lda = g.trans_a ? m : k, ldb = g.trans_b ? k : n;
  long long sa = g.m * g.k, sb = g.k * g.n, sc = g.m * g.n;
  int batch = static_cast<int>(g.batch);
  if (c.dtype == kFloat32) {
    float alpha = 1.0f, beta = g.accumulate ? 1.0f : 0.0f;
    MX_CUBLAS_CALL(cublasSgemmStridedBatched(h, opb, opa, n, m, k, &alpha, b.ptr<float>(), ldb, sb,
                                             a.ptr<float>(), lda, sa, &beta, c.ptr<float>(), n, sc,
                                             batch));
  } else if (c.dtype == kFloat64) {
    double alpha = 1.0, beta = g.accumulate ? 1.0 : 0.0;
    MX_CUBLAS_CALL(cublasDgemmStridedBatched(h, opb, opa, n, m, k, &alpha, b.ptr<double>(), ldb, sb,
                                             a.ptr<double>(), lda, sa, &beta, c.ptr<double>(), n,
                                             sc, batch));
  } else if (c.dtype == kFloat16) {
    float alpha = 1.0f, beta = g.accumulate ? 1.0f : 0.0f;
    MX_CUBLAS_CALL(cublasGemmStridedBatchedEx(
        h, opb, opa, n, m, k, &alpha, b.dptr, CUDA_R_16F, ldb, sb, a.dptr, CUDA_R_16F, lda, sa,
        &beta, c.dptr, CUDA_R_16F, n, sc, batch, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
  } else {
    MX_THROW(NotImplementedError) << "dot on GPU supports float32, float64 and float16, found "
                                  << c.dtype << "; convert with AsType() or run on CPU.";
  }
}

}  // namespace mx
