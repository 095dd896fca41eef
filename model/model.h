// The estate: every resource by kind, plus a Boost.Graph of how they connect (built by validate()).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "model/firewall.h"
#include "model/gateways.h"
#include "model/paas.h"
#include "model/resources.h"
#include "model/scale_set.h"
#include "model/virtual_wan.h"

namespace exposim::model {

enum class ResourceKind {
  kInternet,
  kVirtualNetwork,
  kSubnet,
  kNetworkSecurityGroup,
  kApplicationSecurityGroup,
  kRouteTable,
  kNetworkInterface,
  kPublicIp,
  kVirtualMachine,
  kLoadBalancer,
  kIpGroup,
  kFirewallPolicy,
  kFirewall,
  kBastionHost,
  kApplicationGateway,
  kPaasService,
  kPrivateEndpoint,
  kScaleSet,
  kVirtualWan,
  kVirtualHub,
  kHubConnection,
  kHubRoutingIntent,
  kHubRouteTable,
};
/// Stable lowercase names used in every output: "virtual-network", "network-interface", ...
const char* to_string(ResourceKind k);

enum class EdgeKind {
  kContains,     // VNet -> subnet, NIC -> (its VM is the reverse: VM -> NIC)
  kAttachedTo,   // NIC -> subnet, public IP -> NIC
  kSecuredBy,    // subnet/NIC -> NSG
  kRoutedBy,     // subnet -> route table
  kPeeredWith,   // VNet -> VNet (one edge per peering resource)
  kMemberOf,     // NIC -> ASG
  kReaches,      // internet -> public IP
  kBalancesTo,   // load balancer -> NIC (backend pool or inbound NAT rule membership)
  kConnectedTo,  // spoke VNet -> virtual hub (one edge per hub virtual network connection)
};
const char* to_string(EdgeKind k);

struct GraphVertex {
  ResourceKind kind{ResourceKind::kInternet};
  int index{-1};  // into the Model vector of that kind; -1 for the internet
};
struct GraphEdge {
  EdgeKind kind{EdgeKind::kContains};
};
// Edges live in a vector (EdgeListS = vecS), not Boost's default std::list: a large estate has close to a
// million edges, never removed one by one, and a list node per edge costs about 40 MB at 100k NICs.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, GraphVertex, GraphEdge,
                                    boost::no_property, boost::vecS>;
using VertexId = Graph::vertex_descriptor;

/// Canonical form of an Azure resource id: lowercase ASCII, no trailing '/'.
std::string canonical_id(std::string_view id);

struct Model {
  std::vector<VirtualNetwork> vnets;
  std::vector<Subnet> subnets;
  std::vector<NetworkSecurityGroup> nsgs;
  std::vector<ApplicationSecurityGroup> asgs;
  std::vector<RouteTable> route_tables;
  std::vector<NetworkInterface> nics;
  std::vector<PublicIp> public_ips;
  std::vector<VirtualMachine> vms;
  std::vector<LoadBalancer> load_balancers;
  std::vector<IpGroup> ip_groups;
  std::vector<FirewallPolicy> firewall_policies;
  std::vector<Firewall> firewalls;
  std::vector<BastionHost> bastion_hosts;
  std::vector<ApplicationGateway> application_gateways;
  std::vector<PaasService> paas_services;
  std::vector<PrivateEndpoint> private_endpoints;
  std::vector<ScaleSet> scale_sets;
  std::vector<VirtualWan> virtual_wans;
  std::vector<VirtualHub> virtual_hubs;
  std::vector<HubConnection> hub_connections;
  std::vector<HubRoutingIntent> hub_routing_intents;
  std::vector<HubRouteTable> hub_route_tables;

  /// Filled by validate(): the topology, and canonical id -> vertex. Vertex 0 is the internet.
  /// The keys view the resources' own `key` strings (no copies); copying a Model rebuilds the index.
  Graph graph;
  std::unordered_map<std::string_view, VertexId> by_key;

  Model() = default;
  Model(Model&&) noexcept = default;
  Model& operator=(Model&&) noexcept = default;
  Model(const Model& other);
  Model& operator=(const Model& other);

  /// The vertex of a resource by canonical id, if present.
  std::optional<GraphVertex> find(std::string_view key) const;
  /// The common fields of the resource a vertex stands for (nullptr for the internet).
  const ResourceBase* resource(const GraphVertex& v) const;
};

}  // namespace exposim::model
