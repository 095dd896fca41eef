// Network security groups (docs/model.md): their rules, application security groups, and the packet vocabulary the
// rules are written in (protocols, access, direction, service tags).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/ip.h"
#include "model/resource_base.h"

namespace exposim::model {

enum class Protocol : std::uint8_t { kTcp = 0, kUdp = 1, kIcmp = 2, kEsp = 3, kAh = 4 };
inline constexpr int kProtocolCount = 5;
/// Bit i set = Protocol(i) included.
using ProtocolMask = std::uint8_t;
inline constexpr ProtocolMask kAllProtocols = 0x1f;
inline constexpr ProtocolMask bit(Protocol p) { return static_cast<ProtocolMask>(1u << static_cast<int>(p)); }
/// "tcp", "udp", "icmp", "esp", "ah".
const char* to_string(Protocol p);
/// True for protocols whose packets carry ports (TCP, UDP).
inline constexpr bool has_ports(Protocol p) { return p == Protocol::kTcp || p == Protocol::kUdp; }

enum class Access { kAllow, kDeny };
enum class Direction { kInbound, kOutbound };

/// Service tags the solver resolves. Anything else is kOther with its text kept.
enum class ServiceTag { kInternet, kVirtualNetwork, kAzureLoadBalancer, kOther };

/// One side (source or destination) of an NSG rule: the union of everything listed.
struct AddressMatch {
  bool any{false};                      // "*", "Any", "0.0.0.0/0"+"::/0" are NOT folded here: only "*"/"Any"
  std::vector<IpPrefix> prefixes;       // IPs and CIDRs (singular and plural fields merged)
  std::vector<ServiceTag> tags;         // resolved tags
  std::vector<std::string> other_tags;  // tags the solver cannot resolve, as written (e.g. "AzureCloud")
  std::vector<Ref> asgs;                // application security groups
};

/// A security rule. Unsupported: augmented rules mixing more than one service tag are accepted as the union.
struct SecurityRule {
  std::string name;
  /// Empty after validation when it is the derivable one (the NSG's id + "/securityRules/" or
  /// "/defaultSecurityRules/" + name): a large estate has hundreds of thousands of rules. Read it with
  /// security_rule_id().
  std::string id;
  int priority{0};
  Direction direction{Direction::kInbound};
  Access access{Access::kDeny};
  ProtocolMask protocols{0};
  AddressMatch source;
  AddressMatch destination;
  PortSet source_ports;       // all() for "*"
  PortSet destination_ports;  // all() for "*"
  bool is_default{false};     // one of Azure's six default rules
  /// Written by Defender for Cloud just-in-time access ("SecurityCenter-JITRule..."); recorded for reports.
  bool is_jit{false};
  SourceLocation where;
  bool flattened{false};  // fields on the rule object itself, not under "properties"
};

struct NetworkSecurityGroup : ResourceBase {
  /// Custom and default rules together, sorted by (direction, priority) after validation.
  std::vector<SecurityRule> rules;
  /// Back-references the input may carry (`properties.subnets`, `properties.networkInterfaces`).
  std::vector<Ref> subnets;
  std::vector<Ref> network_interfaces;
};

/// A rule's resource id: as written in the input, or derived from its NSG's id and its name.
std::string security_rule_id(const NetworkSecurityGroup& nsg, const SecurityRule& rule);

struct ApplicationSecurityGroup : ResourceBase {};

/// Azure's six default security rules, in evaluation order within each direction.
std::vector<SecurityRule> default_security_rules();

}  // namespace exposim::model
