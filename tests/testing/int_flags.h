// "--name VALUE" pairs of a test helper program's command line, every value an integer.
#ifndef TESSERA_TESTS_TESTING_INT_FLAGS_H_
#define TESSERA_TESTS_TESTING_INT_FLAGS_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

namespace mx {
namespace testing {

// Sets *flags.at(name) for every pair; false (after printing why, as `program`) for an
// unknown name or a value that is not an integer.
inline bool ParseIntFlags(const char* program, int argc, char** argv,
                          const std::map<std::string, int64_t*>& flags) {
  for (int i = 1; i < argc; i += 2) {
    auto it = flags.find(argv[i]);
    char* end = nullptr;
    long long v = i + 1 < argc ? std::strtoll(argv[i + 1], &end, 10) : 0;
    if (it == flags.end() || i + 1 >= argc || *end != '\0') {
      std::fprintf(stderr, "%s: bad flag or value at '%s'\n", program, argv[i]);
      return false;
    }
    *it->second = v;
  }
  return true;
}

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_TESTING_INT_FLAGS_H_
