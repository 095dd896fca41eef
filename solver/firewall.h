// Azure Firewall rule matching over packet sets (docs/model.md#azure-firewall): which internet packets each DNAT rule
// takes, first match in Azure's processing order, and where it sends them. The firewall's entries in the analysis are
// in solver/firewall.cpp; explain follows it in solver/explain/firewall.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/model.h"
#include "solver/broken.h"
#include "solver/packet_set.h"
#include "solver/route_choice.h"

namespace exposim::solver {

/// The addresses a firewall rule field stands for: prefixes and IP groups; `*` is everything. Entries the
/// solver cannot resolve (service tags, FQDNs, IP groups not in the input) count as everything, so that
/// they never hide an exposure (`unresolved` is set).
IpSet firewall_addresses(const model::Model& m, const model::FirewallAddresses& a, bool* unresolved = nullptr);

/// The firewall's public addresses that are resources in the input (ip configurations' public IPs with an
/// address), by public IP index.
std::vector<std::pair<int, model::IpAddress>> firewall_public_ips(const model::Model& m, const model::Firewall& fw);

/// A public IP whose address is only known at deployment: none in the input (a Terraform plan creating it), or a
/// template's placeholder from 240.0.0.0/4 (importers/arm: never a real address; `reference(pip).ipAddress` gives
/// it, so rules naming the public IP that way still match it).
bool public_ip_address_unknown(const model::PublicIp& pip);
/// The public IPs of the firewall's ip configurations whose address is only known at deployment
/// (public_ip_address_unknown()). Each could take any address of its version the firewall's other public
/// addresses do not hold (unknown_public_ip_addresses()), so a DNAT rule whose destination holds such an address
/// is taken to target it (docs/model.md, "Azure Firewall").
std::vector<int> firewall_unknown_public_ips(const model::Model& m, const model::Firewall& fw);
/// The addresses unknown public IP `pip` of `fw` could have: every address of its version but the addresses (known
/// or placeholders) of the firewall's other public IPs; its own placeholder is one of them.
IpSet unknown_public_ip_addresses(const model::Model& m, const model::Firewall& fw, int pip);

/// A DNAT rule and the packets it is the first to take.
struct DnatMatch {
  int position{-1};  // index into fw.order
  /// Internet sources to the firewall's public addresses; with a public IP of unknown address, also to every
  /// address it could have (unknown_public_ip_addresses()).
  PacketSet packets;
  bool unresolved_source{false};
};

/// Every DNAT rule of `fw` in processing order with the packets from `internet` it takes first (empty
/// shares dropped). A packet to a firewall public address that no DNAT rule takes is dropped: network
/// rules never apply to inbound traffic to the firewall's own addresses, and application rules never to
/// inbound connections (docs/model.md).
std::vector<DnatMatch> dnat_matches(const model::Model& m, const model::Firewall& fw, const IpSet& internet);

/// One rule's share of traffic crossing the firewall (network and application rules).
struct FirewallDecision {
  int position{-1};  // index into fw.order; -1: no rule matched (Azure denies by default)
  bool allow{false};
  PacketSet packets;
  /// An application rule allowed by its port alone: its FQDN targets cannot be checked for a flow addressed
  /// by IP, and are assumed to match (which never hides an exposure).
  bool assumed{false};
};

/// The note of a DNAT rule's hop whose source the solver cannot resolve.
inline constexpr const char* kUnresolvedSourceNote =
    "a source the solver cannot resolve is taken as the whole internet";
/// The note on a firewall hop whose application rule allowed by its port alone (FirewallDecision::assumed).
inline constexpr const char* kAssumedFqdnNote =
    "application rule allowed by its port: its FQDN targets cannot be checked for a connection addressed by IP and "
    "are assumed to match";

/// Traffic that crosses the firewall because a route sends it there (not DNAT): network rules first, then
/// application rules, first match, deny by default. The decisions partition `arriving`.
std::vector<FirewallDecision> filter_through_firewall(const model::Model& m, const model::Firewall& fw,
                                                      const PacketSet& arriving);

/// The firewall whose private address is `address` (a route's next hop), or -1.
int firewall_at(const model::Model& m, const model::IpAddress& address);

/// The rule at a position of fw.order.
const model::FirewallRule& rule_at(const model::Model& m, const model::Firewall& fw,
                                   const model::FirewallRulePosition& at);
const model::FirewallRuleCollection& collection_at(const model::Model& m, const model::Firewall& fw,
                                                   const model::FirewallRulePosition& at);

/// Where a firewall's translated packets come from: its subnet (-1 when unknown), its private address
/// (replies must return to it; the subnet's fourth address, x.x.x.4, when no private IP is given), and the addresses
/// a target sees as the source after SNAT (the firewall subnet; any instance may carry the flow). A secured
/// virtual hub's firewall (no ip configurations): its hub, its hub private address, and the hub's prefix.
struct FirewallSide {
  int subnet{-1};
  int hub{-1};  // a secured virtual hub's firewall: the hub (its prefix is the SNAT range)
  std::optional<model::IpAddress> address;
  IpSet snat;
};
FirewallSide firewall_side(const model::Model& m, const model::Firewall& fw);
/// FirewallSide::subnet alone: the subnet of the firewall's first ip configuration in one (-1: none, a secured
/// virtual hub's firewall).
int firewall_subnet(const model::Firewall& fw);

/// Why translated packets from the firewall cannot reach `target` (an address in subnet `target_subnet`),
/// null when they can (BrokenCode kHubFirewallCannotReach ... kFirewallForwardLost): the VNets must be peered (or the
/// same), and the firewall subnet's route to the target must be VnetLocal or VNetPeering; a hub firewall's target must
/// be in a VNet connected to its hub (or to a hub of the same virtual WAN). `forward` receives that route. Its words:
/// dnat_forward_text() (solver/words.h).
std::shared_ptr<const Broken> dnat_forward_blocks(const model::Model& m, const model::Firewall& fw,
                                                  const FirewallSide& side, const model::IpAddress& target,
                                                  int target_subnet, RouteChoice& forward);

}  // namespace exposim::solver
