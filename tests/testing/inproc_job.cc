#include "tests/testing/inproc_job.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "dist/kvstore/dist_kvstore.h"
#include "dist/ps/roles.h"

namespace mx {
namespace testing {

void RunInprocJob(const std::string& name, const std::string& type, int workers, int servers,
                  int64_t bigarray_bound,
                  const std::function<void(int, const std::shared_ptr<kv::KVStore>&)>& work,
                  const std::function<void(ps::PsConfig*)>& configure) {
  ps::PsConfig c;
  c.num_workers = workers;
  c.num_servers = servers;
  c.inproc_prefix = name;
  c.token = "test-job-" + name;
  c.bigarray_bound = bigarray_bound;
  c.dead_after_s = 10;
  c.startup_s = 20;
  c.timeout_s = 30;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  auto guard = [&](const char* who, const std::function<void()>& f) {
    try {
      f();
    } catch (const std::exception& e) {
      ADD_FAILURE() << who << ": " << e.what();
      ++failures;
    }
  };
  ps::PsConfig sc = c;
  sc.role = ps::Role::kScheduler;
  threads.emplace_back([&, sc] { guard("scheduler", [&] { ps::RunScheduler(sc); }); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // inproc: bind before connect
  for (int s = 0; s < servers; ++s) {
    ps::PsConfig cc = c;
    cc.role = ps::Role::kServer;
    if (configure) configure(&cc);
    threads.emplace_back([&, cc] { guard("server", [&] { ps::RunServer(cc); }); });
  }
  for (int w = 0; w < workers; ++w) {
    ps::PsConfig cc = c;
    cc.role = ps::Role::kWorker;
    cc.preferred_rank = w;
    if (configure) configure(&cc);
    threads.emplace_back([&, cc, w] {
      guard("worker", [&] {
        std::shared_ptr<kv::KVStore> store = kv::CreateDistWorker(type, cc);
        work(w, store);
      });
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, 0);
}

}  // namespace testing
}  // namespace mx
