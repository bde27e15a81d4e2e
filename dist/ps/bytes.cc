#include "dist/ps/bytes.h"

#include <cstring>
#include <new>
#include <utility>

namespace mx {
namespace ps {
namespace {

constexpr std::align_val_t kAlign{64};

class HeapBytes : public Bytes {
 public:
  explicit HeapBytes(size_t n) {
    data_ = static_cast<char*>(::operator new(n > 0 ? n : 1, kAlign));
    size_ = n;
  }
  ~HeapBytes() override { ::operator delete(data_, kAlign); }
};

class BorrowedBytes : public Bytes {
 public:
  BorrowedBytes(char* data, size_t n, std::shared_ptr<const void> keeper)
      : keeper_(std::move(keeper)) {
    data_ = data;
    size_ = n;
  }

 private:
  std::shared_ptr<const void> keeper_;
};

}  // namespace

Payload BorrowBytes(char* data, size_t n, std::shared_ptr<const void> keeper) {
  return std::make_shared<BorrowedBytes>(data, n, std::move(keeper));
}

Payload NewBytes(size_t n) { return std::make_shared<HeapBytes>(n); }

Payload CopyBytes(const void* src, size_t n) {
  Payload p = NewBytes(n);
  if (n > 0) std::memcpy(p->data(), src, n);
  return p;
}

}  // namespace ps
}  // namespace mx
