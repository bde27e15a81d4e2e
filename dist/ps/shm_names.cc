#include "dist/ps/shm_names.h"

#include <dirent.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace mx {
namespace ps {
namespace {

// This process's pid namespace (the inode of /proc/self/ns/pid), 0 when unknown.
unsigned long long PidNamespace() {
  struct stat st;
  return stat("/proc/self/ns/pid", &st) == 0 ? static_cast<unsigned long long>(st.st_ino) : 0;
}

}  // namespace

std::string ShmJobPrefix(uint64_t token) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "/tsps-%08x-", static_cast<unsigned>(token & 0xffffffffu));
  return buf;
}

std::string ShmSegmentName(uint64_t token, int pid, uint32_t nonce, int n) {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%s%llx-%d-%08x-%d", ShmJobPrefix(token).c_str(), PidNamespace(),
                pid, nonce, n);
  return buf;
}

int RemoveOrphanSegments() {
  unsigned long long ns = PidNamespace();
  DIR* dir = opendir("/dev/shm");
  if (!dir || ns == 0) {
    if (dir) closedir(dir);
    return 0;
  }
  int removed = 0;
  while (dirent* e = readdir(dir)) {
    unsigned token = 0, nonce = 0;
    unsigned long long seg_ns = 0;
    int pid = 0, n = 0, end = 0;
    if (std::sscanf(e->d_name, "tsps-%8x-%llx-%d-%8x-%d%n", &token, &seg_ns, &pid, &nonce, &n,
                    &end) != 5 ||
        e->d_name[end] != '\0' || seg_ns != ns || pid <= 0)
      continue;
    struct stat st;
    std::string path = std::string("/dev/shm/") + e->d_name;
    if (stat(path.c_str(), &st) != 0 || st.st_uid != getuid()) continue;
    if (kill(pid, 0) != 0 && errno == ESRCH && shm_unlink(path.c_str() + 8) == 0) ++removed;
  }
  closedir(dir);
  return removed;
}

}  // namespace ps
}  // namespace mx
