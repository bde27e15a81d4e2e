// Finds a process of a launched distributed job (for tests that kill one): the process whose
// environment has TESSERA_PS_TOKEN=token and DMLC_ROLE=role (and TESSERA_RANK=rank when rank
// >= 0), and whose command line contains `program`. Returns 0 when there is none.
#ifndef TESSERA_TESTS_TESTING_JOB_PROCESS_H_
#define TESSERA_TESTS_TESTING_JOB_PROCESS_H_

#include <sys/types.h>

#include <string>

namespace mx {
namespace testing {

pid_t FindJobProcess(const std::string& token, const std::string& role, int rank,
                     const std::string& program);

// The whole content of a file ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_TESTING_JOB_PROCESS_H_
