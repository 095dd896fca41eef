// Network security groups: names of the protocols, rule ids.
#include "model/nsg.h"

namespace exposim::model {

const char* to_string(Protocol p) {
  switch (p) {
    case Protocol::kTcp: return "tcp";
    case Protocol::kUdp: return "udp";
    case Protocol::kIcmp: return "icmp";
    case Protocol::kEsp: return "esp";
    case Protocol::kAh: return "ah";
  }
  return "?";
}

std::string security_rule_id(const NetworkSecurityGroup& nsg, const SecurityRule& rule) {
  if (!rule.id.empty()) return rule.id;
  return nsg.id + (rule.is_default ? "/defaultSecurityRules/" : "/securityRules/") + rule.name;
}

}  // namespace exposim::model
