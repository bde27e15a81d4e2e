// Embedding's parameters, shared by the CPU (embedding.cc) and GPU (embedding.cu) kernels.
#ifndef TESSERA_CORE_OPS_NN_EMBEDDING_INL_H_
#define TESSERA_CORE_OPS_NN_EMBEDDING_INL_H_

#include "core/op/op_def.h"

namespace mx {

struct EmbeddingParam {
  int input_dim, output_dim;
  DType dtype;
  bool sparse_grad;
  void Declare(ParamDeclarer* d) {
    d->Declare("input_dim", &input_dim).Describe("Vocabulary size.");
    d->Declare("output_dim", &output_dim).Describe("Embedding size.");
    d->Declare("dtype", &dtype, kFloat32).Describe("Weight dtype.");
    d->Declare("sparse_grad", &sparse_grad, false).Describe("Accepted; gradients are dense.");
  }
};

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_EMBEDDING_INL_H_
