// Fatal-signal reports: each case dies in a child process (gtest death tests, re-executed so
// that every child starts with the signals untouched) and checks what it wrote and how it died.
#include "core/base/signal_handler.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "core/engine/engine.h"

namespace mx {
namespace {

void WriteThroughNull() {
  volatile int* p = nullptr;
  *p = 1;
}

class SignalHandler : public ::testing::Test {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer handles SIGSEGV itself (a handler installed first stays)";
#endif
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

TEST_F(SignalHandler, EngineUseInstallsItAndASegfaultPrintsTheStack) {
  EXPECT_EXIT(
      {
        unsetenv("MXNET_USE_SIGNAL_HANDLER");
        Engine::Get();
        WriteThroughNull();
      },
      ::testing::KilledBySignal(SIGSEGV),
      "Segmentation fault: 11\n\nStack trace:\n.*signal_handler_test.*MXNET_USE_SIGNAL_HANDLER=0");
}

TEST_F(SignalHandler, AbortIsReportedAndStillAborts) {
  EXPECT_EXIT(
      {
        unsetenv("MXNET_USE_SIGNAL_HANDLER");
        if (!InstallFatalSignalHandlers()) _exit(3);
        std::abort();
      },
      ::testing::KilledBySignal(SIGABRT), "Aborted: 6\n\nStack trace:\n");
}

TEST_F(SignalHandler, OffByEnvironmentLeavesTheSignalAlone) {
  EXPECT_EXIT(
      {
        setenv("MXNET_USE_SIGNAL_HANDLER", "0", 1);
        if (InstallFatalSignalHandlers()) _exit(3);
        WriteThroughNull();
      },
      ::testing::KilledBySignal(SIGSEGV), "^$");
}

void ExitWith42(int) { _exit(42); }

TEST_F(SignalHandler, AHandlerInstalledBeforeStaysInPlace) {
  EXPECT_EXIT(
      {
        unsetenv("MXNET_USE_SIGNAL_HANDLER");
        signal(SIGSEGV, ExitWith42);
        if (!InstallFatalSignalHandlers()) _exit(3);
        WriteThroughNull();
      },
      ::testing::ExitedWithCode(42), "^$");
}

}  // namespace
}  // namespace mx
