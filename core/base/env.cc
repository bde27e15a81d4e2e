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
      {"MXNET_OMP_MAX_THREADS", "0",
       "threads used inside one CPU kernel (OpenMP loops and OpenBLAS); 0 means all cores"},
      {"MXNET_CPU_MEM_POOL_TYPE", "Naive",
       "Naive: freed CPU buffers are kept in a pool for reuse; Unpooled: returned to the OS"},
      {"MXNET_MKLDNN_ENABLED", "1",
       "1: CPU float32 convolutions run on oneDNN (when built with it); 0: im2col + GEMM"},
      {"MXNET_CUDNN_AUTOTUNE_DEFAULT", "1",
       "1: the first use of each convolution shape on a GPU times cuDNN's algorithms and keeps "
       "the fastest (a layer's cudnn_tune=off overrides); 0: cuDNN's heuristic choice"},
      {"MXNET_ENFORCE_DETERMINISM", "0",
       "1: GPU convolutions use only cuDNN algorithms that give bit-identical results run to run"},
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
