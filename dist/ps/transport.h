// Transport between parameter-server nodes: bind, connect, send and receive over messages
// (message.h), and allocate for payloads. The ZeroMQ implementation gives every node one PULL
// socket bound to its own endpoint and one PUSH socket per peer it talks to; payloads go out as
// ZeroMQ frames without a copy and are read where they arrived. "inproc://" endpoints keep nodes of
// one process (tests) off the network. Between nodes of one machine, payloads of 64 KiB and more
// travel through shared memory (shm.h): the address Bind() returns carries the node's
// locality ("tcp://HOST:PORT#shm=LOCALITY"), and a sender whose peer has its own locality
// writes the payload into its pool (once, however many peers get it) and sends a descriptor.
// Messages to such a peer go over a Unix socket (local_channel.h) when the peer listens on one
// ("...#shm=LOCALITY#unix=NAME"): fewer thread hand-overs than ZeroMQ over TCP.
// Receive() rejects and logs malformed, foreign-job and oversized messages and keeps waiting.
// Send() and Allocate() may be called from several threads; Receive() from one.
#ifndef TESSERA_DIST_PS_TRANSPORT_H_
#define TESSERA_DIST_PS_TRANSPORT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "dist/ps/message.h"

namespace mx {
namespace ps {

class Transport {
 public:
  virtual ~Transport() = default;
  // Listens on `endpoint` ("tcp://HOST:PORT", "tcp://HOST:*" for any free port,
  // "inproc://NAME"); returns the address peers should connect to.
  virtual std::string Bind(const std::string& endpoint) = 0;
  // Messages to node `peer` go to `address` (an endpoint, or what a peer's Bind returned) from
  // now on.
  virtual void Connect(int peer, const std::string& address) = 0;
  // `bytes` for a payload about to be sent: in shared memory when a connected peer is on this
  // machine and the pool has room, else on the heap. Filling it there saves a copy.
  virtual Payload Allocate(size_t bytes) = 0;
  // Throws DistError when `peer` is unknown or does not take the message within the send
  // timeout.
  virtual void Send(int peer, const Message& m) = 0;
  // The next valid message within `timeout_ms`; false on timeout.
  virtual bool Receive(int timeout_ms, Message* out) = 0;
  // Messages rejected so far (for tests and logs).
  virtual int64_t rejected() const = 0;
  // Payloads sent as shared-memory descriptors so far.
  virtual int64_t shared_sends() const = 0;
  // Messages sent over the local channel (local_channel.h) so far.
  virtual int64_t local_sends() const = 0;
  // Payloads sent as descriptors of a cpu_shared array's own memory (no copy) so far.
  virtual int64_t array_sends() const = 0;
  // cpu_shared arrays allocated from now on live in this node's shared memory while it runs
  // (shm_arrays.h); nothing without shared memory.
  virtual void ServeSharedArrays() = 0;
};

// `token` (TokenHash of the job token) is stamped on every message sent and required on every
// message received; `max_bytes` bounds a message's meta + data; `shm_bytes` bounds the shared
// memory this node fills with payloads for peers of its machine (0: none, all over the network).
std::unique_ptr<Transport> CreateZmqTransport(uint64_t token, uint64_t max_bytes,
                                              uint64_t shm_bytes);

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_TRANSPORT_H_
