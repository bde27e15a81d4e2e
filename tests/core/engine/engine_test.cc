#include "core/engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

#include "core/base/error.h"
#include "core/engine/worker_pool.h"

namespace mx {
namespace {

class EngineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    setenv("MXNET_CPU_WORKER_NTHREADS", "4", 1);  // real concurrency between ops
    // "<type>/nospin": idle workers and waiters sleep at once (TESSERA_ENGINE_SPIN_US=0).
    std::string type = GetParam();
    bool nospin = type.find("/nospin") != std::string::npos;
    setenv("TESSERA_ENGINE_SPIN_US", nospin ? "0" : "50", 1);
    engine_ = Engine::Create(type.substr(0, type.find('/')));
  }
  std::unique_ptr<Engine> engine_;
};

TEST_P(EngineTest, WriteAfterReadIsOrdered) {
  VarHandle v = engine_->NewVariable();
  std::vector<int> log;
  std::mutex mu;
  for (int i = 0; i < 50; ++i) {
    engine_->PushSync(
        [&, i](RunContext) {
          std::this_thread::sleep_for(std::chrono::microseconds(i % 3 * 50));
          std::lock_guard<std::mutex> l(mu);
          log.push_back(i);
        },
        cpu(), {}, {v});
  }
  engine_->WaitForVar(v);
  ASSERT_EQ(log.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(log[i], i);
  engine_->DeleteVariable(nullptr, cpu(), v);
}

TEST_P(EngineTest, ReadsSeeTheLastWrite) {
  VarHandle v = engine_->NewVariable();
  double value = 0;
  std::atomic<int> bad{0};
  for (int i = 1; i <= 200; ++i) {
    engine_->PushSync([&, i](RunContext) { value = i; }, cpu(), {}, {v});
    for (int r = 0; r < 3; ++r)
      engine_->PushSync([&, i](RunContext) { bad += (value != i); }, cpu(), {v}, {});
  }
  engine_->WaitForAll();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(value, 200);
  engine_->DeleteVariable(nullptr, cpu(), v);
}

// Thousands of ops over many vars, pushed from several threads. The engine must give the same
// result as running the ops one after another in the order they were pushed.
TEST_P(EngineTest, RandomizedStressEqualsSequentialRun) {
  constexpr int kVars = 24, kThreads = 4, kOpsPerThread = 1500;
  std::vector<double> data(kVars), expected(kVars);
  std::vector<VarHandle> vars;
  for (int i = 0; i < kVars; ++i) {
    data[i] = expected[i] = i + 1;
    vars.push_back(engine_->NewVariable());
  }
  struct Op {
    std::vector<int> reads;
    int write;
    double coef;
  };
  std::vector<Op> order;
  std::mutex push_mu;
  std::vector<std::thread> pushers;
  for (int t = 0; t < kThreads; ++t) {
    pushers.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      for (int k = 0; k < kOpsPerThread; ++k) {
        Op op;
        int nr = rng() % 3;
        for (int r = 0; r < nr; ++r) op.reads.push_back(rng() % kVars);
        op.write = rng() % kVars;
        op.coef = 0.5 + (rng() % 100) / 100.0;
        std::vector<VarHandle> cv;
        for (int r : op.reads) cv.push_back(vars[r]);
        std::lock_guard<std::mutex> lock(push_mu);
        order.push_back(op);
        engine_->PushSync(
            [&data, op](RunContext) {
              double acc = data[op.write] * op.coef;
              for (int r : op.reads) acc = std::fmod(acc + data[r] * 0.25, 1000.0);
              data[op.write] = acc;
            },
            cpu(), cv, {vars[op.write]}, FnProperty::kNormal, static_cast<int>(rng() % 5));
      }
    });
  }
  for (auto& p : pushers) p.join();
  engine_->WaitForAll();
  for (const Op& op : order) {
    double acc = expected[op.write] * op.coef;
    for (int r : op.reads) acc = std::fmod(acc + expected[r] * 0.25, 1000.0);
    expected[op.write] = acc;
  }
  for (int i = 0; i < kVars; ++i) {
    EXPECT_EQ(std::memcmp(&data[i], &expected[i], sizeof(double)), 0) << "var " << i;
    engine_->DeleteVariable(nullptr, cpu(), vars[i]);
  }
}

