// How a worker copies a big gradient into a payload that another process reads next (a region
// of shared memory for a server of this machine): with non-temporal stores, so that the bytes
// go to memory without first reading every destination line into this core's cache (the
// read-for-ownership a plain copy makes). 16 MB push-pulls ran 10-30 % faster for it
// (tools/bench/RESULTS.md, session 11).
#ifndef TESSERA_DIST_PS_STREAM_COPY_H_
#define TESSERA_DIST_PS_STREAM_COPY_H_

#include <cstddef>

namespace mx {
namespace ps {

// Copies at and above this size stream; smaller ones (which may stay in cache for the reader)
// are plain copies.
constexpr size_t kStreamCopyMinBytes = size_t(4) << 20;

// memcpy(dst, src, bytes) for ranges that do not overlap, on all OpenMP threads; non-temporal
// stores from kStreamCopyMinBytes on (on x86-64; a plain copy elsewhere). The stores are
// complete (fenced) when it returns.
void StreamCopy(void* dst, const void* src, size_t bytes);

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_STREAM_COPY_H_
