#include "tests/testing/run_command.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <cstring>

namespace mx {
namespace testing {

std::string RunCommand(const std::string& cmd, int* exit_code) {
  return RunCommandLines(cmd, nullptr, exit_code);
}

std::string RunCommandLines(const std::string& cmd,
                            const std::function<void(const std::string&)>& on_line,
                            int* exit_code) {
  std::string out;
  int code = -1;
  if (FILE* p = popen(cmd.c_str(), "r")) {
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
    if (status != -1 && WIFEXITED(status)) code = WEXITSTATUS(status);
    if (status != -1 && WIFSIGNALED(status)) code = 128 + WTERMSIG(status);
  }
  if (exit_code) {
    *exit_code = code;
  } else if (code != 0) {
    ADD_FAILURE() << "command failed with " << DescribeExitCode(code) << ": " << cmd
                  << "\n--- its output ---\n"
                  << out;
  }
  return out;
}

std::string DescribeExitCode(int exit_code) {
  if (exit_code < 0) return "no exit status (the command could not be run)";
  if (exit_code <= 128) return "exit status " + std::to_string(exit_code);
  int sig = exit_code - 128;
  return "signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
}

}  // namespace testing
}  // namespace mx