TEST_P(EngineTest, ErrorIsCarriedToTheNextWaitOnAffectedVars) {
  VarHandle a = engine_->NewVariable(), b = engine_->NewVariable(), c = engine_->NewVariable();
  bool ran_dependent = false, ran_unrelated = false;
  auto push_failing = [&] {
    engine_->PushSync([](RunContext) { MX_THROW(ShapeError) << "boom in op"; }, cpu(), {}, {a});
  };
  if (engine_->Type() == "NaiveEngine") {
    EXPECT_THROW(push_failing(), ShapeError);  // synchronous: thrown at the call
    return;
  }
  push_failing();
  engine_->PushSync([&](RunContext) { ran_dependent = true; }, cpu(), {a}, {b});
  engine_->PushSync([&](RunContext) { ran_unrelated = true; }, cpu(), {}, {c});
  EXPECT_NO_THROW(engine_->WaitForVar(c));
  EXPECT_TRUE(ran_unrelated);
  try {
    engine_->WaitForVar(b);
    FAIL() << "expected the error to reach b";
  } catch (const ShapeError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("boom in op"), std::string::npos);
    EXPECT_NE(m.find("MXNET_ENGINE_TYPE=NaiveEngine"), std::string::npos) << m;
  }
  EXPECT_FALSE(ran_dependent);
  EXPECT_THROW(engine_->WaitForVar(a), ShapeError);
  EXPECT_NO_THROW(engine_->WaitForVar(a));  // cleared after it was reported
  // A later error reaches WaitForAll.
  engine_->PushSync([](RunContext) { MX_THROW(IOError) << "second"; }, cpu(), {}, {c});
  EXPECT_THROW(engine_->WaitForAll(), IOError);
  EXPECT_NO_THROW(engine_->WaitForAll());
  for (VarHandle v : {a, b, c}) engine_->DeleteVariable(nullptr, cpu(), v);
}

// A resource var (the random generator's) orders its users but keeps no error: after one of
// them fails, the next still runs; an ordinary var in its place stops it.
TEST_P(EngineTest, AFailedOperationDoesNotSpoilAResourceVar) {
  if (engine_->Type() == "NaiveEngine") return;  // errors are thrown at the call there
  for (bool resource : {true, false}) {
    VarHandle r = resource ? engine_->NewResourceVariable() : engine_->NewVariable();
    VarHandle failed = engine_->NewVariable(), next = engine_->NewVariable();
    bool ran = false;
    engine_->PushSync([](RunContext) { MX_THROW(ValueError) << "bad input"; }, cpu(), {},
                      {failed, r});
    engine_->PushSync([&](RunContext) { ran = true; }, cpu(), {}, {next, r});
    if (resource) {
      EXPECT_NO_THROW(engine_->WaitForVar(next));
      EXPECT_TRUE(ran);
      EXPECT_NO_THROW(engine_->WaitForVar(r));
    } else {
      EXPECT_THROW(engine_->WaitForVar(next), ValueError);
      EXPECT_FALSE(ran);
    }
    EXPECT_THROW(engine_->WaitForVar(failed), ValueError);  // the error still reaches its outputs
    try {
      engine_->WaitForAll();
    } catch (const ValueError&) {
    }
    for (VarHandle v : {r, failed, next}) engine_->DeleteVariable(nullptr, cpu(), v);
  }
}

TEST_P(EngineTest, PrioritiesDoNotBreakDependencyOrder) {
  VarHandle v = engine_->NewVariable();
  std::vector<int> log;
  for (int i = 0; i < 100; ++i)
    engine_->PushSync([&, i](RunContext) { log.push_back(i); }, cpu(), {}, {v}, FnProperty::kNormal,
                      (i * 37) % 11);
  engine_->WaitForVar(v);
  ASSERT_EQ(log.size(), 100u);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(log[i], i);
  engine_->DeleteVariable(nullptr, cpu(), v);
}

