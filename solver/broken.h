// Why a flow that passes every filter cannot work, as data: analyze's broken flows (Exposure::broken) and explain's
// route hop that says so (ReasonCode::kForwardedLeg) carry the same value; cli/broken_text.h writes it as one line.
#pragma once

#include <cstdint>
#include <optional>

#include "model/model.h"
#include "solver/hop.h"
#include "solver/route_choice.h"

namespace exposim::solver {

/// One code per kind of failure. The comment names the fields of Broken the code rests on; the others keep their
/// defaults.
enum class BrokenCode : std::uint8_t {
  // A flow an entry point opens (`entry_kind`, `entry`: a Bastion host or an application gateway) to ip configuration
  // `target`, from its subnet's first address `from`.
  kEntryCannotReach,   // VNets `from_vnet` (the entry point's) and `to_vnet` (the target's) are not connected
  kForwardAsymmetric,  // requests to `to` take `route` (to an appliance), but replies come straight back
  kForwardLost,        // requests to `to` take `route` and do not reach it
  kReplyAsymmetric,    // replies to `from` take `route`, not the way the connection came
  // The replies of ip configuration `target` to some internet clients.
  kRepliesDropped,   // replies take `route`, whose next hop is None
  kRepliesDiverted,  // replies take `route`, not the way they entered (`via`: the public IP or the load balancer)
  // A network virtual appliance (`appliance`: its NIC) forwarding internet packets to ip configuration `target`.
  kApplianceCannotForward,  // VNets `from_vnet` (the appliance's) and `to_vnet` do not pass forwarded traffic
  // Packets an Azure Firewall (`firewall`) translates with DNAT to `to` (an address in subnet `subnet`).
  kHubFirewallCannotReach,   // a secured hub's (`hub`) firewall: the target's VNet `to_vnet` is on no hub of its WAN
  kHubFirewallUnplaced,      // a secured hub's (`hub`) firewall: neither its private address nor the hub's prefix
  kFirewallUnplaced,         // the firewall has no subnet or private IP in the input
  kFirewallCannotReach,      // VNets `from_vnet` (the firewall's) and `to_vnet` are not connected
  kFirewallForwardLost,      // the firewall subnet sends `to` by `route`, which does not reach the target
  kFirewallReplyAsymmetric,  // replies to the firewall's address `from` take user route `route`
  kFirewallReplyLost,        // replies to the firewall's address `from` take system route `route` and are lost
  // An east-west flow (solver/east_west.h) from source address `from` to `to` (ip configuration `target`, or a
  // private endpoint: target.nic -1), whose request crossed firewall `firewall`, appliance `appliance` or neither.
  kEastWestAsymmetric,  // the replies take `route` (from the target's `subnet`), which crosses something else
  kEastWestReplyLost,   // the replies take `route`, whose next hop (None, Internet, a gateway) does not lead back
  /// The replies cross the request's firewall or appliance, in VNet `from_vnet`, which forwards them into the
  /// source's VNet `to_vnet` across a peering that does not accept forwarded traffic (`forwarded`: peering_gap).
  kEastWestReplyNotForwarded,
};

/// Why a flow cannot work: the code, and the model indexes, addresses and route it rests on (never a copied name:
/// cli/broken_text.cpp resolves names through the model).
struct Broken {
  BrokenCode code{BrokenCode::kEntryCannotReach};
  model::ResourceKind entry_kind{model::ResourceKind::kInternet};  // kBastionHost or kApplicationGateway
  int entry{-1};
  model::IpConfigIndex target;
  int appliance{-1};  // the appliance's NIC
  int firewall{-1};
  int hub{-1};
  int subnet{-1};
  int from_vnet{-1};
  int to_vnet{-1};
  bool forwarded{false};  // the peering must also allow forwarded traffic (peering_gap)
  std::optional<model::IpAddress> from;
  std::optional<model::IpAddress> to;
  RouteChoice route;
  Via via{Via::kPublicIp};
};

}  // namespace exposim::solver
