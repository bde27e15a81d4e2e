// TBlob: a raw, non-owning view of array memory (pointer, shape, dtype, device), what kernels
// receive. Value type; valid only while the NDArray it came from is alive.
#ifndef TESSERA_CORE_NDARRAY_TBLOB_H_
#define TESSERA_CORE_NDARRAY_TBLOB_H_

#include "core/base/context.h"
#include "core/base/dtype.h"
#include "core/base/shape.h"

namespace mx {

struct TBlob {
  void* dptr = nullptr;
  Shape shape;
  DType dtype = DType::kFloat32;
  Context ctx;

  template <typename T>
  T* ptr() const {
    return static_cast<T*>(dptr);
  }
  int64_t size() const { return shape.Size(); }
  size_t bytes() const { return static_cast<size_t>(size()) * DTypeSize(dtype); }
};

}  // namespace mx

#endif  // TESSERA_CORE_NDARRAY_TBLOB_H_
