#include "core/base/logging.h"

#include <cstring>
#include <ctime>
#include <iostream>
#include <mutex>

namespace mx {
namespace detail {

LogLine::LogLine(const char* file, int line, const char* level) {
  std::time_t t = std::time(nullptr);
  std::tm tm;
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
  const char* base = std::strrchr(file, '/');
  stream_ << '[' << buf << "] " << (base ? base + 1 : file) << ':' << line << ": ";
  if (std::strcmp(level, "INFO") != 0) stream_ << level << ": ";
}

LogLine::~LogLine() {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::cerr << stream_.str() << std::endl;
}

}  // namespace detail
}  // namespace mx
