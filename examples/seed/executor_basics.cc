// The seed tutorial's executor example (section 02): s = data_c * (data_a + data_b) bound on
// the CPU to three arrays and run forward.
#include <iostream>

#include "core/tessera.h"

int main() {
  try {
    namespace sym = mx::sym;
    // data_a = mx.sym.Variable('data_a') ... s = data_c*(data_a+data_b)
    mx::Symbol data_a = sym::Variable("data_a");
    mx::Symbol data_b = sym::Variable("data_b");
    mx::Symbol data_c = sym::Variable("data_c");
    mx::Symbol s = data_c * (data_a + data_b);
    // e = s.bind(mx.cpu(), {'data_a': mx.nd.array([1,2,3]), 'data_b': mx.nd.array([4,5,6]),
    //                       'data_c': mx.nd.array([2,3,4])})
    mx::BindArgs args;
    args.args = {{"data_a", mx::nd::array({1, 2, 3})},
                 {"data_b", mx::nd::array({4, 5, 6})},
                 {"data_c", mx::nd::array({2, 3, 4})}};
    mx::Executor e = mx::Executor::Bind(s, mx::cpu(), args);
    // output = e.forward(); print(output[0])
    const std::vector<mx::NDArray>& output = e.Forward();
    std::cout << output[0] << "\n";
    mx::WaitAll();  // mx.nd.waitall(): the work queued is done, and its errors thrown here
  } catch (const mx::Error& e) {
    std::cerr << "executor_basics failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
