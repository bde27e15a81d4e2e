// Typed row-major GEMM on the CPU through OpenBLAS: C = alpha * op(A) op(B) + beta * C, with
// op(A) of shape (m, k) and op(B) of shape (k, n). float and double. OpenBLAS's thread count is
// set once to the CPU kernel thread count (CpuKernelThreads), so it never adds a second pool.
#ifndef TESSERA_CORE_OPS_LINALG_BLAS_H_
#define TESSERA_CORE_OPS_LINALG_BLAS_H_

namespace mx {

template <typename T>
void CpuGemm(bool trans_a, bool trans_b, int m, int n, int k, T alpha, const T* a, int lda,
             const T* b, int ldb, T beta, T* c, int ldc);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_LINALG_BLAS_H_
