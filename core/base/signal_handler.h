// Fatal-signal reports, as MXNet's: a process that dies of SIGSEGV, SIGBUS, SIGFPE, SIGILL or
// SIGABRT first writes "Segmentation fault: 11"-style text and the stack of the thread that
// faulted to stderr, then dies of the same signal (exit status and core dumps unchanged). The
// frames are "binary(function+0x..)" or "binary(+0x..)"; `addr2line -Cfe binary 0x..` names
// the source line of the latter. MXNET_USE_SIGNAL_HANDLER=0 leaves the signals alone.
#ifndef TESSERA_CORE_BASE_SIGNAL_HANDLER_H_
#define TESSERA_CORE_BASE_SIGNAL_HANDLER_H_

namespace mx {

// Installs the handlers once per process (later calls do nothing); called when the engine is
// first used, so every Tessera program has them. Returns whether they are installed.
bool InstallFatalSignalHandlers();

}  // namespace mx

#endif  // TESSERA_CORE_BASE_SIGNAL_HANDLER_H_
