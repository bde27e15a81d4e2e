#include "tests/testing/job_process.h"

#include <dirent.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mx {
namespace testing {

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

pid_t FindJobProcess(const std::string& token, const std::string& role, int rank,
                     const std::string& program) {
  pid_t found = 0;
  DIR* d = opendir("/proc");
  while (dirent* e = d ? readdir(d) : nullptr) {
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::string dir = "/proc/" + std::to_string(pid);
    std::string env = ReadWholeFile(dir + "/environ");
    if (env.find("TESSERA_PS_TOKEN=" + token + '\0') == std::string::npos ||
        env.find("DMLC_ROLE=" + role + '\0') == std::string::npos ||
        (rank >= 0 &&
         env.find("TESSERA_RANK=" + std::to_string(rank) + '\0') == std::string::npos) ||
        ReadWholeFile(dir + "/cmdline").find(program) == std::string::npos)
      continue;
    found = pid;
    break;
  }
  if (d) closedir(d);
  return found;
}

}  // namespace testing
}  // namespace mx
