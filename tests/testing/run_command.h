// Runs a shell command from a test and returns its standard output; `exit_code` (optional)
// receives the command's exit status.
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

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_TESTING_RUN_COMMAND_H_
