// The estate: every resource by kind, plus a Boost.Graph of how they connect (built by validate()).
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "model/firewall.h"
#include "model/gateways.h"
#include "model/paas.h"
#include "model/resource_kinds.h"
#include "model/resources.h"
#include "model/scale_set.h"
#include "model/virtual_wan.h"

namespace exposim::model {

/// What a graph vertex stands for: the internet, or a resource of one of the kinds of model/resource_kinds.h.
enum class ResourceKind {
  kInternet,
#define EXPOSIM_KIND_ENUM(Enum, name, member, Type, noun) k##Enum,
  EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_ENUM)
#undef EXPOSIM_KIND_ENUM
};
/// Every resource kind (the internet excluded), in the table's order.
inline constexpr ResourceKind kResourceKinds[] = {
#define EXPOSIM_KIND_LIST(Enum, name, member, Type, noun) ResourceKind::k##Enum,
    EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_LIST)
#undef EXPOSIM_KIND_LIST
};
inline constexpr std::size_t kResourceKindCount = std::size(kResourceKinds);
const char* to_string(ResourceKind k);
/// The kind whose to_string() is `name` ("internet" included); nullopt for any other text.
std::optional<ResourceKind> resource_kind_from_string(std::string_view name);
/// How messages name one resource of kind `k`: "virtual network", "public IP address", ... ("internet").
const char* noun(ResourceKind k);

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
  /// One vector per resource kind, named by the kind table (model/resource_kinds.h): vnets, subnets, nsgs, asgs,
  /// route_tables, nics, public_ips, vms, load_balancers, ip_groups, firewall_policies, firewalls, bastion_hosts,
  /// application_gateways, paas_services, private_endpoints, scale_sets, virtual_wans, virtual_hubs,
  /// hub_connections, hub_routing_intents, hub_route_tables.
#define EXPOSIM_MODEL_CONTAINER(Enum, name, member, Type, noun) std::vector<Type> member;
  EXPOSIM_RESOURCE_KINDS(EXPOSIM_MODEL_CONTAINER)
#undef EXPOSIM_MODEL_CONTAINER

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

/// One row of the kind table (model/resource_kinds.h), as for_each_kind() hands it out.
template <typename T>
struct KindRow {
  using Type = T;
  ResourceKind kind;
  const char* name;              // to_string(kind)
  const char* noun;              // noun(kind)
  std::vector<T> Model::*items;  // the Model's container of that kind: `model.*row.items`
};

/// Calls `f(KindRow<T>{...})` once per resource kind, in the table's order (the internet excluded); `f` is
/// typically a generic lambda: `for_each_kind([&](const auto& row) { for (const auto& r : model.*row.items) ...; })`.
template <typename F>
void for_each_kind(F&& f) {
#define EXPOSIM_KIND_ROW(Enum, name, member, Type, noun) \
  f(KindRow<Type>{ResourceKind::k##Enum, name, noun, &Model::member});
  EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_ROW)
#undef EXPOSIM_KIND_ROW
}

/// The kind of resource type `T` (`kind_of<LoadBalancer>()` is ResourceKind::kLoadBalancer).
template <typename T>
constexpr ResourceKind kind_of() {
#define EXPOSIM_KIND_OF(Enum, name, member, Type, noun) \
  if constexpr (std::is_same_v<T, Type>) {              \
    return ResourceKind::k##Enum;                       \
  } else
  EXPOSIM_RESOURCE_KINDS(EXPOSIM_KIND_OF) {
    static_assert(sizeof(T) == 0, "not a resource type of model/resource_kinds.h");
  }
#undef EXPOSIM_KIND_OF
}

}  // namespace exposim::model
