// Two transports of one process, as two nodes of one machine (dist/ps/transport.h): `a` is
// node 1 and `b` node 2, each connected to the other over inproc endpoints named after `name`;
// `a_shm` and `b_shm` are their shared-memory budgets (0: none).
#ifndef TESSERA_TESTS_DIST_TRANSPORT_PAIR_H_
#define TESSERA_TESTS_DIST_TRANSPORT_PAIR_H_

#include <cstdint>
#include <memory>
#include <string>

#include "dist/ps/transport.h"

namespace mx {
namespace testing {

struct TransportPair {
  std::unique_ptr<ps::Transport> a, b;
  TransportPair(const std::string& name, uint64_t token, uint64_t a_shm, uint64_t b_shm) {
    a = ps::CreateZmqTransport(token, uint64_t(1) << 30, a_shm);
    b = ps::CreateZmqTransport(token, uint64_t(1) << 30, b_shm);
    std::string at_a = a->Bind("inproc://" + name + "-a"),
                at_b = b->Bind("inproc://" + name + "-b");
    a->Connect(2, at_b);
    b->Connect(1, at_a);
  }
};

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_DIST_TRANSPORT_PAIR_H_
