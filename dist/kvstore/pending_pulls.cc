#include "dist/kvstore/pending_pulls.h"

#include <set>

#include "core/base/error.h"
#include "core/base/logging.h"
#include "core/ndarray/copy_kernels.h"
#include "dist/ps/node.h"

namespace mx {
namespace kv {
namespace {

std::exception_ptr Failure(const std::string& text) {
  try {
    MX_THROW(DistError) << text;
  } catch (...) {
    return std::current_exception();
  }
}

}  // namespace

void PendingPulls::Add(const std::string& what, std::vector<NDArray> outs, DType dtype,
                       const std::vector<Slice>& slices, CallbackOnComplete done) {
  auto p = std::make_shared<Pull>();
  p->what = what;
  p->outs = std::move(outs);
  p->dtype = dtype;
  for (const Slice& s : slices) p->slices[s.request] = s;
  p->done = std::make_unique<CallbackOnComplete>(done);
  p->start = p->logged = ps::NowSeconds();
  std::lock_guard<std::mutex> lock(mu_);
  for (const Slice& s : slices) by_request_[s.request] = p;
}

bool PendingPulls::OnReply(const ps::Message& reply) {
  std::shared_ptr<Pull> p;
  std::exception_ptr error;
  bool finished = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_request_.find(reply.request);
    if (it == by_request_.end()) return false;
    p = it->second;
    by_request_.erase(it);
    Slice s = p->slices.at(reply.request);
    p->slices.erase(reply.request);
    size_t elem = DTypeSize(p->dtype), bytes = static_cast<size_t>(s.size) * elem;
    if (reply.type == ps::MsgType::kError) {
      error = Failure(p->what + " failed: " + reply.meta);
    } else if (reply.data_size() != bytes) {
      error = Failure(p->what + ": the server sent " + std::to_string(reply.data_size()) +
                      " bytes for a slice of " + std::to_string(bytes));
    } else {
      for (const NDArray& out : p->outs)
        HostCopy(static_cast<char*>(out.blob().dptr) + s.offset * elem, reply.data->data(), bytes);
    }
    if (error) {
      for (const auto& [request, unused] : p->slices) by_request_.erase(request);
      p->slices.clear();
    }
    finished = p->slices.empty();
  }
  if (finished) (*p->done)(error);  // outside the lock: the engine may run dependents here
  return true;
}

void PendingPulls::Forget(const std::shared_ptr<Pull>& p) {
  for (const auto& [request, unused] : p->slices) by_request_.erase(request);
  p->slices.clear();
}

void PendingPulls::FailAll(const std::string& why) {
  std::set<std::shared_ptr<Pull>> failed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [request, p] : by_request_) failed.insert(p);
    for (const auto& p : failed) Forget(p);
  }
  for (const auto& p : failed) (*p->done)(Failure(p->what + " cannot finish: " + why));
}

void PendingPulls::Inspect(double now, double timeout_s, double stall_s) {
  std::set<std::shared_ptr<Pull>> late;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::shared_ptr<Pull>> pending;
    for (const auto& [request, p] : by_request_) pending.insert(p);
    for (const auto& p : pending) {
      if (now - p->start >= timeout_s) {
        late.insert(p);
      } else if (now - p->logged >= stall_s) {
        p->logged = now;
        MX_LOG(WARNING) << p->what << " has waited " << static_cast<int>(now - p->start) << " s";
      }
    }
    for (const auto& p : late) Forget(p);
  }
  for (const auto& p : late)
    (*p->done)(Failure(p->what + " got no answer within " +
                       std::to_string(static_cast<int>(timeout_s)) + " s (TESSERA_PS_TIMEOUT_S)"));
}

bool PendingPulls::empty() const {
  std::lock_guard<std::mutex> lock(mu_);
  return by_request_.empty();
}

}  // namespace kv
}  // namespace mx
