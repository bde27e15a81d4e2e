// Array creation (mx::nd::array, zeros, ones, full, empty, arange) and seeded random arrays.
// Everything is float32 on cpu(0) unless a dtype or context is given. Creation is pushed to the
// engine like any operation; random arrays draw from one generator per process (mt19937,
// seeded by mx::random::Seed), in push order, so the same seed gives the same arrays on every
// engine and device.
#ifndef TESSERA_CORE_NDARRAY_INIT_H_
#define TESSERA_CORE_NDARRAY_INIT_H_

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "core/ndarray/ndarray.h"

namespace mx {
namespace nd {

// One value of a 1-D list. A class (not double) so that {{1}, {2}} picks the 2-D overload.
struct ListValue {
  ListValue(double v) : value(v) {}  // NOLINT(runtime/explicit)
  double value;
};
using List1 = std::initializer_list<ListValue>;
using List2 = std::initializer_list<std::initializer_list<double>>;
using List3 = std::initializer_list<List2>;
using List4 = std::initializer_list<List3>;

// From nested lists; ragged lists are a ValueError.
NDArray array(List1 values, DType dtype = kFloat32, Context ctx = cpu());
NDArray array(List2 values, DType dtype = kFloat32, Context ctx = cpu());
NDArray array(List3 values, DType dtype = kFloat32, Context ctx = cpu());
NDArray array(List4 values, DType dtype = kFloat32, Context ctx = cpu());
// From flat values and a shape (sizes must match).
NDArray array(const std::vector<double>& values, const Shape& shape, DType dtype = kFloat32,
              Context ctx = cpu());
// From another array: a copy (mx.nd.array(ndarray)).
NDArray array(const NDArray& other);

NDArray empty(const Shape& shape, Context ctx = cpu(), DType dtype = kFloat32);
NDArray zeros(const Shape& shape, Context ctx = cpu(), DType dtype = kFloat32);
NDArray ones(const Shape& shape, Context ctx = cpu(), DType dtype = kFloat32);
NDArray full(const Shape& shape, double value, Context ctx = cpu(), DType dtype = kFloat32);
// Values start, start+step, ... below stop (numpy's arange), each repeated `repeat` times.
NDArray arange(double start, double stop, double step = 1.0, int repeat = 1, Context ctx = cpu(),
               DType dtype = kFloat32);
NDArray arange(double stop);

namespace random {
// Uniform on [low, high).
NDArray uniform(double low, double high, const Shape& shape, Context ctx = cpu(),
                DType dtype = kFloat32);
// Normal with mean `loc` and standard deviation `scale`.
NDArray normal(double loc, double scale, const Shape& shape, Context ctx = cpu(),
               DType dtype = kFloat32);
// The same draws written into `out` (MXNet's out=), without temporary arrays when `out` is
// float32 or float64 in host memory; returns `out`.
NDArray uniform(double low, double high, NDArray out);
NDArray normal(double loc, double scale, NDArray out);
}  // namespace random

}  // namespace nd

namespace random {
// Reseeds the generator (after pending random draws).
void Seed(uint32_t seed);

// The process's generator for operators that draw random numbers (Dropout): an operation
// must list `var` among the vars it writes before using `engine`, so draws happen in push order.
struct Resource {
  std::mt19937* engine;
  VarHandle var;
};
Resource GlobalResource();
// The generator's state as text (after pending draws), and back: a restored state continues
// the exact sequence. ValueError for text that is not a saved state.
std::string GetState();
void SetState(const std::string& state);
}  // namespace random

}  // namespace mx

#endif  // TESSERA_CORE_NDARRAY_INIT_H_
