#include "dist/ps/stream_copy.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/ndarray/copy_kernels.h"

namespace mx {
namespace ps {
namespace {

#if defined(__SSE2__)
// One thread's part: a plain copy up to a 16-byte aligned destination, 64 bytes a step with
// streaming stores, a plain copy of the rest, and a fence so that the stores are visible to
// other cores (and processes) once the parallel loop has ended.
void StreamPart(char* d, const char* s, size_t n) {
  size_t head = (16 - reinterpret_cast<uintptr_t>(d) % 16) % 16;
  head = std::min(head, n);
  std::memcpy(d, s, head);
  size_t i = head;
  for (; i + 64 <= n; i += 64) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 16));
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 32));
    __m128i e = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 48));
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + i), a);
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + i + 16), b);
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + i + 32), c);
    _mm_stream_si128(reinterpret_cast<__m128i*>(d + i + 48), e);
  }
  std::memcpy(d + i, s + i, n - i);
  _mm_sfence();
}
#endif

}  // namespace

void StreamCopy(void* dst, const void* src, size_t bytes) {
#if defined(__SSE2__)
  if (bytes >= kStreamCopyMinBytes) return CopyInPieces(dst, src, bytes, StreamPart);
#endif
  HostCopy(dst, src, bytes);
}

}  // namespace ps
}  // namespace mx
