// The route a subnet chose for one destination: the value routing returns (solver/network.h) and that
// explain's reasons and analyze's broken flows carry, in a header of its own so that they need not include the
// routing functions.
#pragma once

#include <optional>
#include <string>

#include "model/model.h"

namespace exposim::solver {

/// The route a subnet uses for one destination.
struct RouteChoice {
  model::NextHopType next_hop{model::NextHopType::kInternet};
  bool user{false};     // a user-defined route (else a system route)
  int route_table{-1};  // user routes: the table and the route's index in it
  int route{-1};
  /// System routes: "virtual-network", "peering", "default" (0.0.0.0/0 or ::/0 to Internet), or
  /// "reserved" (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 to None, where no VNet route is as specific),
  /// or "virtual-hub" (learned from a Virtual WAN hub: its 0.0.0.0/0 to VirtualNetworkGateway, the hub's prefix like a
  /// peering, other spokes to VirtualNetworkGateway; `next_hop_ip` is the hub firewall's address when the route leads
  /// to it, or "private-endpoint" (the /32 route of a private endpoint's address in its VNet and the peered VNets,
  /// which east-west reachability follows: solver/east_west.h).
  const char* system{""};
  std::optional<model::IpAddress> next_hop_ip;  // VirtualAppliance
  model::IpPrefix prefix;
  int peer_vnet{-1};  // "peering": the VNet whose space the route leads to
  int hub{-1};        // "virtual-hub": the virtual hub that gives the route (docs/model.md, "Virtual WAN")
  /// "virtual-hub": why the hub gives it ("routing intent", "static route 'r' of hub route table 't'",
  /// "hub address space", "connected virtual network", "routing intent for private traffic").
  std::string hub_reason;
};

}  // namespace exposim::solver
