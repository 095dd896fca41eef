// Names of model enums, canonical ids and lookups on the Model.
#include "model/model.h"

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

const char* to_string(NextHopType t) {
  switch (t) {
    case NextHopType::kVirtualNetworkGateway: return "VirtualNetworkGateway";
    case NextHopType::kVnetLocal: return "VnetLocal";
    case NextHopType::kInternet: return "Internet";
    case NextHopType::kVirtualAppliance: return "VirtualAppliance";
    case NextHopType::kNone: return "None";
    case NextHopType::kVnetPeering: return "VNetPeering";
  }
  return "?";
}

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

const char* to_string(Sku s) { return s == Sku::kBasic ? "Basic" : "Standard"; }

const char* to_string(ResourceKind k) {
  switch (k) {
    case ResourceKind::kInternet: return "internet";
#define EXPOSIM_KIND_NAME(Enum, name, member, Type, noun) \
  case ResourceKind::k##Enum: return name;
      EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_NAME)
#undef EXPOSIM_KIND_NAME
  }
  return "?";
}

std::optional<ResourceKind> resource_kind_from_string(std::string_view name) {
  if (name == to_string(ResourceKind::kInternet)) return ResourceKind::kInternet;
  for (ResourceKind k : kResourceKinds) {
    if (name == to_string(k)) return k;
  }
  return std::nullopt;
}

const char* noun(ResourceKind k) {
  switch (k) {
    case ResourceKind::kInternet: return "internet";
#define EXPOSIM_KIND_NOUN(Enum, name, member, Type, noun) \
  case ResourceKind::k##Enum: return noun;
      EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_NOUN)
#undef EXPOSIM_KIND_NOUN
  }
  return "?";
}

std::string security_rule_id(const NetworkSecurityGroup& nsg, const SecurityRule& rule) {
  if (!rule.id.empty()) return rule.id;
  return nsg.id + (rule.is_default ? "/defaultSecurityRules/" : "/securityRules/") + rule.name;
}

std::string ip_configuration_id(const NetworkInterface& nic, const IpConfiguration& cfg) {
  return cfg.id.empty() ? nic.id + "/ipConfigurations/" + cfg.name : cfg.id;
}

void drop_derivable_id(const NetworkInterface& nic, IpConfiguration& cfg) {
  if (cfg.id.empty() || nic.id.empty()) return;
  std::string written = std::move(cfg.id);
  cfg.id = std::string();
  if (ip_configuration_id(nic, cfg) != written) cfg.id = std::move(written);  // not derivable: kept
}

std::string canonical_id(std::string_view id) {
  std::string out(id);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

const ResourceBase* Model::resource(const GraphVertex& v) const {
  switch (v.kind) {
    case ResourceKind::kInternet: return nullptr;
#define EXPOSIM_KIND_RESOURCE(Enum, name, member, Type, noun) \
  case ResourceKind::k##Enum: return &member.at(v.index);
      EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_RESOURCE)
#undef EXPOSIM_KIND_RESOURCE
  }
  return nullptr;
}

}  // namespace exposim::model
