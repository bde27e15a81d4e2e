// Runs a shell command from a test and returns its standard output.
//
// Without `exit_code` the command must succeed: an exit status other than 0 (a crash at exit
// included) is a test failure (ADD_FAILURE) that shows the command, its status and its output.
// With `exit_code` the status is stored there for the caller to check: the command's exit
// status, 128 + N when it died of signal N (as a shell reports it), -1 when it could not start.
#ifndef TESSERA_TESTS_TESTING_RUN_COMMAND_H_
#define TESSERA_TESTS_TESTING_RUN_COMMAND_H_

#include <functional>
#include <string>

namespace mx {
namespace testing {

std::string RunCommand(const std::string& cmd, int* exit_code = nullptr);

// As RunCommand, and calls `on_line` with each output line (without its newline) as it comes,
// so a test can act at a point of a running job.
std::string RunCommandLines(const std::string& cmd,
                            const std::function<void(const std::string&)>& on_line,
                            int* exit_code = nullptr);

// "exit status 3", or "signal 11 (Segmentation fault)" for 128 + 11: for failure messages.
std::string DescribeExitCode(int exit_code);

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_TESTING_RUN_COMMAND_H_
