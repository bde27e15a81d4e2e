// Minimal logging in dmlc's format: "[HH:MM:SS] file.cc:42: message" on stderr, one line per
// statement, written atomically under a mutex. MX_LOG(INFO|WARNING|ERROR) << ...;
#ifndef TESSERA_CORE_BASE_LOGGING_H_
#define TESSERA_CORE_BASE_LOGGING_H_

#include <sstream>

namespace mx {
namespace detail {

class LogLine {
 public:
  LogLine(const char* file, int line, const char* level);
  ~LogLine();
  std::ostringstream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

}  // namespace detail
}  // namespace mx

#define MX_LOG(level) ::mx::detail::LogLine(__FILE__, __LINE__, #level).stream()

#endif  // TESSERA_CORE_BASE_LOGGING_H_
