// Names of the Bastion and Application Gateway enumerations, as printed in every output.
#include "model/gateways.h"

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

const char* to_string(AgProtocol p) { return p == AgProtocol::kHttp ? "Http" : "Https"; }

const char* to_string(WafMode m) {
  switch (m) {
    case WafMode::kOff: return "off";
    case WafMode::kDetection: return "detection";
    case WafMode::kPrevention: return "prevention";
    case WafMode::kUnknown: return "unknown";
  }
  return "?";
}

}  // namespace exposim::model
