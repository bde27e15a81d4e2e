// Shape: the dimensions of an array, int64 each, as MXNet's TShape. A default Shape is 0-d
// (one element). Printing follows MXNet's C++ API: "(2,3)". Reshape codes (0, -1, -2, -3, -4)
// are resolved by InferReshape, shared by NDArray::Reshape and the Reshape operator.
// Value type; not synchronized.
#ifndef TESSERA_CORE_BASE_SHAPE_H_
#define TESSERA_CORE_BASE_SHAPE_H_

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

namespace mx {

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit Shape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}
  template <typename It>
  Shape(It begin, It end) : dims_(begin, end) {}

  int ndim() const { return static_cast<int>(dims_.size()); }
  int64_t operator[](int i) const { return dims_[i]; }
  int64_t& operator[](int i) { return dims_[i]; }
  const std::vector<int64_t>& dims() const { return dims_; }
  std::vector<int64_t>::const_iterator begin() const { return dims_.begin(); }
  std::vector<int64_t>::const_iterator end() const { return dims_.end(); }
  // Product of the dimensions (1 for a 0-d shape).
  int64_t Size() const;
  // Product of dimensions [begin, end).
  int64_t ProdRange(int begin, int end) const;
  // Row-major strides in elements.
  std::vector<int64_t> Strides() const;
  // Normalizes a possibly negative axis; throws ValueError naming `who` when out of range.
  int CanonicalAxis(int axis, const char* who) const;
  std::string ToString() const;  // "(2,3)"
  // Python's tuple repr: "(2, 3)", "(5,)", "()" (what MXNet's Python API prints for a.shape).
  std::string ToPythonString() const;
  bool operator==(const Shape& o) const { return dims_ == o.dims_; }
  bool operator!=(const Shape& o) const { return dims_ != o.dims_; }

 private:
  std::vector<int64_t> dims_;
};

std::ostream& operator<<(std::ostream& os, const Shape& s);

// Resolves an MXNet reshape target against `in`:
//   0 copies the input dim, -1 infers one dim, -2 copies all remaining dims, -3 merges two
//   consecutive input dims, -4 splits one input dim into the next two values (one may be -1).
// Throws ShapeError naming both shapes when sizes differ or codes are misused.
Shape InferReshape(const Shape& in, const std::vector<int64_t>& target, bool reverse = false);

// numpy broadcasting of two shapes; throws ShapeError naming both shapes and `who`.
Shape BroadcastShapes(const Shape& a, const Shape& b, const char* who);

}  // namespace mx

#endif  // TESSERA_CORE_BASE_SHAPE_H_
