// The seed's listing 3-2: the same training with Module::Fit, logging as MXNet does
// ("INFO:root:Epoch[0] Train-accuracy=..." and "Time cost=..." on stderr).
// Flags --samples, --size, --epochs shrink it (seed_data.h).
#include <iostream>

#include "core/tessera.h"
#include "examples/models/networks.h"
#include "examples/seed/seed_data.h"

int main(int argc, char** argv) {
  try {
    seed::Sizes sizes = seed::ParseSizes(argc, argv);
    mx::Symbol sym = mx::models::SeedNet(128, true);
    std::unique_ptr<mx::io::NDArrayIter> train_data = seed::TrainData(sizes);
    std::cout << train_data->ProvideData() << "\n" << train_data->ProvideLabel() << "\n";
    mx::mod::Module mod(sym, {mx::cpu()});
    // mod.fit(train_data=train_data, num_epoch=5)
    mx::mod::FitOptions fit;
    fit.num_epoch = sizes.epochs;
    fit.optimizer_params = {{"learning_rate", sizes.lr}};
    mod.Fit(train_data.get(), fit);
    mx::WaitAll();  // mx.nd.waitall(): the work queued is done, and its errors thrown here
  } catch (const mx::Error& e) {
    std::cerr << "module_fit failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
