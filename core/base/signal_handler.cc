#include "core/base/signal_handler.h"

#include <execinfo.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>

#include "core/base/env.h"

namespace mx {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr int kMaxFrames = 64;

// Only async-signal-safe calls from here on: write(2), backtrace_symbols_fd, sigaction, raise.
void WriteText(const char* s) {
  size_t n = std::strlen(s);
  while (n > 0) {
    ssize_t w = write(STDERR_FILENO, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<size_t>(w);
  }
}

void WriteNumber(int v) {
  char buf[16];
  int i = sizeof(buf) - 1;
  buf[i] = '\0';
  unsigned u = v < 0 ? static_cast<unsigned>(-v) : static_cast<unsigned>(v);
  do {
    buf[--i] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0 && i > 1);
  if (v < 0) buf[--i] = '-';
  WriteText(buf + i);
}

const char* SignalName(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "Segmentation fault";
    case SIGBUS:
      return "Bus error";
    case SIGFPE:
      return "Floating point exception";
    case SIGILL:
      return "Illegal instruction";
    case SIGABRT:
      return "Aborted";
    default:
      return "Fatal signal";
  }
}

void OnFatalSignal(int sig) {
  // Back to the default first: a fault inside this handler, or the raise below, ends the
  // process instead of coming here again.
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);

  WriteText("\n");
  WriteText(SignalName(sig));
  WriteText(": ");
  WriteNumber(sig);
  WriteText("\n\nStack trace:\n");
  void* frames[kMaxFrames];
  int n = backtrace(frames, kMaxFrames);
  backtrace_symbols_fd(frames, n, STDERR_FILENO);
  WriteText("(MXNET_USE_SIGNAL_HANDLER=0 turns this report off)\n");
  raise(sig);
}

bool Install() {
  if (!EnvBool("MXNET_USE_SIGNAL_HANDLER")) return false;
  // backtrace() loads libgcc on its first call, which allocates: do it now, not in a handler.
  void* warm[1];
  backtrace(warm, 1);
  for (int sig : kSignals) {
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) != 0) continue;
    // A handler someone else installed (a debugger's, a test framework's) stays theirs.
    if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO)) continue;
    struct sigaction sa;
    std::memset(&sa, 0, sizeof(sa));
    sa.sa_handler = OnFatalSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
  return true;
}

}  // namespace

bool InstallFatalSignalHandlers() {
  static const bool installed = Install();
  return installed;
}

}  // namespace mx
