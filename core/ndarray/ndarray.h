// NDArray: an n-dimensional array on a device (MXNet's NDArray). An NDArray is a handle: copies
// of it share memory (`auto e = c;`), views made by At()/Slice()/Reshape() share memory, and
// Copy() makes an independent array. Operations on arrays are pushed to the engine and return at
// once; WaitToRead(), ToVector() and printing wait for pending writes and rethrow their errors.
//
// Assignment: `a = b` on a named array rebinds the handle (as in Python). Assignment to a view
// expression copies values into it (`c.At(0) = d;`, `f.At(0).At(0) = -1;`), as Python's
// `c[0] = d`. A default-constructed NDArray is "none": it has no memory, and using it throws.
// Thread-safety: a handle is a value type; concurrent use of distinct handles to the same memory
// is ordered by the engine.
#ifndef TESSERA_CORE_NDARRAY_NDARRAY_H_
#define TESSERA_CORE_NDARRAY_NDARRAY_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/base/context.h"
#include "core/base/convert.h"
#include "core/base/dtype.h"
#include "core/base/shape.h"
#include "core/engine/engine.h"
#include "core/ndarray/tblob.h"

namespace mx {

class NDArray {
 public:
  NDArray() = default;
  // Uninitialized memory of `shape` on `ctx` (use nd::zeros etc. for defined values).
  explicit NDArray(const Shape& shape, Context ctx = cpu(), DType dtype = kFloat32);
  // Copies `shape.Size()` elements of `dtype` from host memory at `data`.
  NDArray(const void* data, const Shape& shape, DType dtype, Context ctx = cpu());
  // An array over `shape.Size()` elements of `dtype` in the memory of `ctx` at `data`, without
  // a copy (MXNet's NDArray over a TBlob), with a variable of its own. `keeper` owns that
  // memory: it is held until the last reference to the array and the last operation on it
  // are gone.
  static NDArray Borrow(void* data, const Shape& shape, DType dtype,
                        std::shared_ptr<const void> keeper, Context ctx = cpu());

  NDArray(const NDArray&) = default;
  NDArray(NDArray&&) = default;
  NDArray& operator=(const NDArray&) & = default;
  NDArray& operator=(NDArray&&) & = default;
  // Copies values into the array this temporary refers to (see header comment). The source may
  // have the same number of elements or one element. Throws ShapeError otherwise.
  NDArray& operator=(const NDArray& src) &&;
  // Sets every element (of this array or view) to `value`.
  NDArray& operator=(double value);

  bool is_none() const { return chunk_ == nullptr; }
  const Shape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  Context context() const;
  int64_t size() const { return shape_.Size(); }
  int ndim() const { return shape_.ndim(); }

  // View of element/row `i` of the first axis (negative counts from the end). IndexError when
  // out of range.
  NDArray At(int64_t i) const;
  // View of rows [begin, end) of the first axis. IndexError when out of range.
  NDArray Slice(int64_t begin, int64_t end) const;
  // View with a new shape (MXNet reshape codes 0, -1, -2, -3, -4). ShapeError on mismatch.
  NDArray Reshape(const std::vector<int64_t>& shape) const;

  // Deep copy on the same context.
  NDArray Copy() const;
  // Deep copy on `ctx`.
  NDArray CopyTo(Context ctx) const;
  // Copies values into `dst` (same number of elements; converts dtype on one device).
  void CopyTo(const NDArray& dst) const;
  // This array if it already lives on `ctx`, else a copy there.
  NDArray AsInContext(Context ctx) const;
  // Copy converted to `dtype` (same context).
  NDArray AsType(DType dtype) const;

  // Waits for pending writes and returns the values converted to T (the seed's asnumpy()).
  template <typename T>
  std::vector<T> ToVector() const;
  // Waits, then copies the raw elements (this array's dtype) to host memory.
  void SyncCopyToCPU(void* data, size_t num_elements) const;
  // Waits for pending use, then overwrites the elements from host memory (this array's dtype).
  void SyncCopyFromCPU(const void* data, size_t num_elements) const;

  void WaitToRead() const;
  void WaitToWrite() const;

  // Raw view for kernels; only valid inside engine functions that hold this array's var.
  TBlob blob() const;
  VarHandle var() const;
  // True when both handles share memory.
  bool SharesMemoryWith(const NDArray& other) const { return chunk_ && chunk_ == other.chunk_; }

  // numpy's str() of the values, then "<NDArray 2x4 @cpu(0)>" on its own line.
  std::string ToString() const;
  // Python's repr: a newline, then ToString().
  std::string Repr() const { return "\n" + ToString(); }

 private:
  struct Chunk;
  void CheckNotNone(const char* what) const;

  std::shared_ptr<Chunk> chunk_;
  Shape shape_;
  int64_t offset_ = 0;  // in elements
  DType dtype_ = kFloat32;
};

std::ostream& operator<<(std::ostream& os, const NDArray& a);

// Blocks until all pushed work is done; rethrows the first error (MXNet's waitall).
void WaitAll();

template <typename T>
std::vector<T> NDArray::ToVector() const {
  CheckNotNone("ToVector");
  std::vector<T> out(static_cast<size_t>(size()));
  MX_TYPE_SWITCH_ALL(dtype_, S, "ToVector", {
    std::unique_ptr<S[]> raw(new S[out.size()]);
    SyncCopyToCPU(raw.get(), out.size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = ConvertValue<T>(raw[i]);
  });
  return out;
}

}  // namespace mx

#endif  // TESSERA_CORE_NDARRAY_NDARRAY_H_
