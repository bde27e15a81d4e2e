// MX_CPU_CLONES: compile a hot CPU function three times, for x86-64-v4 (AVX-512), x86-64-v3
// (AVX2) and the baseline, and pick the version once per process from the CPU it runs on
// (GCC's target_clones, resolved through an ifunc). The build itself stays baseline x86-64, so
// the binaries run on any x86-64 machine. Floating-point contraction is off in every build
// (.bazelrc: -ffp-contract=off), so the three versions give the same bits: no fused
// multiply-adds, and the compiler never reorders a floating-point sum.
// Empty for nvcc, clang and other architectures.
#ifndef TESSERA_CORE_BASE_CPU_CLONES_H_
#define TESSERA_CORE_BASE_CPU_CLONES_H_

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && \
    !defined(MX_NO_CPU_CLONES)
#define MX_CPU_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MX_CPU_CLONES
#endif

#endif  // TESSERA_CORE_BASE_CPU_CLONES_H_
