// Routing inside the estate: the route a subnet chooses for a destination (user-defined and system
// routes, longest prefix, Azure's tie-breaking), and whether two VNets are connected by peering
// (docs/model.md#routing-and-peering).
#pragma once

#include <cstdint>
#include <optional>

#include "model/model.h"
#include "solver/route_choice.h"

namespace exposim::solver {

/// The route chosen by subnet `subnet` (index into model.subnets; -1 = unknown subnet: system default only)
/// for `destination`: longest prefix; on equal prefixes a user-defined route beats a system route, and
/// among user routes the first listed wins. BGP routes are not modelled (docs/model.md). User routes
/// naming a service tag are ignored (their ranges are not known). `user_routes` false: without the subnet's
/// user-defined routes (a private endpoint whose subnet's network policies leave route tables off).
RouteChoice choose_route(const model::Model& m, int subnet, const model::IpAddress& destination,
                         bool user_routes = true);

/// The route of the reply from subnet `subnet` (index into model.subnets; -1 = unknown subnet) to internet client
/// `client` (docs/model.md#return-routing): the subnet's user-defined routes (longest prefix; among equal prefixes
/// the first listed), else the 0.0.0.0/0 a Virtual WAN hub gives the VNet (IPv4), else the system default route to
/// Internet. The one decision of the reply route for analyze (AddressSpace::internet_answerable is the set of clients
/// whose reply route leads to Internet; the route of the others names the diversion) and explain (the route hop).
/// Internet clients lie outside every VNet, peering and hub space, so for them it is choose_route()'s choice.
RouteChoice reply_route(const model::Model& m, int subnet, const model::IpAddress& client);

/// The peering of VNet `from` whose remote is VNet `to`, or nullptr.
const model::Peering* find_peering(const model::Model& m, int from, int to);

/// What keeps traffic from passing between two VNets (peering_gap()): nothing (the same VNet, or peered with both
/// sides present and Connected), a VNet not in the input, no peering (peering is not transitive), a peering on one
/// side only, a peering not Connected, or a receiving side that does not allow forwarded traffic.
enum class PeeringBlock : std::uint8_t { kNone, kNotInInput, kNotPeered, kOneSided, kNotConnected, kNotForwarded };

/// Why traffic cannot pass from VNet `from` to VNet `to`, as data (its words: peering_text(), solver/words.h).
struct PeeringGap {
  PeeringBlock block{PeeringBlock::kNone};
  int from{-1};
  int to{-1};
  // kOneSided: the VNet whose peering to the other exists (peering: its index there); kNotConnected: the VNet whose
  // peering is not Connected; kNotForwarded: `to`, whose peering to `from` does not allow forwarded traffic.
  int vnet{-1};
  int peering{-1};  // index into m.vnets[vnet].peerings
};

/// Why traffic cannot pass between two VNets (block kNone when it can): the same VNet, or peered with both sides
/// present and Connected. Peering is not transitive. `allowVirtualNetworkAccess` false is not a block: it only takes
/// the peer's space out of the VirtualNetwork tag on that side (AddressSpace::virtual_network), so the NSGs decide.
/// `forwarded`: the packet's source is outside `from`'s address space (an appliance forwarded it), so the receiving
/// side's peering must also allow forwarded traffic.
PeeringGap peering_gap(const model::Model& m, int from, int to, bool forwarded = false);
/// Whether traffic passes between two VNets: peering_gap() finds no block.
bool peering_connects(const model::Model& m, int from, int to, bool forwarded = false);

/// The subnet whose prefix contains `address` (the longest, when they nest), or -1.
int subnet_containing(const model::Model& m, const model::IpAddress& address);

}  // namespace exposim::solver
