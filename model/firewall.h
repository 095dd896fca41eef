// Azure Firewall (docs/model.md#azure-firewall): the firewall, its classic rule collections, and firewall policies with
// rule collection groups. Validation flattens a firewall's rules into the order Azure processes them
// (`Firewall::order`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/ip.h"
#include "model/nsg.h"
#include "model/resource_base.h"

namespace exposim::model {

/// IP groups (`Microsoft.Network/ipGroups`): named address lists that firewall rules reference.
struct IpGroup : ResourceBase {
  std::vector<IpPrefix> prefixes;
  /// Some address is only known at deployment or is an author's placeholder (`xx.xx.xx.xx`): the group counts as
  /// every address where it allows and as none where it denies (docs/model.md, "Unknown values").
  bool unknown{false};
};

enum class ThreatIntelMode { kAlert, kDeny, kOff };  // Azure's default is Alert
const char* to_string(ThreatIntelMode m);

/// The three rule types; Azure processes every DNAT rule before any network rule, and network rules before
/// application rules, whatever the priorities.
enum class FirewallRuleKind { kNat, kNetwork, kApplication };
const char* to_string(FirewallRuleKind k);

enum class FirewallAction { kDnat, kAllow, kDeny };
const char* to_string(FirewallAction a);

/// A list of addresses in a firewall rule: prefixes, `*`, IP groups, and entries the solver cannot resolve
/// (service tags, FQDNs), kept as written.
struct FirewallAddresses {
  bool any{false};
  std::vector<IpPrefix> prefixes;
  std::vector<Ref> ip_groups;
  std::vector<std::string> unresolved;
  bool empty() const { return !any && prefixes.empty() && ip_groups.empty() && unresolved.empty(); }
};

struct FirewallRule {
  std::string name;
  FirewallRuleKind kind{FirewallRuleKind::kNetwork};
  ProtocolMask protocols{0};  // DNAT and network rules (application rules: tcp)
  FirewallAddresses sources;
  FirewallAddresses destinations;              // DNAT: the firewall's public addresses the rule listens on
  PortSet destination_ports;                   // DNAT, network; application: the ports of `protocols[]`
  std::vector<std::string> destination_fqdns;  // network rules; application rules: targetFqdns and fqdnTags
  // DNAT
  std::optional<IpAddress> translated_address;
  std::string translated_fqdn;
  std::uint16_t translated_port{0};
  bool translated_unknown{false};  // DNAT: the translated address is only known at deployment
  /// Some field was only known at deployment: the importer widened it (every source, destination, port or
  /// protocol); the solver then applies the rule where it allows and drops it where it denies.
  bool unknown{false};
  SourceLocation where;
};

struct FirewallRuleCollection {
  std::string name;
  int priority{0};
  FirewallRuleKind kind{FirewallRuleKind::kNetwork};
  FirewallAction action{FirewallAction::kAllow};
  std::vector<FirewallRule> rules;
  SourceLocation where;
};

struct FirewallRuleCollectionGroup {
  std::string name;
  std::string id;
  std::string key;
  int priority{0};
  std::vector<FirewallRuleCollection> collections;
  SourceLocation where;
};

struct FirewallPolicy : ResourceBase {
  Ref base_policy;
  ThreatIntelMode threat_intel{ThreatIntelMode::kAlert};
  std::vector<FirewallRuleCollectionGroup> groups;
  /// The groups the policy lists by id (`ruleCollectionGroups`); validation warns for those not in the input.
  std::vector<Ref> listed_groups;
};

struct FirewallIpConfiguration {
  std::string name;
  Ref subnet;
  Ref public_ip;
  /// As written; when no ip configuration of the firewall states one, validation sets the first one's to the
  /// fourth address of its subnet (Azure gives the firewall the first usable address, x.x.x.4) and marks it
  /// `placeholder` (docs/model.md, "Azure Firewall").
  std::optional<IpAddress> private_ip;
  bool placeholder{false};
  SourceLocation where;
  bool flattened{false};
};

/// One rule in processing order: `policy` is -1 for the firewall's classic collections, else the index of
/// the policy (the firewall's own or an ancestor through `basePolicy`) holding `group`.
struct FirewallRulePosition {
  int policy{-1};
  int group{-1};
  int collection{-1};
  int rule{-1};
};

struct Firewall : ResourceBase {
  std::string sku_name{"AZFW_VNet"};  // AZFW_VNet or AZFW_Hub (secured virtual hub)
  std::string tier{"Standard"};       // Basic, Standard, Premium
  ThreatIntelMode threat_intel{ThreatIntelMode::kAlert};
  std::vector<FirewallIpConfiguration> ip_configurations;
  /// AZFW_Hub (a secured virtual hub's firewall): `hubIPAddresses.publicIPs.addresses[].address` (not
  /// resources) and `hubIPAddresses.privateIPAddress` (docs/model.md, "Virtual WAN").
  std::vector<IpAddress> hub_public_addresses;
  std::optional<IpAddress> hub_private_ip;
  /// The public IP of `managementIpConfiguration` (forced tunnelling): the platform's own traffic, never an entry.
  /// Not resolved by validation (it decides nothing); `exposim graph` looks it up to attach it to the firewall.
  Ref management_public_ip;
  Ref policy;
  Ref virtual_hub;
  std::vector<FirewallRuleCollection>
      classic;  // natRuleCollections, networkRuleCollections, applicationRuleCollections
  /// Filled by validation: every rule in processing order (DNAT, then network, then application; within a
  /// type, base policy groups first, then group, collection and rule order). Classic and policy rules do not
  /// mix (Azure allows one or the other); when both are present the policy's are used, with a warning.
  std::vector<FirewallRulePosition> order;
};

}  // namespace exposim::model
