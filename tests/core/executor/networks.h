// Networks shared by the executor tests (and mirrored by the executor benchmark).
#ifndef TESSERA_TESTS_CORE_EXECUTOR_NETWORKS_H_
#define TESSERA_TESTS_CORE_EXECUTOR_NETWORKS_H_

#include "core/tessera.h"

namespace mx {
namespace testnets {

// data -> fc(8) -> tanh -> fc(num_out).
Symbol Mlp(int num_out);
// The seed network body (conv 3x3 pad 1, batch norm, relu, 2x2 max pool, fc) with `filters`
// filters; its SoftmaxOutput head when `with_loss`.
Symbol SeedNet(int filters, bool with_loss);
// conv stem, `blocks` residual blocks (conv-bn-relu-conv-bn + identity, relu), global average
// pool, fc(num_out).
Symbol ResNet(int blocks, int channels, int num_out);

}  // namespace testnets
}  // namespace mx

#endif  // TESSERA_TESTS_CORE_EXECUTOR_NETWORKS_H_
