// Internal to model/: what the validation pass (model/validate.cpp) shares with the family files that resolve their
// own references (model/<family>.cpp), and its steps, in the order validate() runs them.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "model/validate.h"

namespace exposim::model {

/// Children of resources by canonical id: (index of the parent in its Model vector, index of the child in it).
/// The keys view the model's strings.
using ChildIndex = std::unordered_map<std::string_view, std::pair<int, int>>;

/// The model being validated, where diagnostics go, the options, the indexes of children by id, and the resources
/// referenced but missing (reported once, at the end, by report_missing()).
class Resolver {
 public:
  Resolver(Model& m, Diagnostics& d, const ValidateOptions& o) : model(m), diags(d), options(o) {}

  Model& model;
  Diagnostics& diags;
  const ValidateOptions& options;
  ChildIndex ip_configs;    // ip configuration key -> (NIC, ip configuration)
  ChildIndex lb_frontends;  // frontend key -> (load balancer, frontend)
  ChildIndex lb_pools;      // backend pool key -> (load balancer, pool)
  ChildIndex lb_nat_rules;  // inbound NAT rule key -> (load balancer, rule)
  ChildIndex lb_nat_pools;  // inbound NAT pool key -> (load balancer, pool)
  ChildIndex ag_pools;      // application gateway backend pool key -> (gateway, pool)

  /// Resolves `ref` to a resource of `kind`. A missing target is an error (a warning with
  /// allow_missing, when `decides_exposure`), or a warning when it does not change any answer.
  /// `field` is the JSON pointer below the object's property bag ("/networkSecurityGroup/id"); the bag is
  /// "/properties" unless the object is `flattened` (az CLI output).
  void resolve(Ref& ref, ResourceKind kind, const SourceLocation& where, bool flattened, std::string_view field,
               bool decides_exposure = true);

  /// Resolves a reference to a child of a load balancer (frontend, backend pool, inbound NAT rule) to the
  /// load balancer (`index`) and the child (`child`). `owner` >= 0 requires the child to belong to that
  /// load balancer. A missing child is an error, or with allow_missing a warning: exposure through it cannot
  /// be computed (its frontend is unknown) and is not reported.
  void resolve_child(Ref& ref, const ChildIndex& children, const char* what, int owner, const SourceLocation& where,
                     bool flattened, std::string_view field);

  /// A back-reference: `target` (at `index` in its vector) lists a resource whose `forward` reference is unset
  /// (then set to `target`) or names another resource (an `inconsistent-reference` warning at `where`).
  void attach(Ref& forward, const ResourceBase& target, std::size_t index, const SourceLocation& where,
              const char* what);

  /// One `missing-reference` warning naming every missing resource once, with its referrers and the assumption
  /// taken, at the first reference; and the virtual networks the importer assumed for subnets of a missing one.
  void report_missing();

 private:
  /// A resource referenced but not in the input (`--allow-missing`), with the places that reference it.
  struct Missing {
    ResourceKind kind;
    std::vector<SourceLocation> referrers;
  };
  std::map<std::string, Missing> missing_;  // by canonical id

  void note_missing(const std::string& id, ResourceKind kind, const SourceLocation& at);
};

// The steps of validate(), by family file, in the order validate() runs them.

// model/network.cpp
/// A subnet missing from a partial input, that an ip configuration in the input references and an NSG or route
/// table in the input lists (`properties.subnets`): an assumed subnet, so that the NSG still filters the
/// subnet's NICs and the route table still routes them (the back-references attach them). With allow_missing only.
void assume_listed_subnets(Model& m);
// model/topology.cpp
/// The graph's vertices and Model::by_key, before references are resolved (resolution looks resources up by id);
/// any previous graph is dropped.
void build_vertices(Model& m);
// model/load_balancer.cpp, model/compute.cpp
void index_load_balancer_children(Resolver& rs);
void index_ip_configurations(Resolver& rs);
// model/network.cpp
void resolve_subnets(Resolver& rs);
// model/nsg.cpp, model/network.cpp
void resolve_nsg_back_references(Resolver& rs);
void resolve_route_table_back_references(Resolver& rs);
// model/compute.cpp
void resolve_nics(Resolver& rs);
void check_shared_public_ips(Resolver& rs);
void resolve_vms(Resolver& rs);
// model/load_balancer.cpp
void resolve_load_balancers(Resolver& rs);
// model/scale_set.cpp
void resolve_scale_sets(Resolver& rs);
// model/paas.cpp
void resolve_private_endpoints(Resolver& rs);
// model/firewall.cpp
void resolve_firewalls(Resolver& rs);
// model/bastion.cpp
void resolve_bastions(Resolver& rs);
// model/application_gateway.cpp
void resolve_application_gateways(Resolver& rs);
// model/virtual_wan.cpp
void resolve_virtual_wans(Resolver& rs);
// model/network.cpp
void resolve_peerings(Resolver& rs);
// model/jit_policy.cpp
/// Each entry's virtual machine; one not in the input is kept unresolved, with a note.
void resolve_jit_policies(Resolver& rs);
// model/network_manager.cpp
/// Network groups' members, the admin rules' parents and deployments, and each virtual network's inbound and
/// outbound security admin rules in evaluation order (VirtualNetwork::admin_rules, admin_rules_outbound);
/// `admin-rules-undecided` warnings.
void resolve_network_managers(Resolver& rs);
// model/nat_gateway.cpp
/// Subnets' NAT gateways, NAT gateways' public IPs, prefixes and subnets (merged both ways: NatGateway::subnets),
/// public IPs' and load balancer frontends' prefixes (PublicIpPrefix::public_ips); `outbound-only-frontend` warnings.
void resolve_nat_gateways(Resolver& rs);
// model/nsg.cpp
void finish_nsgs(Resolver& rs);
// model/topology.cpp
/// The graph's edges, from the resolved references.
void build_edges(Model& m);
// model/compute.cpp
/// Ids that their parent's id and their name give back are dropped once nothing resolves by them any more:
/// at 100k NICs they cost tens of megabytes (docs/performance.md).
void drop_derivable_ids(Model& m);

}  // namespace exposim::model
