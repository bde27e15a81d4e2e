// Element-wise fill, cast and copy between devices: the kernels NDArray itself needs (creation,
// assignment, AsType, CopyTo). Each runs synchronously on the calling engine worker; GPU variants
// enqueue on `stream` (the engine drains it). Throw mx::Error on CUDA failures.
#ifndef TESSERA_CORE_NDARRAY_COPY_KERNELS_H_
#define TESSERA_CORE_NDARRAY_COPY_KERNELS_H_

#include <cstddef>
#include <cstdint>

#include "core/base/dtype.h"
#include "core/ndarray/tblob.h"

namespace mx {

// dst[i] = value converted to dst's dtype.
void FillBlob(const TBlob& dst, double value, void* stream);
// dst[i] = src[i % src.size()] converted to dst's dtype (src and dst on the same device; a
// 1-element src broadcasts).
void CastBlob(const TBlob& src, const TBlob& dst, void* stream);
// Copies bytes between any two devices (same dtype and size).
void CopyBlobBytes(const TBlob& src, const TBlob& dst, void* stream);
// memmove on the host, split over OpenMP threads when `bytes` is large and the ranges do not
// overlap (one core cannot draw the memory bandwidth the machine has).
void HostCopy(void* dst, const void* src, size_t bytes);
// copy(d, s, n) for the kCopyPiece pieces of a host copy of `bytes`, on all OpenMP threads (how
// HostCopy splits a large copy; StreamCopy's streaming stores split the same way).
constexpr size_t kCopyPiece = size_t(1) << 20;
template <typename PieceCopy>
void CopyInPieces(void* dst, const void* src, size_t bytes, PieceCopy copy) {
  char* d = static_cast<char*>(dst);
  const char* s = static_cast<const char*>(src);
  const int64_t pieces = static_cast<int64_t>((bytes + kCopyPiece - 1) / kCopyPiece);
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < pieces; ++p) {
    const size_t begin = static_cast<size_t>(p) * kCopyPiece;
    copy(d + begin, s + begin, bytes - begin < kCopyPiece ? bytes - begin : kCopyPiece);
  }
}

#if MX_USE_CUDA
void FillGpu(void* dptr, int64_t n, DType dtype, double value, void* stream);
void CastGpu(const void* src, DType src_type, int64_t src_n, void* dst, DType dst_type, int64_t n,
             void* stream);
#endif

}  // namespace mx

#endif  // TESSERA_CORE_NDARRAY_COPY_KERNELS_H_
