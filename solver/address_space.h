// What addresses the service tags and ASGs stand for, and what "the internet" is (docs/model.md).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/route_choice.h"

namespace exposim::solver {

using model::IpSet;

/// Public IPv4 space: 0.0.0.0/0 less the ranges that are not globally reachable (RFC 6890 and
/// successors: 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24,
/// 192.88.99/24, 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4) and Azure's
/// platform address 168.63.129.16.
IpSet public_ipv4();
/// Global unicast IPv6 (2000::/3) less the documentation ranges 2001:db8::/32 and 3fff::/20.
IpSet public_ipv6();
/// Azure's platform address (the AzureLoadBalancer tag, health probes): 168.63.129.16.
IpSet azure_platform_address();

/// Address sets derived from one model. Construction records findings (such as a user-defined route
/// that puts internet space into the VirtualNetwork tag) as warnings in `findings`.
class AddressSpace {
 public:
  AddressSpace(const model::Model& m, model::Diagnostics& findings);

  /// The internet: public IPv4 and IPv6 less every address space of the estate.
  const IpSet& internet() const { return internet_; }
  IpSet internet(model::IpFamily f) const;
  /// The VirtualNetwork tag as seen by NICs in subnet `subnet` (index into model.subnets), or by a NIC
  /// whose subnet is unknown (-1: the empty set plus the platform address).
  const IpSet& virtual_network(int subnet) const;
  /// Private addresses of the ip configurations that are members of ASG `asg`.
  const IpSet& asg_members(int asg) const;
  /// Internet sources that a NIC in `subnet` can answer directly: those whose return route (longest prefix
  /// match over the subnet's user-defined routes, then the system default route) has next hop Internet.
  /// A 0.0.0.0/0 route to a virtual appliance or gateway therefore removes every source (Azure: "you can no
  /// longer directly access resources in the subnet from the internet"). Routes naming a service tag are
  /// ignored (their ranges are not known), which never hides an exposure.
  const IpSet& internet_answerable(int subnet) const;
  /// The prefixes of service tag `name` (any case) when the model's published table (--service-tags) has it;
  /// nullptr otherwise, when rules keep the conservative reading (model::service_tag_addresses).
  const IpSet* service_tag(std::string_view name) const;
  /// The published table, or nullptr.
  const model::ServiceTagTable* service_tags() const { return service_tags_.get(); }

  /// For messages: the index, in the route table of subnet `subnet`, of the first user-defined route whose prefix
  /// puts `a` into the subnet's VirtualNetwork tag when nothing else does (`a` is outside the VNet's space, its
  /// peers' and the platform address); -1 otherwise.
  int tag_route(const model::Model& m, int subnet, const model::IpAddress& a) const;
  /// For messages: a peering of subnet `subnet`'s VNet, connected both ways, that keeps some of `sources` out of
  /// the subnet's VirtualNetwork tag because it does not allow virtual network access (the remote's space meets
  /// `sources` outside the tag); nullptr when there is none.
  const model::Peering* tag_excluding_peering(const model::Model& m, int subnet, const IpSet& sources) const;

  /// The findings of construction again, for a model `m` whose routes, route tables' subnets and addresses are those
  /// this space was built from, and whose NSG rules or NSG attachments changed (solver/incremental.cpp). A route's
  /// `vnet-tag-includes-internet` warning names the NSG rules that admit internet sources only through the tag: it
  /// changes with them. What each ip configuration's evaluation found is kept, so that only these are evaluated
  /// again: every ip configuration of the subnets listed in `subnets` (indices into Model::subnets: the subnets whose
  /// NSG, or whose NSG's rules, changed), and those of the NICs listed in `nics` (indices into Model::nics: every NIC
  /// that changed or whose NSG's rules changed); what it costs follows the lists, not the estate. Should the routes
  /// that warn or the subnets of the route tables differ from those kept, everything is evaluated again. Returns every
  /// route table's findings afterwards (findings()).
  void rewarn(const model::Model& m, const std::vector<int>& subnets, const std::vector<int>& nics);
  /// Every route table's findings, in the order construction records them: what construction added, or the last
  /// rewarn() left.
  model::Diagnostics findings() const;

 private:
  IpSet internet_;
  IpSet unknown_subnet_vnet_;
  std::vector<IpSet> vnet_tag_;    // per subnet
  std::vector<IpSet> vnet_space_;  // per VNet: the tag before user-defined routes join it
  std::vector<IpSet> asg_members_;
  std::vector<IpSet> answerable_;  // per subnet
  std::shared_ptr<const model::ServiceTagTable> service_tags_;
  std::vector<model::Diagnostics> table_findings_;  // per route table: the findings construction recorded

  // What the `vnet-tag-includes-internet` warnings are made of (solver/address_space.cpp), kept for rewarn.
  /// A user-defined route that puts internet addresses (`added`) into the VirtualNetwork tag and can answer internet
  /// clients from them: the routes that can warn.
  struct TagRoute {
    int table{-1};
    int route{-1};
    IpSet added;
  };
  /// What the evaluation of one ip configuration found: per tag route of its subnet's route table (in order), the NSG
  /// rules (NSG, rule index) that admit the route's internet addresses only through the tag. `subnet` -1: not
  /// counted (its subnet takes no route table, or its NSGs do not filter).
  struct ConfigReliance {
    int subnet{-1};
    std::vector<std::vector<std::pair<int, int>>> rules;
  };
  /// Evaluates the warnings of the flagged subnets and NICs (nullptr: every one, from nothing kept) and writes the
  /// findings of the route tables they touch.
  void warn_vnet_tag(const model::Model& m, const std::vector<int>* subnets, const std::vector<int>* nics);
  std::vector<TagRoute> tag_routes_;
  std::vector<std::vector<int>> table_tag_routes_;  // per route table: its tag routes (indices into tag_routes_)
  std::vector<int> subnet_table_;  // per subnet: its route table when its NSGs filter what the tag admits, else -1
  std::vector<std::vector<ConfigReliance>> config_reliance_;  // per NIC, per ip configuration
  std::vector<int> subnet_configs_;            // per subnet: how many ip configurations are counted in rule_counts_
  std::vector<std::vector<int>> subnet_nics_;  // per subnet: the NICs with an ip configuration counted there
  /// Per subnet, per tag route of its table: how many of the subnet's ip configurations found each rule.
  std::vector<std::vector<std::map<std::pair<int, int>, int>>> rule_counts_;
  /// Per subnet without a counted ip configuration, per tag route of its table: what its NSG found for any address
  /// of the subnet.
  std::vector<std::vector<std::vector<std::pair<int, int>>>> subnet_alone_;
};

/// The internet clients of `family` whose replies subnet `subnet` (-1: none) does not send straight back to the
/// internet (its routes divert them: to an appliance, a firewall, `None`...), with the reply route of the first of
/// them, which stands for all (docs/model.md#return-routing); nullopt when there are none. analyze (per subnet, cached)
/// and explain's appliance trace decide a diversion with this one function.
std::optional<std::pair<IpSet, RouteChoice>> reply_diversion(const model::Model& m, const AddressSpace& space,
                                                             int subnet, model::IpFamily family);

}  // namespace exposim::solver
