// Runs a shell command from a test and returns its standard output; `exit_code` (optional)
// receives the command's exit status.
#ifndef TESSERA_TESTS_TESTING_RUN_COMMAND_H_
#define TESSERA_TESTS_TESTING_RUN_COMMAND_H_

#include <string>

namespace mx {
namespace testing {

std::string RunCommand(const std::string& cmd, int* exit_code = nullptr);

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_TESTING_RUN_COMMAND_H_
