#include "core/base/error.h"

namespace mx {

void Error::AppendNote(const std::string& note) {
  if (message_.find(note) != std::string::npos) return;
  if (!message_.empty() && message_.back() != ' ') message_ += ' ';
  message_ += note;
}

}  // namespace mx
