// Virtual WAN (docs/model.md#virtual-wan): virtual WANs, their hubs (secured by an `AZFW_Hub` firewall), the spoke
// virtual networks connected to the hubs, routing intent and hub route tables, and the routes a spoke learns from its
// hub (docs/model.md, "Virtual WAN").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/ip.h"
#include "model/resource_base.h"

namespace exposim::model {

struct VirtualWan : ResourceBase {
  std::string wan_type;  // `type` ("Standard" or "Basic"), as written; empty when absent
};

/// A static route of a hub virtual network connection (`routingConfiguration.vnetRoutes.staticRoutes[]`):
/// prefixes the hub sends to an address inside the spoke (an appliance there). Recorded, not applied.
struct HubStaticRoute {
  std::string name;
  std::vector<IpPrefix> prefixes;        // `addressPrefixes`
  std::optional<IpAddress> next_hop_ip;  // `nextHopIpAddress`
  SourceLocation where;
};

/// `Microsoft.Network/virtualHubs/hubVirtualNetworkConnections` (or an inline `virtualNetworkConnections`
/// entry of the hub): a spoke virtual network attached to a hub.
struct HubConnection : ResourceBase {
  Ref hub;          // derived from the id (…/virtualHubs/h/hubVirtualNetworkConnections/c)
  Ref remote_vnet;  // `remoteVirtualNetwork`
  /// `enableInternetSecurity`: the hub's default route (routing intent Internet, or a static 0.0.0.0/0 of the
  /// associated route table) is propagated to the spoke. Azure's default for new connections is true.
  bool enable_internet_security{true};
  /// `routingConfiguration.associatedRouteTable`: the hub route table that routes the spoke's traffic (and
  /// whose routes the spoke learns); unset: the hub's `defaultRouteTable`.
  Ref associated_route_table;
  /// `routingConfiguration.propagatedRouteTables` (`ids`, `labels`): recorded; propagation is not modelled.
  std::vector<Ref> propagated_route_tables;
  std::vector<std::string> propagated_labels;
  std::vector<HubStaticRoute> static_routes;  // `routingConfiguration.vnetRoutes.staticRoutes`
};

/// One `routingPolicies[]` entry of a hub's routing intent.
struct HubRoutingPolicy {
  std::string name;
  bool internet{false};         // `destinations` holds "Internet"
  bool private_traffic{false};  // `destinations` holds "PrivateTraffic"
  Ref next_hop;                 // `nextHop`: the hub's firewall (or a network virtual appliance in the hub)
  SourceLocation where;
};

/// `Microsoft.Network/virtualHubs/routingIntent`.
struct HubRoutingIntent : ResourceBase {
  Ref hub;  // derived from the id
  std::vector<HubRoutingPolicy> policies;
};

/// One static route of a hub route table (`routes[]`): destinations to a next hop resource.
struct HubRoute {
  std::string name;
  std::vector<IpPrefix> destinations;           // `destinations` when `destinationType` is `CIDR` (or absent)
  std::vector<std::string> other_destinations;  // `ResourceId` or `Service` destinations, as written
  Ref next_hop;  // `nextHop` (`nextHopType` ResourceId): the hub's firewall or a hub virtual network connection
  SourceLocation where;
};

/// `Microsoft.Network/virtualHubs/hubRouteTables`.
struct HubRouteTable : ResourceBase {
  Ref hub;  // derived from the id
  std::vector<HubRoute> routes;
};

struct VirtualHub : ResourceBase {
  Ref virtual_wan;
  std::optional<IpPrefix> address_prefix;
  Ref azure_firewall;  // `azureFirewall`: a secured virtual hub
  /// Filled by validation: indices into Model::hub_connections, hub_routing_intents, hub_route_tables.
  std::vector<int> connections;
  std::vector<int> routing_intents;
  std::vector<int> route_tables;
};

}  // namespace exposim::model

namespace exposim::model {

struct Model;

/// Where the IPv4 default route (0.0.0.0/0) of a spoke leads when a Virtual WAN hub gives it one: the spoke is
/// connected with `enableInternetSecurity` and the hub's routing intent has a policy for `Internet`
/// (`intent`), or, without routing intent, the connection's associated route table has a static route for
/// 0.0.0.0/0 (`route_table`, `route`). The route replaces the spoke's system default route; user-defined
/// routes still win (docs/model.md, "Virtual WAN").
struct HubDefaultRoute {
  int hub{-1};
  int connection{-1};
  int intent{-1};       // index into Model::hub_routing_intents
  int route_table{-1};  // index into Model::hub_route_tables, and the route in it
  int route{-1};
  int firewall{-1};  // the next hop when it is an Azure Firewall in the input (-1 otherwise)
};
std::optional<HubDefaultRoute> hub_default_route(const Model& m, int vnet);

/// The virtual hub (index into Model::virtual_hubs) that gives VNet `vnet` its default route
/// (hub_default_route), or -1.
int internet_hub(const Model& m, int vnet);

/// Why the hub gives the default route, for messages: "routing intent" or "static route 'r' of hub route
/// table 't'".
std::string hub_default_reason(const Model& m, const HubDefaultRoute& r);

/// A route a spoke learns from the hubs it is connected to, besides the default route: the hub's own address
/// prefix (`hub_space`: reached like a peering), and the address spaces of the other VNets connected to a hub
/// of the same virtual WAN (next hop: the hub). With routing intent for private traffic (`firewall` >= 0),
/// those spaces and the private ranges 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16 go to the hub's firewall.
struct HubLearnedRoute {
  IpPrefix prefix;
  int hub{-1};
  int firewall{-1};
  bool hub_space{false};
  int remote_vnet{-1};
};
std::vector<HubLearnedRoute> hub_learned_routes(const Model& m, int vnet);

/// The hub (index) that firewall `fw` secures (the hub's `azureFirewall` or the firewall's `virtualHub`), or -1.
int hub_of_firewall(const Model& m, int fw);

/// A hub firewall's private address in its hub: `hubIPAddresses.privateIPAddress`, else the first address of
/// the hub's prefix; nullopt when neither is known.
std::optional<IpAddress> hub_firewall_address(const Model& m, int fw);

/// The firewall that hub `hub`'s routing intent sends private traffic to (-1: no such policy, or its next hop
/// is not an Azure Firewall in the input).
int private_traffic_firewall(const Model& m, int hub);

/// Whether VNet `vnet` is connected to hub `hub`, or to another hub of the same virtual WAN (hubs of a
/// Standard virtual WAN are connected to each other).
bool reaches_through_hub(const Model& m, int hub, int vnet);

/// The hub through which VNets `a` and `b` reach each other (connected to the same hub, or to hubs of one
/// virtual WAN), or -1.
int hub_between(const Model& m, int a, int b);

}  // namespace exposim::model
