#include "tests/testing/run_command.h"

#include <sys/wait.h>

#include <cstdio>

namespace mx {
namespace testing {

std::string RunCommand(const std::string& cmd, int* exit_code) {
  return RunCommandLines(cmd, nullptr, exit_code);
}

std::string RunCommandLines(const std::string& cmd,
                            const std::function<void(const std::string&)>& on_line,
                            int* exit_code) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    if (exit_code) *exit_code = -1;
    return out;
  }
  char buf[4096];
  size_t line_start = 0;
  while (std::fgets(buf, sizeof(buf), p)) {
    out += buf;
    size_t nl;
    while ((nl = out.find('\n', line_start)) != std::string::npos) {
      if (on_line) on_line(out.substr(line_start, nl - line_start));
      line_start = nl + 1;
    }
  }
  int status = pclose(p);
  if (exit_code) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace testing
}  // namespace mx
