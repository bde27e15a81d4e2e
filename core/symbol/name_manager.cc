#include "core/symbol/name_manager.h"

namespace mx {
namespace {

std::map<std::string, int>& Counters() {
  thread_local std::map<std::string, int> counters;
  return counters;
}

}  // namespace

std::string NameManager::Get(const std::string& name, const std::string& hint) {
  if (!name.empty()) return name;
  int& n = Counters()[hint];
  return hint + std::to_string(n++);
}

NameScope::NameScope() : saved_(std::move(Counters())) { Counters().clear(); }

NameScope::~NameScope() { Counters() = std::move(saved_); }

}  // namespace mx
