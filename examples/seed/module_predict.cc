// The seed's Module prediction (section 03): bind the seed network for inference on
// (8, 3, 28, 28), initialize with the defaults and print the outputs for random inputs.
#include <iostream>

#include "core/tessera.h"
#include "examples/models/networks.h"

int main() {
  try {
    mx::Symbol sym = mx::models::SeedNet(128, true);
    // mod = mx.mod.Module(symbol=sym, context=mx.cpu())
    mx::mod::Module mod(sym, {mx::cpu()});
    // mod.bind(data_shapes=[('data',(8,3,28,28))], label_shapes=[('softmax_label',(8,))],
    //          for_training=False); mod.init_params()
    mod.Bind({{"data", {8, 3, 28, 28}}}, {{"softmax_label", {8}}}, /*for_training=*/false);
    mod.InitParams();
    // data = mx.nd.random.uniform(0,1,shape=(8,3,28,28)); mod.forward(mx.io.DataBatch([data]))
    mx::NDArray data = mx::nd::random::uniform(0, 1, {8, 3, 28, 28});
    mod.Forward(mx::io::DataBatch({data}));
    // print(mod.get_outputs()[0])
    std::cout << mod.GetOutputs()[0] << "\n";
    mx::WaitAll();  // mx.nd.waitall(): the work queued is done, and its errors thrown here
  } catch (const mx::Error& e) {
    std::cerr << "module_predict failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
