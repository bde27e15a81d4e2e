#include "core/ndarray/copy_kernels.h"

#include <algorithm>
#include <cstring>

#include "core/base/convert.h"
#include "core/base/cuda_check.h"
#include "core/base/error.h"

namespace mx {
namespace {

template <typename T>
void FillTyped(T* p, int64_t n, T v) {
#pragma omp parallel for if (n > 65536)
  for (int64_t i = 0; i < n; ++i) p[i] = v;
}

template <typename S, typename D>
void CastTyped(const S* in, int64_t sn, D* out, int64_t n) {
  if (sn == 1) {
    FillTyped(out, n, ConvertValue<D>(in[0]));
    return;
  }
#pragma omp parallel for if (n > 65536)
  for (int64_t i = 0; i < n; ++i) out[i] = ConvertValue<D>(in[i]);
}

}  // namespace

void FillBlob(const TBlob& dst, double value, void* stream) {
  int64_t n = dst.size();
  if (n == 0) return;
  if (dst.ctx.is_gpu()) {
#if MX_USE_CUDA
    FillGpu(dst.dptr, n, dst.dtype, value, stream);
    return;
#endif
  }
  (void)stream;
  MX_TYPE_SWITCH_ALL(dst.dtype, T, "fill", FillTyped(dst.ptr<T>(), n, ConvertValue<T>(value)));
}

void CastBlob(const TBlob& src, const TBlob& dst, void* stream) {
  int64_t n = dst.size(), sn = src.size();
  if (n == 0) return;
  MX_INTERNAL_CHECK(sn == n || sn == 1) << "CastBlob sizes " << sn << " and " << n;
  if (dst.ctx.is_gpu()) {
#if MX_USE_CUDA
    CastGpu(src.dptr, src.dtype, sn, dst.dptr, dst.dtype, n, stream);
    return;
#endif
  }
  (void)stream;
  MX_TYPE_SWITCH_ALL(src.dtype, S, "cast", {
    MX_TYPE_SWITCH_ALL(dst.dtype, D, "cast", CastTyped(src.ptr<S>(), sn, dst.ptr<D>(), n));
  });
}

void HostCopy(void* dst, const void* src, size_t bytes) {
  const char* d = static_cast<const char*>(dst);
  const char* s = static_cast<const char*>(src);
  bool overlap = d < s + bytes && s < d + bytes;
  if (bytes < 4 * kCopyPiece || overlap) {
    std::memmove(dst, src, bytes);
    return;
  }
  CopyInPieces(dst, src, bytes,
               [](char* to, const char* from, size_t n) { std::memcpy(to, from, n); });
}

void CopyBlobBytes(const TBlob& src, const TBlob& dst, void* stream) {
  size_t bytes = dst.bytes();
  MX_INTERNAL_CHECK(src.bytes() == bytes) << "copy of " << src.bytes() << " into " << bytes;
  if (bytes == 0 || src.dptr == dst.dptr) return;
  if (src.ctx.is_host() && dst.ctx.is_host()) {
    HostCopy(dst.dptr, src.dptr, bytes);
    return;
  }
#if MX_USE_CUDA
  cudaMemcpyKind kind = src.ctx.is_gpu() && dst.ctx.is_gpu() ? cudaMemcpyDeviceToDevice
                        : src.ctx.is_gpu()                   ? cudaMemcpyDeviceToHost
                                                             : cudaMemcpyHostToDevice;
  auto s = static_cast<cudaStream_t>(stream);
  if (src.ctx.is_gpu() && dst.ctx.is_gpu() && src.ctx.dev_id != dst.ctx.dev_id) {
    MX_CUDA_CALL(cudaMemcpyPeerAsync(dst.dptr, dst.ctx.dev_id, src.dptr, src.ctx.dev_id, bytes, s));
  } else {
    MX_CUDA_CALL(cudaMemcpyAsync(dst.dptr, src.dptr, bytes, kind, s));
  }
  MX_CUDA_CALL(cudaStreamSynchronize(s));
#else
  (void)stream;
  MX_THROW(ContextError) << "copy between " << src.ctx << " and " << dst.ctx
                         << " needs CUDA, and Tessera was built without it.";
#endif
}

}  // namespace mx
