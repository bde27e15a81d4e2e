// numpy's str() of an array's values (numpy >= 1.14 defaults: precision 8, floatmode maxprec,
// line width 75, summarized with "..." beyond 1000 elements keeping 3 edge items), which is what
// MXNet prints before "<NDArray ...>". Waits for pending writes to the array.
#ifndef TESSERA_CORE_NDARRAY_FORMAT_H_
#define TESSERA_CORE_NDARRAY_FORMAT_H_

#include <string>
#include <vector>

#include "core/base/dtype.h"
#include "core/base/shape.h"

namespace mx {

class NDArray;

std::string FormatArrayValues(const NDArray& a);

// The same on host values (exact for every dtype of up to 32 bits and for float64; 64-bit
// integers are passed in `ints`/`uints`). Exposed for tests.
struct HostValues {
  DType dtype = DType::kFloat32;
  Shape shape;
  std::vector<double> floats;   // floating-point and bool dtypes
  std::vector<int64_t> ints;    // signed integer dtypes
  std::vector<uint64_t> uints;  // unsigned integer dtypes
};
std::string FormatHostValues(const HostValues& v);

}  // namespace mx

#endif  // TESSERA_CORE_NDARRAY_FORMAT_H_
