// Typed row-major GEMM on the CPU: C = alpha * op(A) op(B) + beta * C, with op(A) of shape
// (m, k) and op(B) of shape (k, n). float goes through oneDNN's sgemm where the build has oneDNN
// (it picks its kernels from the CPU it finds, and its OpenMP threads sleep when idle under
// OMP_WAIT_POLICY=passive; products of up to 2^20 multiply-adds run on the calling thread alone,
// as waking the team costs more); otherwise, and for double, through OpenBLAS, whose thread count
// is set once to the CPU kernel thread count (CpuKernelThreads), so it never adds a second pool.
// (On a VM whose CPU OpenBLAS 0.3.21 does not recognise it falls back to its Prescott (SSE3)
// kernels, and its idle threads spin in sched_yield between calls: tools/bench/RESULTS.md.)
#ifndef TESSERA_CORE_OPS_LINALG_BLAS_H_
#define TESSERA_CORE_OPS_LINALG_BLAS_H_

namespace mx {

template <typename T>
void CpuGemm(bool trans_a, bool trans_b, int m, int n, int k, T alpha, const T* a, int lda,
             const T* b, int ldb, T beta, T* c, int ldc);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_LINALG_BLAS_H_