TEST_P(EngineTest, DeleteVariableRunsAfterPendingOps) {
  VarHandle v = engine_->NewVariable();
  std::atomic<int> count{0};
  int seen_at_delete = -1;
  for (int i = 0; i < 10; ++i)
    engine_->PushSync(
        [&](RunContext) {
          std::this_thread::sleep_for(std::chrono::microseconds(100));
          ++count;
        },
        cpu(), {v}, {});
  engine_->DeleteVariable([&](RunContext) { seen_at_delete = count.load(); }, cpu(), v);
  engine_->WaitForAll();
  EXPECT_EQ(seen_at_delete, 10);
}

TEST_P(EngineTest, AsyncFunctionCompletesFromAnotherThread) {
  VarHandle v = engine_->NewVariable();
  int value = 0;
  std::thread helper;
  engine_->PushAsync(
      [&](RunContext, CallbackOnComplete cb) {
        helper = std::thread([&, cb] {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          value = 7;
          cb();
        });
        if (engine_->Type() == "NaiveEngine") helper.join();
      },
      cpu(), {}, {v});
  engine_->PushSync([&](RunContext) { value *= 2; }, cpu(), {}, {v});
  engine_->WaitForVar(v);
  if (helper.joinable()) helper.join();
  EXPECT_EQ(value, 14);
  engine_->DeleteVariable(nullptr, cpu(), v);
}

// A distributed pull hands its callback to the receiver thread, which may complete the
// operation before the function has returned: what the function captured must live until it
// returns, and go after that.
TEST_P(EngineTest, AsyncFunctionOutlivesACompletionFromAnotherThread) {
  struct Sentinel {
    explicit Sentinel(std::atomic<bool>* d) : destroyed(d) {}
    ~Sentinel() { destroyed->store(true); }
    std::atomic<bool>* destroyed;
  };
  std::atomic<bool> destroyed{false}, alive_after_completion{false};
  VarHandle v = engine_->NewVariable();
  auto sentinel = std::make_shared<Sentinel>(&destroyed);
  engine_->PushAsync(
      [s = std::move(sentinel), d = &destroyed, a = &alive_after_completion](
          RunContext, CallbackOnComplete cb) {
        std::atomic<bool>* destroyed_flag = d;  // locals: no read of the closure below
        std::atomic<bool>* alive = a;
        std::thread([cb] { cb(); }).join();
        alive->store(!destroyed_flag->load());
      },
      cpu(), {}, {v});
  engine_->WaitForVar(v);
  engine_->WaitForAll();
  // The captures go once the function has returned (after the completion, so wait).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!destroyed.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(destroyed.load()) << "the function's captures were never released";
  EXPECT_TRUE(alive_after_completion.load()) << "the completion destroyed the running function";
  engine_->DeleteVariable(nullptr, cpu(), v);
}

INSTANTIATE_TEST_SUITE_P(Engines, EngineTest,
                         ::testing::Values("NaiveEngine", "ThreadedEnginePerDevice",
                                           "ThreadedEnginePerDevice/nospin"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '/', '_');
                           return name;
                         });

