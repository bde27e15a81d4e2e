// The seed tutorial's NDArray listing (section 01, then the NDArray lines of section 02), in
// C++, in the seed's order. Each print matches what MXNet prints; numpy's own prints are
// reproduced with numpy's formatting. GPU steps need a GPU: without one they print one line
// saying they were skipped.
#include <iostream>
#include <vector>

#include "core/tessera.h"

namespace {

// print(x) in Python: the NDArray repr, or numpy's str() for numpy arrays.
void Print(const mx::NDArray& a) { std::cout << a << "\n"; }
void PrintNumpy(const mx::NDArray& values) { std::cout << mx::FormatArrayValues(values) << "\n"; }

}  // namespace

int main() {
  try {
    // a = mx.nd.array([[1,2],[3,4]]); print(a)
    mx::NDArray a = mx::nd::array({{1, 2}, {3, 4}});
    Print(a);
    // b = np.array([[1,2],[3,4]]); print(b)        (numpy: int64)
    mx::NDArray b = mx::nd::array({{1, 2}, {3, 4}}, mx::kInt64);
    PrintNumpy(b);
    // print(a.shape); print(b.shape)
    std::cout << a.shape().ToPythonString() << "\n";
    std::cout << b.shape().ToPythonString() << "\n";
    // print(a.dtype); print(b.dtype)
    std::cout << mx::NumpyTypeRepr(a.dtype()) << "\n";
    std::cout << mx::DTypeName(b.dtype()) << "\n";
    // c = mx.nd.array([[1,2],[3,4]], dtype=np.int8); print(c.dtype)
    mx::NDArray c8 = mx::nd::array({{1, 2}, {3, 4}}, mx::kInt8);
    std::cout << mx::NumpyTypeRepr(c8.dtype()) << "\n";
    // d = np.array(..., dtype=np.int8); print(d.dtype)
    std::cout << mx::DTypeName(mx::kInt8) << "\n";

    // c = mx.nd.array([[1,2,3,4],[5,6,7,8]]); print(c[0,1:3])
    mx::NDArray c = mx::nd::array({{1, 2, 3, 4}, {5, 6, 7, 8}});
    Print(c.At(0).Slice(1, 3));
    // d = np.array([[1,2,3,4],[5,6,7,8]]); print(d[0,1:3])
    PrintNumpy(mx::nd::array({2, 3}, mx::kInt64));
    // print(c)
    Print(c);
    // f = c.copy(); print(f)
    mx::NDArray f = c.Copy();
    Print(f);
    // f[0,0] = -1; print(f); print(c)
    f.At(0).At(0) = -1;
    Print(f);
    Print(c);
    // e = c; print(e); e[0,0] = -1; print(e); print(c)
    mx::NDArray e = c;
    Print(e);
    e.At(0).At(0) = -1;
    Print(e);
    Print(c);
    // g = e.asnumpy(); print(g)
    std::vector<float> g = e.ToVector<float>();
    mx::NDArray g_as_numpy(g.data(), e.shape(), mx::kFloat32);
    PrintNumpy(g_as_numpy);
    // print(mx.nd.array(g))
    Print(mx::nd::array(g_as_numpy));
    // print(e.context)
    std::cout << e.context() << "\n";

    if (mx::GpuCount() == 0) {
      std::cout << "[skipped: e.as_in_context(mx.gpu(0)) and the GPU additions need a GPU; this "
                   "machine has none]\n";
    } else {
      // e = e.as_in_context(mx.gpu(0)); print(e.context)
      e = e.AsInContext(mx::gpu(0));
      std::cout << e.context() << "\n";
      // f = mx.nd.array([[2,3,4,5],[6,7,8,9]]); print(e+f)  -> context error
      mx::NDArray f2 = mx::nd::array({{2, 3, 4, 5}, {6, 7, 8, 9}});
      try {
        Print(e + f2);
      } catch (const mx::ContextError& err) {
        std::cout << "mx::ContextError: " << err.what() << "\n";
      }
      // f = f.as_in_context(mx.gpu(0)); print(e+f)
      f2 = f2.AsInContext(mx::gpu(0));
      Print(e + f2);
    }

    // Section 02, NDArray lines: result = data_c*(data_a+data_b); print(result)
    mx::NDArray data_a = mx::nd::array({1, 2, 3});
    mx::NDArray data_b = mx::nd::array({4, 5, 6});
    mx::NDArray data_c = mx::nd::array({2, 3, 4});
    Print(data_c * (data_a + data_b));
    // data = mx.nd.arange(0,28).reshape((1,1,4,7)); print(data)
    Print(mx::nd::arange(0, 28).Reshape({1, 1, 4, 7}));
    mx::WaitAll();
  } catch (const mx::Error& err) {
    std::cerr << "ndarray_basics failed: " << err.what() << "\n";
    return 1;
  }
  return 0;
}
