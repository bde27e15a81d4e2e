#include "core/ops/linalg/blas.h"

#include <cblas.h>
#ifdef TESSERA_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#endif

#include <omp.h>

#include <cstdint>
#include <mutex>

#include "core/base/error.h"
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
#ifdef TESSERA_HAVE_DNNL
  if (m > 0 && n > 0 && k > 0) {
    // Products of up to 2^20 multiply-adds run on the calling thread: waking the OpenMP team
    // (asleep under OMP_WAIT_POLICY=passive) costs more than they take.
    bool small = int64_t(m) * n * k <= (int64_t(1) << 20);
    int team = omp_get_max_threads();
    if (small) omp_set_num_threads(1);
    dnnl_status_t st =
        dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    if (small) omp_set_num_threads(team);
    MX_CHECK(st == dnnl_success) << "oneDNN sgemm (" << m << "x" << n << "x" << k
                                 << ") failed with status " << static_cast<int>(st);
    return;
  }
#endif
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
