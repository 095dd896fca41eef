// Virtual WAN (§5): virtual WANs, their hubs (secured by an `AZFW_Hub` firewall), the spoke virtual networks
// connected to the hubs, routing intent and hub route tables. Imported and connected in the graph; hub
// routing is not applied to exposure except as documented in docs/model.md ("Virtual WAN").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/resources.h"

namespace exposim::model {

struct VirtualWan : ResourceBase {
  std::string wan_type;  // `type` ("Standard" or "Basic"), as written; empty when absent
};

/// `Microsoft.Network/virtualHubs/hubVirtualNetworkConnections` (or an inline `virtualNetworkConnections`
/// entry of the hub): a spoke virtual network attached to a hub.
struct HubConnection : ResourceBase {
  Ref hub;          // derived from the id (…/virtualHubs/h/hubVirtualNetworkConnections/c)
  Ref remote_vnet;  // `remoteVirtualNetwork`
  /// `enableInternetSecurity`: the hub's default route (routing intent Internet) is propagated to the spoke.
  /// Azure's default for new connections is true.
  bool enable_internet_security{true};
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

/// `Microsoft.Network/virtualHubs/hubRouteTables`: recorded (route count) but not applied.
struct HubRouteTable : ResourceBase {
  Ref hub;  // derived from the id
  std::size_t routes{0};
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

/// The virtual hub (index into Model::virtual_hubs) whose routing intent sends the internet traffic of
/// VNet `vnet` (index into Model::vnets) to the hub: the VNet is connected to the hub with
/// `enableInternetSecurity` and the hub's routing intent has a policy for `Internet`. -1 otherwise. The hub
/// then advertises 0.0.0.0/0 to the VNet (next hop VirtualNetworkGateway), which replaces the system default
/// route; user-defined routes still win (docs/model.md, "Virtual WAN").
int internet_hub(const Model& m, int vnet);

}  // namespace exposim::model
