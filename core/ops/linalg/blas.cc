#include "core/ops/linalg/blas.h"

#include <cblas.h>

#include <mutex>

#include "core/op/kernel.h"

namespace mx {
namespace {

void InitBlasThreads() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(CpuKernelThreads()); });
}

}  // namespace

template <>
void CpuGemm<float>(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
                    const float* b, int ldb, float beta, float* c, int ldc) {
  InitBlasThreads();
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <>
void CpuGemm<double>(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda,
                     const double* b, int ldb, double beta, double* c, int ldc) {
  InitBlasThreads();
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace mx
