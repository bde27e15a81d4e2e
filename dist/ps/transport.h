// Transport between parameter-server nodes: four methods (bind, connect, send, receive) over
// messages (message.h). The ZeroMQ implementation gives every node one PULL socket bound to its
// own endpoint and one PUSH socket per peer it talks to; payloads go out as ZeroMQ frames
// without a copy. "inproc://" endpoints keep nodes of one process (tests) off the network.
// Receive() rejects and logs malformed, foreign-job and oversized messages and keeps waiting.
// Send() may be called from several threads; Receive() from one.
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
  // "inproc://NAME"); returns the endpoint peers should connect to.
  virtual std::string Bind(const std::string& endpoint) = 0;
  // Messages to node `peer` go to `endpoint` from now on.
  virtual void Connect(int peer, const std::string& endpoint) = 0;
  // Throws DistError when `peer` is unknown or does not take the message within the send
  // timeout.
  virtual void Send(int peer, const Message& m) = 0;
  // The next valid message within `timeout_ms`; false on timeout.
  virtual bool Receive(int timeout_ms, Message* out) = 0;
  // Messages rejected so far (for tests and logs).
  virtual int64_t rejected() const = 0;
};

// `token` (TokenHash of the job token) is stamped on every message sent and required on every
// message received; `max_bytes` bounds a message's meta + data.
std::unique_ptr<Transport> CreateZmqTransport(uint64_t token, uint64_t max_bytes);

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_TRANSPORT_H_