TEST(WorkerPool, APollingThreadTakesTasksAndStopsWithThePool) {
  auto start = std::chrono::steady_clock::now();
  {
    WorkerPool pool(2, nullptr, nullptr, 10 * 1000 * 1000);  // idle threads poll for 10 s
    std::atomic<int> ran{0};
    for (int round = 0; round < 3; ++round) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the threads are idle
      pool.Push([&](void*) { ++ran; }, 0);
      for (int i = 0; i < 5000 && ran.load() <= round; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      EXPECT_EQ(ran.load(), round + 1) << "a polling thread missed a task";
    }
  }  // the destructor must not wait out the 10 s of polling
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SpinUntil, SeesAConditionSetByAnotherThreadAndGivesUpAfterItsTime) {
  std::atomic<bool> flag{false};
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    flag = true;
  });
  EXPECT_TRUE(SpinUntil(10 * 1000 * 1000, [&] { return flag.load(); }));  // 10 s at most
  setter.join();
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(SpinUntil(2000, [] { return false; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::microseconds(2000));
  EXPECT_TRUE(SpinUntil(0, [] { return true; }));
  EXPECT_FALSE(SpinUntil(0, [] { return false; }));
}

TEST(ThreadedEngine, HigherPriorityRunsFirstAmongReadyOps) {
  setenv("MXNET_CPU_WORKER_NTHREADS", "1", 1);
  auto engine = Engine::Create("ThreadedEnginePerDevice");
  std::atomic<bool> release{false};
  std::vector<int> log;
  VarHandle gate = engine->NewVariable();
  engine->PushSync(
      [&](RunContext) {
        while (!release) std::this_thread::yield();
      },
      cpu(), {}, {gate});
  std::vector<VarHandle> vars;
  for (int i = 0; i < 5; ++i) {
    vars.push_back(engine->NewVariable());
    engine->PushSync([&, i](RunContext) { log.push_back(i); }, cpu(), {}, {vars.back()},
                     FnProperty::kNormal, i);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  release = true;
  engine->WaitForAll();
  EXPECT_EQ(log, (std::vector<int>{4, 3, 2, 1, 0}));
}

// kAsync (a KVStore's send): ready when pushed, it runs in the pushing thread before PushAsync
// returns; waiting for an input, on a worker after the writer, as any other function.
TEST(ThreadedEngine, AsyncFunctionsReadyWhenPushedRunInThePushingThread) {
  setenv("MXNET_CPU_WORKER_NTHREADS", "2", 1);
  auto engine = Engine::Create("ThreadedEnginePerDevice");
  VarHandle in = engine->NewVariable(), out = engine->NewVariable();
  const std::thread::id me = std::this_thread::get_id();
  std::thread::id ran_on;
  bool ran_before_return = false;
  engine->PushAsync(
      [&](RunContext, CallbackOnComplete cb) {
        ran_on = std::this_thread::get_id();
        cb();
      },
      cpu(), {in}, {out}, FnProperty::kAsync);
  ran_before_return = ran_on == me;
  engine->WaitForVar(out);
  EXPECT_TRUE(ran_before_return) << "a ready kAsync function waited for a worker";

  std::atomic<bool> release{false};
  int value = 1;
  engine->PushSync(
      [&](RunContext) {
        while (!release) std::this_thread::yield();
        value = 5;
      },
      cpu(), {}, {in});
  ran_on = std::thread::id();
  int seen = 0;
  engine->PushAsync(
      [&](RunContext, CallbackOnComplete cb) {
        ran_on = std::this_thread::get_id();
        seen = value;
        cb();
      },
      cpu(), {in}, {out}, FnProperty::kAsync);
  EXPECT_EQ(ran_on, std::thread::id()) << "ran before its input was written";
  release = true;
  engine->WaitForVar(out);
  EXPECT_EQ(seen, 5);
  EXPECT_NE(ran_on, me);
  engine->WaitForAll();
}

TEST(ThreadedEngine, NaiveAndThreadedGiveIdenticalBits) {
  auto run = [](const std::string& type) {
    auto engine = Engine::Create(type);
    std::vector<float> x(64);
    std::vector<VarHandle> vars;
    for (int i = 0; i < 8; ++i) vars.push_back(engine->NewVariable());
    for (int i = 0; i < 64; ++i) x[i] = 1.0f / (i + 1);
    for (int step = 0; step < 400; ++step) {
      int w = step % 8, r = (step * 5 + 3) % 8;
      engine->PushSync(
          [&x, w, r, step](RunContext) {
            for (int k = 0; k < 8; ++k)
              x[w * 8 + k] = x[w * 8 + k] * 0.999f + std::sin(x[r * 8 + k] + step) * 0.1f;
          },
          cpu(), {vars[r]}, {vars[w]});
    }
    engine->WaitForAll();
    for (VarHandle v : vars) engine->DeleteVariable(nullptr, cpu(), v);
    return x;
  };
  std::vector<float> a = run("NaiveEngine"), b = run("ThreadedEnginePerDevice");
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
}

TEST(Engine, UnknownTypeListsValidOnes) {
  try {
    Engine::Create("FastEngine");
    FAIL();
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("NaiveEngine"), std::string::npos);
  }
}

}  // namespace
}  // namespace mx
