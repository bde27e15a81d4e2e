// MXNet 1.9's other names (add_alias) for the operators Tessera has: older symbol files use
// them ("_Plus", "ElementWiseSum", "_MulScalar", ...), and mx.nd/mx.sym offer them.
#include <utility>

#include "core/op/op_def.h"

namespace mx {
namespace {

bool RegisterAliases() {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"_add", "elemwise_add"},
      {"_plus", "elemwise_add"},
      {"_Plus", "elemwise_add"},
      {"_sub", "elemwise_sub"},
      {"_minus", "elemwise_sub"},
      {"_Minus", "elemwise_sub"},
      {"_mul", "elemwise_mul"},
      {"_Mul", "elemwise_mul"},
      {"_div", "elemwise_div"},
      {"_Div", "elemwise_div"},
      {"_Mod", "_mod"},
      {"_Power", "_power"},
      {"_Maximum", "_maximum"},
      {"_Minimum", "_minimum"},
      {"_PlusScalar", "_plus_scalar"},
      {"_MinusScalar", "_minus_scalar"},
      {"_RMinusScalar", "_rminus_scalar"},
      {"_MulScalar", "_mul_scalar"},
      {"_DivScalar", "_div_scalar"},
      {"_RDivScalar", "_rdiv_scalar"},
      {"_ModScalar", "_mod_scalar"},
      {"_RModScalar", "_rmod_scalar"},
      {"_PowerScalar", "_power_scalar"},
      {"_RPowerScalar", "_rpower_scalar"},
      {"_MaximumScalar", "_maximum_scalar"},
      {"_MinimumScalar", "_minimum_scalar"},
      {"_HypotScalar", "_hypot_scalar"},
      {"_EqualScalar", "_equal_scalar"},
      {"_NotEqualScalar", "_not_equal_scalar"},
      {"_GreaterScalar", "_greater_scalar"},
      {"_GreaterEqualScalar", "_greater_equal_scalar"},
      {"_LesserScalar", "_lesser_scalar"},
      {"_LesserEqualScalar", "_lesser_equal_scalar"},
      {"_LogicalAndScalar", "_logical_and_scalar"},
      {"_LogicalOrScalar", "_logical_or_scalar"},
      {"_LogicalXorScalar", "_logical_xor_scalar"},
      {"broadcast_plus", "broadcast_add"},
      {"broadcast_minus", "broadcast_sub"},
      {"ElementWiseSum", "add_n"},
      {"flatten", "Flatten"},
      {"reshape", "Reshape"},
      {"concat", "Concat"},
      {"split", "SliceChannel"},
      {"cast", "Cast"},
      {"identity", "_copy"},
      {"stop_gradient", "BlockGrad"},
      {"sum_axis", "sum"},
      {"ctc_loss", "CTCLoss"},
      {"_contrib_CTCLoss", "CTCLoss"},
      {"_contrib_ctc_loss", "CTCLoss"},
      {"max_axis", "max"},
      {"min_axis", "min"},
      {"swapaxes", "SwapAxis"},
      {"crop", "slice"},
      {"flip", "reverse"},
      {"broadcast_axes", "broadcast_axis"},
      {"_contrib_box_non_maximum_suppression", "_contrib_box_nms"},
      {"pad", "Pad"},
      {"choose_element_0index", "pick"},
      {"MultiBoxPrior", "_contrib_MultiBoxPrior"},
      {"MultiBoxTarget", "_contrib_MultiBoxTarget"},
      {"MultiBoxDetection", "_contrib_MultiBoxDetection"},
      {"random_uniform", "_random_uniform"},
      {"uniform", "_random_uniform"},
      {"random_normal", "_random_normal"},
      {"normal", "_random_normal"},
      {"sample_uniform", "_sample_uniform"},
      {"sample_normal", "_sample_normal"},
  };
  for (const auto& [alias, name] : kAliases) OpRegistry::Get()->AddAlias(alias, name);
  return true;
}

[[maybe_unused]] const bool kRegistered = RegisterAliases();

}  // namespace
}  // namespace mx
