#include "core/io/prefetching_iter.h"

#include "core/base/error.h"

namespace mx {
namespace io {

PrefetchingIter::PrefetchingIter(std::unique_ptr<DataIter> inner) : inner_(std::move(inner)) {
  MX_CHECK_AS(ValueError, inner_ != nullptr) << "PrefetchingIter: no iterator to wrap.";
  batch_size_ = inner_->batch_size();
  Start();
}

PrefetchingIter::~PrefetchingIter() {
  if (next_.valid()) next_.wait();
}

void PrefetchingIter::Start() {
  DataIter* inner = inner_.get();
  next_ = std::async(std::launch::async, [inner] {
    Fetched f;
    f.ok = inner->Next(&f.batch);
    return f;
  });
}

bool PrefetchingIter::Next(DataBatch* batch) {
  Fetched f = next_.get();  // rethrows the inner iterator's error
  if (!f.ok) {
    next_ = std::future<Fetched>();
    std::promise<Fetched> done;
    done.set_value(Fetched{});
    next_ = done.get_future();  // stays at the end until Reset
    return false;
  }
  *batch = std::move(f.batch);
  Start();
  return true;
}

void PrefetchingIter::Drain() {
  if (next_.valid()) {
    try {
      next_.get();
    } catch (const Error&) {
      // The batch being fetched is discarded with its error; Reset starts over.
    }
  }
}

void PrefetchingIter::Reset() {
  Drain();
  inner_->Reset();
  Start();
}

void PrefetchingIter::SetPartition(int num_parts, int part_index) {
  Drain();
  inner_->SetPartition(num_parts, part_index);
  Start();
}

}  // namespace io
}  // namespace mx
