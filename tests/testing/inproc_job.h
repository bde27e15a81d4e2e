// A parameter-server job inside one test process: the scheduler, the servers and the workers
// run on threads and talk over ZeroMQ inproc endpoints. RunInprocJob returns after every role
// has returned; an exception in any of them fails the test (gtest).
#ifndef TESSERA_TESTS_TESTING_INPROC_JOB_H_
#define TESSERA_TESTS_TESTING_INPROC_JOB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "dist/kvstore/kvstore.h"
#include "dist/ps/config.h"

namespace mx {
namespace testing {

// `work(rank, store)` runs on each worker's thread with its store of `type` ("dist_sync", ...).
// `name` must be unique in the process (it names the endpoints and the job token).
// `configure`, when set, may change each node's configuration (role and preferred_rank set).
void RunInprocJob(const std::string& name, const std::string& type, int workers, int servers,
                  int64_t bigarray_bound,
                  const std::function<void(int, const std::shared_ptr<kv::KVStore>&)>& work,
                  const std::function<void(ps::PsConfig*)>& configure = nullptr);

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_TESTING_INPROC_JOB_H_
