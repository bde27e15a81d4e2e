// Small symbolic networks used by the executor tests and benchmarks: an MLP, the seed
// tutorial network and a residual network with batch norm.
#ifndef TESSERA_EXAMPLES_MODELS_NETWORKS_H_
#define TESSERA_EXAMPLES_MODELS_NETWORKS_H_

#include "core/tessera.h"

namespace mx {
namespace models {

// data -> fc(8) -> tanh -> fc(num_out).
Symbol Mlp(int num_out);
// The seed network body (conv 3x3 pad 1, batch norm, relu, 2x2 max pool, fc) with `filters`
// filters; its SoftmaxOutput head when `with_loss`.
Symbol SeedNet(int filters, bool with_loss);
// conv stem, `blocks` residual blocks (conv-bn-relu-conv-bn + identity, relu), global average
// pool, fc(num_out).
Symbol ResNet(int blocks, int channels, int num_out);

}  // namespace models
}  // namespace mx

#endif  // TESSERA_EXAMPLES_MODELS_NETWORKS_H_
