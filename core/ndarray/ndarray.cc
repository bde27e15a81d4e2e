#include "core/ndarray/ndarray.h"

#include <cstring>

#include "core/base/error.h"
#include "core/ndarray/copy_kernels.h"
#include "core/ndarray/format.h"
#include "core/storage/storage.h"

namespace mx {

struct NDArray::Chunk {
  StorageHandle handle;
  VarHandle var;
  Context ctx;
  std::shared_ptr<const void> keeper;  // owner of borrowed memory (handle not from Storage)

  Chunk(size_t bytes, Context c) : ctx(c) {
    handle = Storage::Get()->Alloc(bytes, ctx);
    var = Engine::Get()->NewVariable();
  }
  Chunk(void* data, size_t bytes, std::shared_ptr<const void> owner, Context c)
      : ctx(c), keeper(std::move(owner)) {
    handle.dptr = data;
    handle.size = bytes;
    handle.ctx = ctx;
    var = Engine::Get()->NewVariable();
  }
  ~Chunk() {
    if (keeper) {  // released once the operations on it are done
      std::shared_ptr<const void> k = std::move(keeper);
      Engine::Get()->DeleteVariable([k](RunContext) {}, ctx, var);
      return;
    }
    StorageHandle h = handle;
    Engine::Get()->DeleteVariable([h](RunContext) { Storage::Get()->Free(h); }, ctx, var);
  }
};

namespace {

size_t CheckedBytes(const Shape& shape, DType dtype) {
  for (int64_t d : shape.dims())
    MX_CHECK_AS(ShapeError, d >= 0)
        << "cannot create an array of shape " << shape << ": dimensions must be >= 0.";
  return static_cast<size_t>(shape.Size()) * DTypeSize(dtype);
}

}  // namespace

NDArray::NDArray(const Shape& shape, Context ctx, DType dtype)
    : chunk_(std::make_shared<Chunk>(CheckedBytes(shape, dtype), ctx)),
      shape_(shape),
      dtype_(dtype) {}

NDArray::NDArray(const void* data, const Shape& shape, DType dtype, Context ctx)
    : NDArray(shape, ctx, dtype) {
  SyncCopyFromCPU(data, static_cast<size_t>(shape.Size()));
}

NDArray NDArray::Borrow(void* data, const Shape& shape, DType dtype,
                        std::shared_ptr<const void> keeper, Context ctx) {
  MX_CHECK_AS(ValueError, data != nullptr && keeper != nullptr)
      << "NDArray::Borrow needs the memory and its owner; found "
      << (data ? "no owner" : "a null pointer") << ".";
  NDArray a;
  a.chunk_ = std::make_shared<Chunk>(data, CheckedBytes(shape, dtype), std::move(keeper), ctx);
  a.shape_ = shape;
  a.dtype_ = dtype;
  return a;
}

Context NDArray::context() const { return chunk_ ? chunk_->ctx : cpu(); }

void NDArray::CheckNotNone(const char* what) const {
  MX_CHECK_AS(ValueError, chunk_ != nullptr)
      << what << " called on a none NDArray (default-constructed, no memory). Create it with "
      << "mx::nd::zeros/array/... or assign an array to it first.";
}

TBlob NDArray::blob() const {
  CheckNotNone("blob");
  TBlob b;
  b.dptr = chunk_->handle.dptr
               ? static_cast<char*>(chunk_->handle.dptr) + offset_ * DTypeSize(dtype_)
               : nullptr;
  b.shape = shape_;
  b.dtype = dtype_;
  b.ctx = chunk_->ctx;
  return b;
}

VarHandle NDArray::var() const {
  CheckNotNone("var");
  return chunk_->var;
}

NDArray NDArray::At(int64_t i) const {
  CheckNotNone("At");
  MX_CHECK_AS(IndexError, ndim() >= 1) << "At(" << i << ") on a 0-d array; nothing to index.";
  int64_t n = shape_[0];
  MX_CHECK_AS(IndexError, i >= -n && i < n)
      << "index " << i << " is out of bounds for axis 0 with size " << n << " (array shape "
      << shape_ << "); use an index in [" << -n << ", " << n << ").";
  if (i < 0) i += n;
  NDArray v = *this;
  v.shape_ = Shape(shape_.begin() + 1, shape_.end());
  if (v.shape_.ndim() == 0) v.shape_ = Shape{1};  // MXNet: indexing a 1-d array gives shape (1,)
  v.offset_ = offset_ + i * shape_.ProdRange(1, ndim());
  return v;
}

NDArray NDArray::Slice(int64_t begin, int64_t end) const {
  CheckNotNone("Slice");
  MX_CHECK_AS(IndexError, ndim() >= 1) << "Slice on a 0-d array; nothing to slice.";
  int64_t n = shape_[0];
  MX_CHECK_AS(IndexError, begin >= 0 && begin <= end && end <= n)
      << "Slice(" << begin << ", " << end << ") is out of range for axis 0 with size " << n
      << " (array shape " << shape_ << "); need 0 <= begin <= end <= " << n << ".";
  NDArray v = *this;
  v.shape_[0] = end - begin;
  v.offset_ = offset_ + begin * shape_.ProdRange(1, ndim());
  return v;
}

NDArray NDArray::Reshape(const std::vector<int64_t>& shape) const {
  CheckNotNone("Reshape");
  NDArray v = *this;
  v.shape_ = InferReshape(shape_, shape);
  return v;
}

NDArray& NDArray::operator=(double value) {
  CheckNotNone("assignment");
  TBlob dst = blob();
  Engine::Get()->PushSync([dst, value](RunContext rctx) { FillBlob(dst, value, rctx.stream); },
                          context(), {}, {var()}, FnProperty::kNormal, 0, "fill");
  return *this;
}

NDArray& NDArray::operator=(const NDArray& src) && {
  src.CopyTo(*this);
  return *this;
}

void NDArray::CopyTo(const NDArray& dst) const {
  CheckNotNone("CopyTo");
  dst.CheckNotNone("CopyTo (destination)");
  MX_CHECK_AS(ShapeError, size() == dst.size() || size() == 1)
      << "cannot copy an array of shape " << shape_ << " into one of shape " << dst.shape()
      << ": the element counts differ (" << size() << " vs. " << dst.size()
      << "). Reshape the source or index the destination so they match.";
  Context sctx = context(), dctx = dst.context();
  bool same_type = dtype_ == dst.dtype() && size() == dst.size();
  MX_CHECK_AS(ContextError, same_type || sctx == dctx || (sctx.is_host() && dctx.is_host()))
      << "cannot convert " << dtype_ << " on " << sctx << " to " << dst.dtype() << " on " << dctx
      << " in one step; call AsType() on one side first.";
  TBlob s = blob(), d = dst.blob();
  FnProperty prop = FnProperty::kNormal;
  Context run_ctx = dctx;
  if (sctx.is_gpu() && !dctx.is_gpu()) {
    prop = FnProperty::kCopyFromGPU;
    run_ctx = sctx;
  } else if (!sctx.is_gpu() && dctx.is_gpu()) {
    prop = FnProperty::kCopyToGPU;
  }
  Engine::Get()->PushSync(
      [s, d, same_type](RunContext rctx) {
        if (same_type)
          CopyBlobBytes(s, d, rctx.stream);
        else
          CastBlob(s, d, rctx.stream);
      },
      run_ctx, {var()}, {dst.var()}, prop, 0, "copy");
}

NDArray NDArray::Copy() const { return CopyTo(context()); }

NDArray NDArray::CopyTo(Context ctx) const {
  CheckNotNone("CopyTo");
  NDArray out(shape_, ctx, dtype_);
  CopyTo(out);
  return out;
}

NDArray NDArray::AsInContext(Context ctx) const {
  CheckNotNone("AsInContext");
  return ctx == context() ? *this : CopyTo(ctx);
}

NDArray NDArray::AsType(DType dtype) const {
  CheckNotNone("AsType");
  NDArray out(shape_, context(), dtype);
  CopyTo(out);
  return out;
}

void NDArray::WaitToRead() const {
  CheckNotNone("WaitToRead");
  Engine::Get()->WaitForVar(chunk_->var);
}

void NDArray::WaitToWrite() const { WaitToRead(); }

void NDArray::SyncCopyToCPU(void* data, size_t num_elements) const {
  CheckNotNone("SyncCopyToCPU");
  MX_CHECK_AS(ShapeError, static_cast<int64_t>(num_elements) == size())
      << "SyncCopyToCPU: the host buffer holds " << num_elements << " elements but the array of "
      << "shape " << shape_ << " has " << size() << ".";
  if (num_elements == 0) return;
  TBlob src = blob();
  TBlob host{data, shape_, dtype_, cpu()};
  Engine::Get()->PushSyncAndWait(
      [src, host](RunContext rctx) { CopyBlobBytes(src, host, rctx.stream); }, context(), {var()},
      {}, context().is_gpu() ? FnProperty::kCopyFromGPU : FnProperty::kNormal, "copy_to_host");
}

void NDArray::SyncCopyFromCPU(const void* data, size_t num_elements) const {
  CheckNotNone("SyncCopyFromCPU");
  MX_CHECK_AS(ShapeError, static_cast<int64_t>(num_elements) == size())
      << "SyncCopyFromCPU: the host buffer holds " << num_elements << " elements but the array "
      << "of shape " << shape_ << " has " << size() << ".";
  if (num_elements == 0) return;
  TBlob dst = blob();
  TBlob host{const_cast<void*>(data), shape_, dtype_, cpu()};
  Engine::Get()->PushSyncAndWait(
      [host, dst](RunContext rctx) { CopyBlobBytes(host, dst, rctx.stream); }, context(), {},
      {var()}, context().is_gpu() ? FnProperty::kCopyToGPU : FnProperty::kNormal, "copy_from_host");
}

std::string NDArray::ToString() const {
  if (is_none()) return "<NDArray none>";
  std::string shape_info;
  for (int i = 0; i < ndim(); ++i) shape_info += (i ? "x" : "") + std::to_string(shape_[i]);
  return FormatArrayValues(*this) + "\n<NDArray " + shape_info + " @" + context().ToString() + ">";
}

std::ostream& operator<<(std::ostream& os, const NDArray& a) { return os << a.ToString(); }

void WaitAll() { Engine::Get()->WaitForAll(); }

}  // namespace mx
