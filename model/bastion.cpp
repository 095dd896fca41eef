// Names of the Bastion enumerations, as printed in every output.
#include "model/bastion.h"

namespace exposim::model {

const char* to_string(BastionSku s) {
  switch (s) {
    case BastionSku::kDeveloper: return "Developer";
    case BastionSku::kBasic: return "Basic";
    case BastionSku::kStandard: return "Standard";
    case BastionSku::kPremium: return "Premium";
  }
  return "?";
}

}  // namespace exposim::model
