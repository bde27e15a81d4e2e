// A key of a dist store as the worker sees it: its slices over the servers (MXNet's
// MXNET_KVSTORE_BIGARRAY_BOUND rule) and the messages that carry a slice's elements.
#ifndef TESSERA_DIST_KVSTORE_KEY_SLICES_H_
#define TESSERA_DIST_KVSTORE_KEY_SLICES_H_

#include <cstdint>
#include <vector>

#include "core/engine/engine.h"
#include "core/ndarray/ndarray.h"
#include "dist/ps/compression.h"
#include "dist/ps/config.h"
#include "dist/ps/message.h"
#include "dist/ps/transport.h"

namespace mx {
namespace kv {

struct SliceInfo {
  int server;  // node id
  int64_t offset, size;
};

struct KeyInfo {
  Shape shape;
  DType dtype;
  std::vector<SliceInfo> slices;
  int64_t pushes = 0;
  VarHandle comm = nullptr;     // orders this key's pushes and pulls on the engine
  std::vector<float> residual;  // 2bit error feedback
};

// Key `key` of `n` elements: on one server (key % servers) up to the job's bigarray bound,
// else split evenly over all servers.
std::vector<SliceInfo> PlaceSlices(int key, int64_t n, const ps::PsConfig& c);

// The message `type` for slice `s` of the key's elements at `bytes` (host memory), answering
// `request` (a push-pull: its pull's; else a new request), copied once into memory `transport`
// sends without another copy (shared memory for a server of this machine; big slices with
// streaming stores, stream_copy.h). With `array` (a push-pull's gradient, whose bytes `bytes`
// are), the payload is the array's bytes themselves: the operation reads the array until the
// server's answer, which comes after the server has read them (the transport copies them into
// shared memory for a server of this machine, or describes them there when the array is
// cpu_shared, shm_arrays.h).
ps::Message SliceMessage(ps::MsgType type, int key, const KeyInfo& info, const SliceInfo& s,
                         const char* bytes, int64_t request, ps::Transport* transport,
                         const NDArray* array = nullptr);

// Replaces a push's float32 payload by its compressed form (2bit keeps a residual per key).
// Call from the key's push operation, the only user of its residual then.
void CompressSlice(const ps::CompressionConfig& config, int key, KeyInfo& info, const SliceInfo& s,
                   ps::Message* m);

}  // namespace kv
}  // namespace mx

#endif  // TESSERA_DIST_KVSTORE_KEY_SLICES_H_
