#include "core/engine/threaded_var.h"

#include "core/base/error.h"

namespace mx {

bool ThreadedVar::AppendRead(OprBlock* op) {
  std::lock_guard<std::mutex> lock(mu_);
  MX_INTERNAL_CHECK(!to_delete_) << "operation pushed on a deleted engine variable";
  if (!write_granted_ && queue_.empty()) {
    ++num_reads_;
    return true;
  }
  queue_.push_back({op, false});
  return false;
}

bool ThreadedVar::AppendWrite(OprBlock* op) {
  std::lock_guard<std::mutex> lock(mu_);
  MX_INTERNAL_CHECK(!to_delete_) << "operation pushed on a deleted engine variable";
  if (!write_granted_ && num_reads_ == 0 && queue_.empty()) {
    write_granted_ = true;
    return true;
  }
  queue_.push_back({op, true});
  return false;
}

void ThreadedVar::CompleteRead(std::vector<OprBlock*>* ready) {
  std::lock_guard<std::mutex> lock(mu_);
  MX_INTERNAL_CHECK(num_reads_ > 0);
  if (--num_reads_ == 0 && !queue_.empty()) {
    // Reads are queued only behind a write, so the head is a write.
    MX_INTERNAL_CHECK(queue_.front().write);
    write_granted_ = true;
    ready->push_back(queue_.front().op);
    queue_.pop_front();
  }
}

bool ThreadedVar::CompleteWrite(std::vector<OprBlock*>* ready) {
  std::lock_guard<std::mutex> lock(mu_);
  MX_INTERNAL_CHECK(write_granted_);
  write_granted_ = false;
  if (to_delete_) return true;
  if (queue_.empty()) return false;
  if (queue_.front().write) {
    write_granted_ = true;
    ready->push_back(queue_.front().op);
    queue_.pop_front();
    return false;
  }
  while (!queue_.empty() && !queue_.front().write) {
    ++num_reads_;
    ready->push_back(queue_.front().op);
    queue_.pop_front();
  }
  return false;
}

void ThreadedVar::MarkForDeletion() {
  std::lock_guard<std::mutex> lock(mu_);
  to_delete_ = true;
}

}  // namespace mx
