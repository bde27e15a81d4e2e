// Whether a name is one MXNet 1.9 registers for an operator (mxnet_op_names.cc), for errors
// about operators Tessera does not have: an MXNet operator not implemented yet, or a model's
// private operator (a plugin built into its project's own MXNet) that Tessera will not have.
#ifndef TESSERA_CORE_OP_MXNET_OP_NAMES_H_
#define TESSERA_CORE_OP_MXNET_OP_NAMES_H_

#include <string>

namespace mx {

bool IsMXNetOperatorName(const std::string& name);

}  // namespace mx

#endif  // TESSERA_CORE_OP_MXNET_OP_NAMES_H_
