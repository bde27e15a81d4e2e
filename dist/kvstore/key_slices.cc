#include "dist/kvstore/key_slices.h"

#include <algorithm>
#include <memory>

#include "core/base/error.h"
#include "dist/ps/stream_copy.h"

namespace mx {
namespace kv {

std::vector<SliceInfo> PlaceSlices(int key, int64_t n, const ps::PsConfig& c) {
  int64_t servers = c.num_servers;
  if (n <= c.bigarray_bound || servers == 1)
    return {{c.server_id(static_cast<int>(key % servers)), 0, n}};
  std::vector<SliceInfo> slices;
  int64_t per = (n + servers - 1) / servers;
  for (int64_t s = 0; s < servers && s * per < n; ++s)
    slices.push_back({c.server_id(static_cast<int>(s)), s * per, std::min(per, n - s * per)});
  return slices;
}

ps::Message SliceMessage(ps::MsgType type, int key, const KeyInfo& info, const SliceInfo& s,
                         const char* bytes, int64_t request, ps::Transport* transport,
                         const NDArray* array) {
  ps::Message m;
  m.type = type;
  m.key = key;
  m.offset = s.offset;
  m.dtype = static_cast<int>(info.dtype);
  m.request = request;
  size_t elem = DTypeSize(info.dtype);
  char* slice = const_cast<char*>(bytes) + s.offset * elem;
  if (array && reinterpret_cast<uintptr_t>(slice) % 8 == 0) {
    m.data = ps::BorrowBytes(slice, s.size * elem, std::make_shared<NDArray>(*array));
    return m;
  }
  m.data = transport->Allocate(s.size * elem);
  ps::StreamCopy(m.data->data(), slice, s.size * elem);
  return m;
}

void CompressSlice(const ps::CompressionConfig& config, int key, KeyInfo& info, const SliceInfo& s,
                   ps::Message* m) {
  MX_CHECK_AS(ValueError, info.dtype == kFloat32)
      << "gradient compression handles float32 gradients; key " << key << " is "
      << DTypeName(info.dtype) << ".";
  std::vector<float>& residual = info.residual;
  residual.resize(static_cast<size_t>(info.shape.Size()), 0.0f);
  const float* grad = reinterpret_cast<const float*>(m->data->data());
  std::vector<char> encoded = ps::Encode(config, grad, s.size, residual.data() + s.offset);
  m->data = ps::CopyBytes(encoded.data(), encoded.size());
  m->meta = ps::CompressionMeta(config);
}

}  // namespace kv
}  // namespace mx
