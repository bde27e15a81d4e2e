// The seed tutorial's imperative convolution (section 02): mx.nd.Convolution on
// arange(0, 28).reshape((1, 1, 4, 7)) with ten 3x3 all-ones filters and zero bias.
#include <iostream>

#include "core/tessera.h"

int main() {
  try {
    // data = mx.nd.arange(0,28).reshape((1,1,4,7)); print(data)
    mx::NDArray data = mx::nd::arange(0, 28).Reshape({1, 1, 4, 7});
    std::cout << data << "\n";
    // conv1 = mx.nd.Convolution(data=data, weight=mx.nd.ones((10,1,3,3)),
    //                           bias=mx.nd.zeros((10)), num_filter=10, kernel=(3,3),
    //                           name='conv1')
    mx::NDArray conv1 =
        mx::nd::Op1("Convolution", {data, mx::nd::ones({10, 1, 3, 3}), mx::nd::zeros({10})},
                    {{"num_filter", 10}, {"kernel", {3, 3}}, {"name", "conv1"}});
    std::cout << conv1 << "\n";
    mx::WaitAll();  // mx.nd.waitall(): the work queued is done, and its errors thrown here
  } catch (const mx::Error& e) {
    std::cerr << "nd_convolution failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
