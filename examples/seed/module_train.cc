// The seed's listing 3-1: the Module training loop written out (forward, backward, update,
// update_metric per batch), 5 epochs over 1000 random 3x224x224 samples with random labels.
// Flags --samples, --size, --epochs shrink it (seed_data.h).
#include <cstdio>
#include <iostream>

#include "core/tessera.h"
#include "examples/models/networks.h"
#include "examples/seed/seed_data.h"

int main(int argc, char** argv) {
  try {
    seed::Sizes sizes = seed::ParseSizes(argc, argv);
    mx::Symbol sym = mx::models::SeedNet(128, true);
    std::unique_ptr<mx::io::NDArrayIter> train_data = seed::TrainData(sizes);
    // print(train_data.provide_data); print(train_data.provide_label)
    std::cout << train_data->ProvideData() << "\n" << train_data->ProvideLabel() << "\n";
    mx::mod::Module mod(sym, {mx::cpu()});
    mod.Bind(train_data->ProvideData(), train_data->ProvideLabel());
    mod.InitParams();
    mod.InitOptimizer("local", "sgd", {{"learning_rate", sizes.lr}});
    std::shared_ptr<mx::metric::EvalMetric> eval_metric = mx::metric::Create("acc");
    for (int epoch = 0; epoch < sizes.epochs; ++epoch) {
      eval_metric->Reset();
      mx::io::DataBatch data_batch;
      while (train_data->Next(&data_batch)) {
        mod.Forward(data_batch);
        mod.Backward();
        mod.Update();
        mod.UpdateMetric(eval_metric.get(), data_batch.label);
      }
      auto eval_name_vals = eval_metric->GetNameValue();
      std::printf("Epoch:%d Train_Acc:%.4f\n", epoch, eval_name_vals[0].second);
      std::fflush(stdout);
      auto [arg_params, aux_params] = mod.GetParams();
      mod.SetParams(arg_params, aux_params);
      train_data->Reset();
    }
    mx::WaitAll();  // mx.nd.waitall(): the work queued is done, and its errors thrown here
  } catch (const mx::Error& e) {
    std::cerr << "module_train failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
