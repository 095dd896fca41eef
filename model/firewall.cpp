// Azure Firewall: names of its enumerations, as printed in every output.
#include "model/firewall.h"

namespace exposim::model {

const char* to_string(ThreatIntelMode m) {
  switch (m) {
    case ThreatIntelMode::kAlert: return "Alert";
    case ThreatIntelMode::kDeny: return "Deny";
    case ThreatIntelMode::kOff: return "Off";
  }
  return "?";
}

const char* to_string(FirewallRuleKind k) {
  switch (k) {
    case FirewallRuleKind::kNat: return "dnat";
    case FirewallRuleKind::kNetwork: return "network";
    case FirewallRuleKind::kApplication: return "application";
  }
  return "?";
}

const char* to_string(FirewallAction a) {
  switch (a) {
    case FirewallAction::kDnat: return "DNAT";
    case FirewallAction::kAllow: return "Allow";
    case FirewallAction::kDeny: return "Deny";
  }
  return "?";
}

}  // namespace exposim::model
