#include "core/ndarray/init.h"

#include <cmath>
#include <mutex>
#include <random>
#include <sstream>

#include "core/base/error.h"
#include "core/ndarray/copy_kernels.h"

namespace mx {
namespace nd {
namespace {

void Flatten(const std::initializer_list<double>& l, std::vector<double>* out,
             std::vector<int64_t>* dims, int depth) {
  if (static_cast<int>(dims->size()) <= depth) dims->push_back(l.size());
  MX_CHECK_AS(ValueError, (*dims)[depth] == static_cast<int64_t>(l.size()))
      << "nd::array: nested lists are ragged: a list at depth " << depth << " has " << l.size()
      << " values where an earlier one had " << (*dims)[depth] << "; every row must have the same "
      << "length.";
  out->insert(out->end(), l.begin(), l.end());
}

template <typename L>
void Flatten(const std::initializer_list<L>& l, std::vector<double>* out,
             std::vector<int64_t>* dims, int depth) {
  if (static_cast<int>(dims->size()) <= depth) dims->push_back(l.size());
  MX_CHECK_AS(ValueError, (*dims)[depth] == static_cast<int64_t>(l.size()))
      << "nd::array: nested lists are ragged: a list at depth " << depth << " has " << l.size()
      << " entries where an earlier one had " << (*dims)[depth] << "; every row must have the "
      << "same length.";
  for (const auto& sub : l) Flatten(sub, out, dims, depth + 1);
}

template <typename L>
NDArray FromNested(const L& values, DType dtype, Context ctx) {
  std::vector<double> flat;
  std::vector<int64_t> dims;
  Flatten(values, &flat, &dims, 0);
  while (static_cast<int64_t>(flat.size()) != Shape(dims).Size() && dims.back() == 0) {
    dims.pop_back();
  }
  return array(flat, Shape(dims), dtype, ctx);
}

struct Generator {
  std::mutex mu;
  std::mt19937 engine{0};
  VarHandle var = Engine::Get()->NewResourceVariable();  // a failed random op spoils nothing
};

Generator& Gen() {
  static Generator* g = new Generator();  // never destroyed (engine threads may use it)
  return *g;
}

// Draws on the host in engine order into `out`: directly into a float32 or float64 array in
// host memory (no temporary arrays), else into a float64 staging array whose values are then
// converted and copied to `out` on its device. The values are the same either way.
template <typename Draw>
void RandomFill(NDArray out, Draw draw) {
  bool direct = out.context().is_host() && (out.dtype() == kFloat32 || out.dtype() == kFloat64);
  NDArray staging = direct ? out : NDArray(out.shape(), cpu(), kFloat64);
  TBlob s = staging.blob();
  Generator& g = Gen();
  Engine::Get()->PushSync(
      [s, draw, &g](RunContext) {
        if (s.dtype == kFloat32) {
          float* p = s.ptr<float>();
          for (int64_t i = 0; i < s.size(); ++i) p[i] = static_cast<float>(draw(g.engine));
        } else {
          double* p = s.ptr<double>();
          for (int64_t i = 0; i < s.size(); ++i) p[i] = draw(g.engine);
        }
      },
      cpu(), {}, {staging.var(), g.var}, FnProperty::kNormal, 0, "random");
  if (!staging.SharesMemoryWith(out)) staging.AsType(out.dtype()).CopyTo(out);
}

template <typename Draw>
NDArray RandomArray(const Shape& shape, Context ctx, DType dtype, Draw draw) {
  NDArray out(shape, ctx, dtype);
  RandomFill(out, draw);
  return out;
}

}  // namespace

NDArray array(List1 values, DType dtype, Context ctx) {
  std::vector<double> flat;
  for (const ListValue& v : values) flat.push_back(v.value);
  return array(flat, Shape{static_cast<int64_t>(flat.size())}, dtype, ctx);
}
NDArray array(List2 values, DType dtype, Context ctx) { return FromNested(values, dtype, ctx); }
NDArray array(List3 values, DType dtype, Context ctx) { return FromNested(values, dtype, ctx); }
NDArray array(List4 values, DType dtype, Context ctx) { return FromNested(values, dtype, ctx); }

NDArray array(const std::vector<double>& values, const Shape& shape, DType dtype, Context ctx) {
  MX_CHECK_AS(ShapeError, static_cast<int64_t>(values.size()) == shape.Size())
      << "nd::array: " << values.size() << " values do not fill shape " << shape << " ("
      << shape.Size() << " elements).";
  NDArray host(values.data(), shape, kFloat64, cpu());
  if (dtype == kFloat64 && ctx == cpu()) return host;
  NDArray typed = dtype == kFloat64 ? host : host.AsType(dtype);
  return typed.AsInContext(ctx);
}

NDArray array(const NDArray& other) { return other.Copy(); }

NDArray empty(const Shape& shape, Context ctx, DType dtype) { return NDArray(shape, ctx, dtype); }

NDArray full(const Shape& shape, double value, Context ctx, DType dtype) {
  NDArray out(shape, ctx, dtype);
  out = value;
  return out;
}

NDArray zeros(const Shape& shape, Context ctx, DType dtype) { return full(shape, 0, ctx, dtype); }
NDArray ones(const Shape& shape, Context ctx, DType dtype) { return full(shape, 1, ctx, dtype); }

NDArray arange(double start, double stop, double step, int repeat, Context ctx, DType dtype) {
  MX_CHECK_AS(ValueError, step != 0) << "arange: step must not be 0.";
  MX_CHECK_AS(ValueError, repeat >= 1) << "arange: repeat must be >= 1, found " << repeat << ".";
  int64_t n = static_cast<int64_t>(std::ceil((stop - start) / step));
  if (n < 0) n = 0;
  std::vector<double> values;
  values.reserve(n * repeat);
  for (int64_t i = 0; i < n; ++i)
    for (int r = 0; r < repeat; ++r) values.push_back(start + i * step);
  return array(values, Shape{static_cast<int64_t>(values.size())}, dtype, ctx);
}

NDArray arange(double stop) { return arange(0, stop); }

namespace random {

namespace {

auto UniformDraw(double low, double high) {
  MX_CHECK_AS(ValueError, low <= high)
      << "random::uniform: low (" << low << ") must not exceed high (" << high << ").";
  return [low, high](std::mt19937& e) {
    return low + (high - low) * std::generate_canonical<double, 53>(e);
  };
}

auto NormalDraw(double loc, double scale) {
  MX_CHECK_AS(ValueError, scale >= 0)
      << "random::normal: scale must be >= 0, found " << scale << ".";
  return [loc, scale](std::mt19937& e) {
    // Box-Muller, so the values do not depend on the standard library's distribution code.
    double u1 = std::generate_canonical<double, 53>(e);
    double u2 = std::generate_canonical<double, 53>(e);
    if (u1 < 1e-300) u1 = 1e-300;
    return loc + scale * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
}

NDArray CheckedOut(NDArray out, const char* what) {
  MX_CHECK_AS(ValueError, !out.is_none())
      << "random::" << what << ": out is a none NDArray; pass an allocated array to fill.";
  return out;
}

}  // namespace

NDArray uniform(double low, double high, const Shape& shape, Context ctx, DType dtype) {
  return RandomArray(shape, ctx, dtype, UniformDraw(low, high));
}

NDArray normal(double loc, double scale, const Shape& shape, Context ctx, DType dtype) {
  return RandomArray(shape, ctx, dtype, NormalDraw(loc, scale));
}

NDArray uniform(double low, double high, NDArray out) {
  RandomFill(CheckedOut(out, "uniform"), UniformDraw(low, high));
  return out;
}

NDArray normal(double loc, double scale, NDArray out) {
  RandomFill(CheckedOut(out, "normal"), NormalDraw(loc, scale));
  return out;
}

}  // namespace random
}  // namespace nd

namespace random {

Resource GlobalResource() {
  auto& g = nd::Gen();
  return Resource{&g.engine, g.var};
}

std::string GetState() {
  auto& g = nd::Gen();
  std::ostringstream os;
  Engine::Get()->PushSyncAndWait([&](RunContext) { os << g.engine; }, cpu(), {}, {g.var},
                                 FnProperty::kNormal, "random_state");
  return os.str();
}

void SetState(const std::string& state) {
  std::mt19937 parsed;
  std::istringstream is(state);
  is >> parsed;
  MX_CHECK_AS(ValueError, !is.fail())
      << "random::SetState: the text is not a saved generator state.";
  auto& g = nd::Gen();
  Engine::Get()->PushSyncAndWait([&](RunContext) { g.engine = parsed; }, cpu(), {}, {g.var},
                                 FnProperty::kNormal, "random_state");
}

void Seed(uint32_t seed) {
  auto& g = nd::Gen();
  Engine::Get()->PushSync([seed, &g](RunContext) { g.engine.seed(seed); }, cpu(), {}, {g.var},
                          FnProperty::kNormal, 0, "seed");
}

}  // namespace random
}  // namespace mx
