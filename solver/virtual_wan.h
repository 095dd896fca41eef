// Virtual WAN in route selection (docs/model.md#virtual-wan): the routes a virtual hub gives a connected spoke VNet.
#pragma once

#include <optional>
#include <vector>

#include "model/model.h"
#include "solver/route_choice.h"

namespace exposim::solver {

/// The system routes (`system` "virtual-hub") that the Virtual WAN hub of VNet `vnet` gives its subnets, for IPv4
/// destinations, in the order choose_route() offers them: the hub's 0.0.0.0/0 (routing intent or a static route of
/// the hub), then the prefixes it has learned (its own address space, like a peering; the other connected VNets,
/// through its router or, with routing intent for private traffic, its firewall). Empty when no hub connects it.
std::vector<RouteChoice> hub_routes(const model::Model& m, int vnet);

/// The first of hub_routes(): the hub's 0.0.0.0/0 that VNet `vnet` learns, or nullopt when no hub gives it one.
std::optional<RouteChoice> hub_default_choice(const model::Model& m, int vnet);

}  // namespace exposim::solver
