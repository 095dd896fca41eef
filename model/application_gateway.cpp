// Names of the Application Gateway enumerations, as printed in every output.
#include "model/application_gateway.h"

namespace exposim::model {

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
