// The names of the parameter server's shared-memory segments (shm.h), and their removal once
// the process that made them is gone. A name says whose segment it is:
//   /tsps-<job token hash, 8 hex>-<pid namespace>-<pid>-<nonce>-<n>
// so a job's processes refuse another job's segments, and a process can tell that a segment's
// owner no longer exists (only within its own pid namespace: a pid means nothing outside it,
// as under Bazel's sandbox, where every test has its own namespace and all share /dev/shm).
// No dependencies: `launch` uses it too.
#ifndef TESSERA_DIST_PS_SHM_NAMES_H_
#define TESSERA_DIST_PS_SHM_NAMES_H_

#include <cstdint>
#include <string>

namespace mx {
namespace ps {

// "/tsps-<token>-" : the start of every segment name of the job with TokenHash `token`.
std::string ShmJobPrefix(uint64_t token);
// The name of segment `n` of process `pid` (this pid namespace) in job `token`.
std::string ShmSegmentName(uint64_t token, int pid, uint32_t nonce, int n);
// Unlinks the segments whose process, in this pid namespace and of this user, no longer
// exists: what a job killed with SIGKILL left. Returns how many.
int RemoveOrphanSegments();

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_SHM_NAMES_H_
