// The parameter server's wire format. A message is one to three ZeroMQ frames:
//   frame 0: Header (fixed size, little-endian, magic "TSPS", format version, job token,
//            message type, sender id, flags, and the exact byte lengths of meta and data)
//   frame 1: meta (text: addresses, optimizer specification, shapes), optional
//   frame 2: data (raw array elements), optional; with flag kShmData, a descriptor of the
//            data in the sender's shared memory instead (shm.h, nodes of one machine)
// Decode() checks every field it can (frame count and sizes, magic, version, type range, token,
// lengths against the frames and against a size limit) and reports what was wrong, so a node
// can reject a bad or foreign message, log it, and keep serving.
#ifndef TESSERA_DIST_PS_MESSAGE_H_
#define TESSERA_DIST_PS_MESSAGE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dist/ps/bytes.h"

namespace mx {
namespace ps {

constexpr uint16_t kWireVersion = 3;

// Header flags.
constexpr uint32_t kShmData = 1;  // frame 2 is a shared-memory descriptor of data_len bytes

enum class MsgType : uint16_t {
  kRegister = 1,  // node -> scheduler: meta "role address preferred_rank"
  kAddressBook,   // scheduler -> node: meta lines "id role rank address"; key = your id;
                  // round 1: you replace a lost worker (elastic)
  kBarrier,       // worker -> scheduler; key 1: the start of epoch `round` (elastic)
  kBarrierDone,   // scheduler -> workers; elastic: meta "epoch E\nlive R R ...\n"
  kHeartbeat,     // node -> scheduler, and the scheduler's answer
  kInit,          // worker 0 -> server: key, slice offset, shape in meta, data
  kPush,          // worker -> server: key, round, data
  kPull,          // worker -> server: key, round wanted
  kPullReply,     // server -> worker: key, round, data
  kSetOptimizer,  // worker 0 -> server: meta = optimizer specification
  kAck,           // reply to kInit / kSetOptimizer
  kFinalize,      // worker -> scheduler: this worker is done
  kShutdown,      // scheduler -> servers: the job is over
  kNodeDead,      // scheduler -> nodes: meta names the node that stopped answering
  kError,         // reply carrying an error text in meta
  kEpochDone,     // worker -> server: no more pushes from me this epoch; ack meta "key round"
  kSaveShard,     // worker 0 -> server: write your shard to meta (a path); ack meta the path
  kLoadShard,     // worker 0 -> server: load your shard from meta (a path)
  kNodeJoined,    // scheduler -> servers: key = a replacement worker's id, meta its address
  kPushPull,      // worker -> server: a push whose round's weights are answered as to a pull
  kLast = kPushPull,
};

const char* MsgTypeName(MsgType t);

#pragma pack(push, 1)
struct Header {
  char magic[4];
  uint16_t version;
  uint16_t type;
  uint64_t token;
  int32_t sender;  // node id (-1 before registration)
  int32_t key;
  int64_t request;  // request id, echoed by replies
  int64_t round;    // push count of a key (dist_sync)
  int64_t offset;   // first element of this slice of the key
  uint32_t dtype;
  uint32_t flags;
  uint64_t meta_len;  // bytes of frame 1
  uint64_t data_len;  // bytes of the data (frame 2, or what its descriptor names)
};
#pragma pack(pop)
static_assert(sizeof(Header) == 72, "wire header layout");

struct Message {
  MsgType type = MsgType::kError;
  int sender = -1;
  int key = 0;
  int64_t request = 0;
  int64_t round = 0;
  int64_t offset = 0;
  int dtype = 0;
  std::string meta;
  // Payload bytes; shared so a send can hand them to ZeroMQ or to shared memory without a
  // copy, and a receiver can read them where they arrived.
  Payload data;
  size_t data_size() const { return data ? data->size() : 0; }
};

// The frames of `m` for job `token`: header bytes, and meta/data as present.
Header EncodeHeader(const Message& m, uint64_t token);

// Builds a Message from received frames, or returns false with `why` set. `frames` are the
// frames' bytes; `max_bytes` limits meta + data. `source` makes the payload once everything
// else checked out.
struct FrameView {
  const char* data;
  size_t size;
};
struct PayloadSource {
  // The bytes of frame 2 (unset: copied to the heap).
  std::function<Payload(const FrameView&)> inline_bytes;
  // Frame 2 as a shared-memory descriptor of `size` bytes: the payload, or null with `why`
  // set (unset: such messages are refused).
  std::function<Payload(const FrameView&, uint64_t size, std::string* why)> shared;
};
bool Decode(const std::vector<FrameView>& frames, uint64_t token, uint64_t max_bytes, Message* out,
            std::string* why, const PayloadSource& source = PayloadSource());

// The meta of an elastic kBarrierDone: the epoch and the ranks of the live workers
// ("epoch E\nlive R R ...\n"), and back (ValueError when `meta` is not one).
std::string MembershipMeta(int64_t epoch, const std::vector<int>& live);
void ParseMembershipMeta(const std::string& meta, int64_t* epoch, std::vector<int>* live);

// 64-bit FNV-1a of a job's token string (what travels in headers).
uint64_t TokenHash(const std::string& token);

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_MESSAGE_H_
