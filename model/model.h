// The estate: every resource by kind (model/resource_kinds.h), and the index of resources by canonical id that
// validate() builds. The graph of how they connect is model/topology.h (Boost.Graph), included only where edges are
// walked.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "model/resource_kinds.h"
#include "model/resources.h"

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

/// What a vertex of the topology graph stands for.
struct GraphVertex {
  ResourceKind kind{ResourceKind::kInternet};
  int index{-1};  // into the Model vector of that kind; -1 for the internet
};
/// A vertex of the topology graph (model/topology.h): vertex 0 is the internet, then one per resource, in the kind
/// table's order.
using VertexId = std::size_t;

struct Topology;        // model/topology.h
class ServiceTagTable;  // model/service_tags.h

/// Canonical form of an Azure resource id: lowercase ASCII, no trailing '/'.
std::string canonical_id(std::string_view id);

/// How the input a resource comes from names it, when that is not its Azure id: set by importers whose inputs have
/// their own names (a Terraform plan: `scheme` "terraform", `address` "module.web.azurerm_virtual_machine.vm[0]").
struct SourceAddress {
  std::string scheme;
  std::string address;
  friend bool operator==(const SourceAddress&, const SourceAddress&) = default;
};

struct Model {
  /// One vector per resource kind, named by the kind table (model/resource_kinds.h): vnets, subnets, nsgs, asgs,
  /// route_tables, nics, public_ips, vms, load_balancers, ip_groups, firewall_policies, firewalls, bastion_hosts,
  /// application_gateways, paas_services, private_endpoints, scale_sets, virtual_wans, virtual_hubs,
  /// hub_connections, hub_routing_intents, hub_route_tables, jit_policies, defender_plans, network_managers,
  /// network_groups, network_group_members, security_admin_configurations, admin_rule_collections, admin_rules,
  /// admin_deployments, nat_gateways, public_ip_prefixes.
#define EXPOSIM_MODEL_CONTAINER(Enum, name, member, Type, noun) std::vector<Type> member;
  EXPOSIM_RESOURCE_KINDS(EXPOSIM_MODEL_CONTAINER)
#undef EXPOSIM_MODEL_CONTAINER

  /// Filled by validate(): canonical id -> vertex of the topology graph. The keys view the resources' own `key`
  /// strings (no copies); copying a Model rebuilds the index.
  std::unordered_map<std::string_view, VertexId> by_key;

  /// Canonical id -> how its input names the resource (SourceAddress), for resources and for children with an id
  /// (a security rule declared inline in its NSG has the NSG's address). Empty for inputs that name resources by
  /// Azure id (resource JSON, templates): a side table costs nothing there.
  std::unordered_map<std::string, SourceAddress> source_addresses;
  /// The source address of canonical id `key`, or null.
  const SourceAddress* source_address(std::string_view key) const;
  /// "<file>\n<pointer of an instance's object>" -> the address its input names it by (a Terraform plan's
  /// `module.web.azurerm_network_security_rule.ssh[0]`): what name_source_instances() puts before a diagnostic
  /// located inside that object. Empty for other inputs.
  std::unordered_map<std::string, std::string> source_instances;

  /// The published service-tag table the run was given (--service-tags), shared by copies; null without one: a rule
  /// naming a tag other than Internet, VirtualNetwork and AzureLoadBalancer then keeps the conservative reading
  /// (docs/model.md, "Service tags").
  std::shared_ptr<const ServiceTagTable> service_tags;

  Model();
  ~Model();
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;
  Model(const Model& other);
  Model& operator=(const Model& other);

  /// The topology graph, filled by validate() (model/topology.h; an empty graph before validation).
  const Topology& topology() const;
  Topology& topology();

  /// The vertex of a resource by canonical id, if present.
  std::optional<GraphVertex> find(std::string_view key) const;
  /// The common fields of the resource a vertex stands for (nullptr for the internet).
  const ResourceBase* resource(const GraphVertex& v) const;

 private:
  std::unique_ptr<Topology> topology_;  // null until topology() is first called on a non-const Model
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

/// Puts the source address of the instance a diagnostic is located in (Model::source_instances) before the message
/// of each diagnostic from index `from` on, so that validation's and the solver's diagnostics about a resource of a
/// Terraform plan name its address as the importer's own do.
void name_source_instances(const Model& m, Diagnostics& diags, std::size_t from = 0);

}  // namespace exposim::model
