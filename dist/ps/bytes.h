// A message's payload: bytes shared between the code that fills or reads them and the transport
// that carries them, without copies. Where the bytes live depends on who made them: the heap
// (NewBytes, CopyBytes), an array's memory (BorrowBytes), a received ZeroMQ frame, or a region
// of shared memory that another node of this machine wrote (shm.h). Whoever holds the last
// reference releases them.
#ifndef TESSERA_DIST_PS_BYTES_H_
#define TESSERA_DIST_PS_BYTES_H_

#include <cstddef>
#include <memory>

namespace mx {
namespace ps {

class Bytes {
 public:
  virtual ~Bytes() = default;
  Bytes(const Bytes&) = delete;
  Bytes& operator=(const Bytes&) = delete;

  // At least 8-byte aligned, so the elements of any dtype can be read in place.
  char* data() const { return data_; }
  size_t size() const { return size_; }

 protected:
  Bytes() = default;
  char* data_ = nullptr;
  size_t size_ = 0;
};

using Payload = std::shared_ptr<Bytes>;

// `n` uninitialized bytes on the heap, 64-byte aligned.
Payload NewBytes(size_t n);
// A heap copy of `n` bytes at `src`.
Payload CopyBytes(const void* src, size_t n);
// The `n` bytes at `data` (8-byte aligned) without a copy; `keeper` owns them and is held as
// long as the payload.
Payload BorrowBytes(char* data, size_t n, std::shared_ptr<const void> keeper);

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_BYTES_H_
