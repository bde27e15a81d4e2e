// "--name VALUE" pairs of a test helper program's command line: integer flags and text flags.
#ifndef TESSERA_TESTS_TESTING_INT_FLAGS_H_
#define TESSERA_TESTS_TESTING_INT_FLAGS_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace mx {
namespace testing {

// Sets *ints.at(name) or *texts.at(name) for every pair; false (after printing why, as
// `program`) for an unknown name, a missing value or an integer flag's value that is not one.
inline bool ParseIntFlags(const char* program, int argc, char** argv,
                          const std::map<std::string, int64_t*>& ints,
                          const std::map<std::string, std::string*>& texts = {}) {
  for (int i = 1; i < argc; i += 2) {
    auto n = ints.find(argv[i]);
    auto t = texts.find(argv[i]);
    char* end = nullptr;
    long long v = i + 1 < argc ? std::strtoll(argv[i + 1], &end, 10) : 0;
    bool ok = i + 1 < argc && (t != texts.end() || (n != ints.end() && *end == '\0'));
    if (!ok) {
      std::fprintf(stderr, "%s: bad flag or value at '%s'\n", program, argv[i]);
      return false;
    }
    if (t != texts.end())
      *t->second = argv[i + 1];
    else
      *n->second = v;
  }
  return true;
}

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_TESTING_INT_FLAGS_H_
