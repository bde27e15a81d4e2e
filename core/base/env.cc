#include "core/base/env.h"

#include <cstdlib>

#include "core/base/error.h"

namespace mx {

const std::vector<EnvVarInfo>& KnownEnvVars() {
  static const std::vector<EnvVarInfo> vars = {
      {"MXNET_ENGINE_TYPE", "ThreadedEnginePerDevice",
       "ThreadedEnginePerDevice (asynchronous, worker threads per device) or NaiveEngine "
       "(every operation runs synchronously in the calling thread; errors surface at the call "
       "that caused them)"},
      {"MXNET_CPU_WORKER_NTHREADS", "1",
       "worker threads of the CPU engine (independent operations run in parallel)"},
      {"TESSERA_ENGINE_SPIN_US", "50",
       "microseconds an idle CPU engine worker polls for work, and a thread waiting for a "
       "result (WaitToRead) for it, before sleeping: short operations skip two thread wake-ups "
       "(0: sleep at once)"},
      {"MXNET_OMP_MAX_THREADS", "0",
       "threads used inside one CPU kernel (OpenMP loops and OpenBLAS); 0 means all cores"},
      {"MXNET_CPU_MEM_POOL_TYPE", "Naive",
       "Naive: freed CPU buffers are kept in a pool for reuse; Unpooled: returned to the OS"},
      {"MXNET_MKLDNN_ENABLED", "1",
       "1: CPU float32 convolutions run on oneDNN (when built with it); 0: im2col + GEMM"},
      {"TESSERA_DNNL_NHWC", "1",
       "1: oneDNN convolutions whose input channels are not a multiple of 16 run in NHWC "
       "(blocked layouts pad the channels to 16); 0: blocked layouts"},
      {"MXNET_CUDNN_AUTOTUNE_DEFAULT", "1",
       "1: the first use of each convolution shape on a GPU times cuDNN's algorithms and keeps "
       "the fastest (a layer's cudnn_tune=off overrides); 0: cuDNN's heuristic choice"},
      {"TESSERA_EXEC_BATCH_CHUNK_KB", "4096",
       "an executor without gradients runs chains of per-sample operators in batch chunks so "
       "that their largest intermediate buffer holds about this many KiB (0: whole batches)"},
      {"MXNET_USE_SIGNAL_HANDLER", "1",
       "1: a process dying of SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT first prints the "
       "faulting thread's stack to stderr; 0: the signals are left alone"},
      {"MXNET_ENFORCE_DETERMINISM", "0",
       "1: GPU convolutions use only cuDNN algorithms that give bit-identical results run to run"},
      {"DMLC_ROLE", "", "parameter-server role of this process: scheduler, server or worker"},
      {"DMLC_PS_ROOT_URI", "127.0.0.1", "host of the parameter-server scheduler"},
      {"DMLC_PS_ROOT_PORT", "9091", "port of the parameter-server scheduler"},
      {"DMLC_NUM_WORKER", "1", "number of worker processes of a distributed job"},
      {"DMLC_NUM_SERVER", "1", "number of server processes of a distributed job"},
      {"DMLC_INTERFACE", "", "network interface whose IPv4 address this node announces"},
      {"DMLC_NODE_HOST", "", "address this node announces to its peers (overrides DMLC_INTERFACE)"},
      {"TESSERA_PS_TOKEN", "", "job token; nodes refuse messages carrying another job's token"},
      {"TESSERA_RANK", "", "worker rank this process asks the scheduler for (set by launch)"},
      {"TESSERA_PS_HEARTBEAT_TIMEOUT_S", "10",
       "a node silent this many seconds is declared dead and the job fails with DistError"},
      {"TESSERA_PS_STARTUP_TIMEOUT_S", "60",
       "registration of all nodes must finish within this many seconds"},
      {"TESSERA_PS_STALL_S", "20",
       "a push/pull waiting this many seconds is logged with the keys and workers it waits for"},
      {"TESSERA_PS_TIMEOUT_S", "600", "a push/pull/barrier waiting this long fails with DistError"},
      {"TESSERA_PS_MAX_MESSAGE_MB", "2048", "largest parameter-server message accepted"},
      {"TESSERA_PS_SHM_MB", "4096",
       "shared memory a server or worker may fill with payloads for nodes of its machine; 0 "
       "sends everything over the network"},
      {"TESSERA_PS_ELASTIC", "0",
       "1: a dist_sync job that loses a worker goes on with the others (set by launch --elastic)"},
      {"TESSERA_RESUME", "0",
       "1: Module::Fit with a checkpoint_prefix resumes from the newest intact checkpoint (set "
       "by launch --resume and --max-restarts)"},
      {"MXNET_KVSTORE_BIGARRAY_BOUND", "1000000",
       "keys with more elements are sliced evenly over all servers"},
      {"MXNET_GPU_MEM_POOL_TYPE", "Naive",
       "Naive: freed GPU buffers are kept in a pool for reuse; Unpooled: cudaFree at once"},
  };
  return vars;
}

namespace {

const EnvVarInfo& Lookup(const char* name) {
  for (const auto& v : KnownEnvVars())
    if (std::string(v.name) == name) return v;
  MX_INTERNAL_CHECK(false) << "environment variable " << name
                           << " is read but missing from the table in core/base/env.cc";
  throw InternalError("unreachable");
}

}  // namespace

std::string EnvString(const char* name) {
  const EnvVarInfo& info = Lookup(name);
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string(info.default_value);
}

int64_t EnvInt(const char* name) {
  std::string v = EnvString(name);
  char* end = nullptr;
  long long x = std::strtoll(v.c_str(), &end, 10);
  MX_CHECK_AS(ValueError, !v.empty() && end && *end == '\0')
      << "environment variable " << name << "='" << v << "' is not an integer; set it to a "
      << "whole number (default " << Lookup(name).default_value << ") or unset it.";
  return x;
}

bool EnvBool(const char* name) {
  std::string v = EnvString(name);
  if (v == "1" || v == "true" || v == "True") return true;
  if (v == "0" || v == "false" || v == "False" || v.empty()) return false;
  MX_THROW(ValueError) << "environment variable " << name << "='" << v
                       << "' is not a boolean; use 1 or 0.";
}

}  // namespace mx
