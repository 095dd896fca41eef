// Virtual networks, their subnets and peerings, route tables and routes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/ip.h"
#include "model/resource_base.h"
#include "model/setting.h"

namespace exposim::model {

/// Next hops of routes. kVnetPeering is a system route only (a user-defined route cannot name it).
enum class NextHopType { kVirtualNetworkGateway, kVnetLocal, kInternet, kVirtualAppliance, kNone, kVnetPeering };
const char* to_string(NextHopType t);

struct Route {
  std::string name;
  std::optional<IpPrefix> prefix;  // absent when the route names a service tag
  std::string prefix_text;         // as written
  NextHopType next_hop{NextHopType::kNone};
  std::optional<IpAddress> next_hop_ip;
  SourceLocation where;
};

struct RouteTable : ResourceBase {
  std::vector<Route> routes;
  bool disable_bgp_route_propagation{false};
  std::vector<Ref> subnets;  // back-references, when the input carries them
};

struct Peering {
  std::string name;
  std::string id;
  Ref remote_vnet;
  std::vector<IpPrefix> remote_address_space;  // as recorded on the peering
  bool allow_virtual_network_access{true};
  bool allow_forwarded_traffic{false};
  bool allow_gateway_transit{false};
  bool use_remote_gateways{false};
  bool connected{false};  // peeringState == Connected
  SourceLocation where;
};

struct VirtualNetwork : ResourceBase {
  std::vector<IpPrefix> address_space;
  std::vector<Ref> subnets;  // resolved by validation
  std::vector<Peering> peerings;
  Setting<bool> enable_ddos_protection;       // `enableDdosProtection` (absent: false)
  Setting<std::string> ddos_protection_plan;  // `ddosProtectionPlan.id`, canonical
  /// Filled by validation (model/network_manager.cpp): the inbound security admin rules applied to it, indices into
  /// Model::admin_rules in the order Azure evaluates them (docs/model.md, "Security admin rules").
  std::vector<int> admin_rules;
  /// The same for its outbound security admin rules, which east-west reachability applies at a source in it before
  /// the source's outbound NSGs (docs/model.md, "East-west reachability").
  std::vector<int> admin_rules_outbound;
};

enum class PrivateEndpointPolicy { kDisabled, kEnabled, kNsgOnly, kRouteTableOnly };

/// One service endpoint of a subnet (`serviceEndpoints[]`, azurerm `service_endpoints`): traffic from the subnet to
/// the service's public endpoint takes the backbone route `VirtualNetworkServiceEndpoint` and arrives with the
/// subnet's private source address (docs/model.md, "PaaS public endpoints from inside the estate").
struct ServiceEndpoint {
  std::string service;                 // as written: "Microsoft.Storage", "Microsoft.Sql", ...; "" when `unknown`
  std::vector<std::string> locations;  // `locations` as written ("westeurope", "*"); empty when absent
  bool unknown{false};                 // the service is only known at deployment: it may be any service
  bool locations_unknown{false};       // the locations are only known at deployment: they may cover any region
  SourceLocation where;
};

struct Subnet : ResourceBase {
  Ref vnet;  // derived from the id (…/virtualNetworks/v/subnets/s)
  std::vector<IpPrefix> prefixes;
  Ref nsg;
  Ref route_table;
  /// `natGateway`: outbound only, it changes no inbound answer (docs/model.md, "NAT gateways and public IP prefixes").
  Ref nat_gateway;
  PrivateEndpointPolicy private_endpoint_policies{PrivateEndpointPolicy::kDisabled};
  /// `delegations[].properties.serviceName` as written ("Microsoft.Sql/managedInstances"), and whether one is only
  /// known at deployment: a delegation to a service with network intent policies may exempt the virtual network from
  /// security admin rules (docs/model.md, "Security admin rules").
  std::vector<std::string> delegations;
  bool delegation_unknown{false};
  /// `serviceEndpoints[]`, in input order. `service_endpoints_unknown`: the list itself is only known at deployment
  /// (it may hold an endpoint for any service, in any region).
  std::vector<ServiceEndpoint> service_endpoints;
  bool service_endpoints_unknown{false};
};

}  // namespace exposim::model
