#include "dist/ps/message.h"

#include <cstring>
#include <sstream>

#include "core/base/error.h"

namespace mx {
namespace ps {

const char* MsgTypeName(MsgType t) {
  static const char* names[] = {
      "?",          "register",    "address-book", "barrier",    "barrier-done",  "heartbeat",
      "init",       "push",        "pull",         "pull-reply", "set-optimizer", "ack",
      "finalize",   "shutdown",    "node-dead",    "error",      "epoch-done",    "save-shard",
      "load-shard", "node-joined", "push-pull"};
  auto i = static_cast<size_t>(t);
  return i < sizeof(names) / sizeof(names[0]) ? names[i] : "?";
}

Header EncodeHeader(const Message& m, uint64_t token) {
  Header h;
  std::memset(&h, 0, sizeof(h));
  std::memcpy(h.magic, "TSPS", 4);
  h.version = kWireVersion;
  h.type = static_cast<uint16_t>(m.type);
  h.token = token;
  h.sender = m.sender;
  h.key = m.key;
  h.request = m.request;
  h.round = m.round;
  h.offset = m.offset;
  h.dtype = static_cast<uint32_t>(m.dtype);
  h.meta_len = m.meta.size();
  h.data_len = m.data_size();
  return h;
}

bool Decode(const std::vector<FrameView>& frames, uint64_t token, uint64_t max_bytes, Message* out,
            std::string* why, const PayloadSource& source) {
  auto fail = [&](const std::string& s) {
    *why = s;
    return false;
  };
  if (frames.empty() || frames.size() > 3)
    return fail("expected 1 to 3 frames, found " + std::to_string(frames.size()));
  if (frames[0].size != sizeof(Header))
    return fail("header frame of " + std::to_string(frames[0].size) + " bytes, expected " +
                std::to_string(sizeof(Header)));
  Header h;
  std::memcpy(&h, frames[0].data, sizeof(h));
  if (std::memcmp(h.magic, "TSPS", 4) != 0) return fail("bad magic: not a Tessera message");
  if (h.version != kWireVersion)
    return fail("wire version " + std::to_string(h.version) + ", this node speaks " +
                std::to_string(kWireVersion));
  if (h.token != token) return fail("job token mismatch: the sender belongs to another job");
  if (h.type < 1 || h.type > static_cast<uint16_t>(MsgType::kLast))
    return fail("unknown message type " + std::to_string(h.type));
  if (h.meta_len > max_bytes || h.data_len > max_bytes || h.meta_len + h.data_len > max_bytes)
    return fail("message of " + std::to_string(h.meta_len + h.data_len) +
                " bytes exceeds the limit of " + std::to_string(max_bytes));
  if (h.flags & ~kShmData) return fail("unknown header flags " + std::to_string(h.flags));
  bool shm = (h.flags & kShmData) != 0;
  if (shm && (frames.size() != 3 || h.data_len == 0))
    return fail("shared-memory flag without a descriptor frame and data length");
  size_t meta_size = frames.size() > 1 ? frames[1].size : 0;
  size_t data_size = shm ? h.data_len : frames.size() > 2 ? frames[2].size : 0;
  if (h.meta_len != meta_size || h.data_len != data_size) {
    std::ostringstream s;
    s << "lengths in the header (meta " << h.meta_len << ", data " << h.data_len
      << ") do not match the frames (" << meta_size << ", " << data_size << "): truncated?";
    return fail(s.str());
  }
  out->type = static_cast<MsgType>(h.type);
  out->sender = h.sender;
  out->key = h.key;
  out->request = h.request;
  out->round = h.round;
  out->offset = h.offset;
  out->dtype = static_cast<int>(h.dtype);
  out->meta.assign(meta_size ? frames[1].data : "", meta_size);
  out->data.reset();
  if (shm) {
    if (!source.shared) return fail("data in shared memory, which this node does not read");
    out->data = source.shared(frames[2], h.data_len, why);
    if (!out->data) return false;
  } else if (data_size) {
    out->data =
        source.inline_bytes ? source.inline_bytes(frames[2]) : CopyBytes(frames[2].data, data_size);
  }
  return true;
}

uint64_t TokenHash(const std::string& token) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : token) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string MembershipMeta(int64_t epoch, const std::vector<int>& live) {
  std::ostringstream out;
  out << "epoch " << epoch << "\nlive";
  for (int r : live) out << " " << r;
  out << "\n";
  return out.str();
}

void ParseMembershipMeta(const std::string& meta, int64_t* epoch, std::vector<int>* live) {
  std::istringstream in(meta);
  std::string word, tag;
  in >> word >> *epoch >> tag;
  MX_CHECK_AS(ValueError, !in.fail() && word == "epoch" && tag == "live")
      << "'" << meta << "' is not an elastic membership (epoch E, live R ...)";
  live->clear();
  for (int r; in >> r;) live->push_back(r);
}

}  // namespace ps
}  // namespace mx
