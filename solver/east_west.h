// East-west reachability (docs/model.md, "East-west reachability"): what a source inside the estate (an ip
// configuration, every ip configuration of a subnet or VNet, or an on-premises prefix arriving through a VNet's
// gateway subnet) reaches on the estate's ip configurations and private endpoints, exactly over packet sets, with the
// path taken and the deciding rule at every filter: the outbound security admin rules of the source's VNet, the
// source's outbound NSGs (NIC, then subnet), the source subnet's route (system, user-defined, peering, None), an Azure
// Firewall's network and application rules or an appliance on the way, peering, the inbound security admin rules of
// the target's VNet, the target's inbound NSGs (subnet, then NIC; a private endpoint's subnet NSG only when its network
// policies say so) and the route of the reply. The internet as a source is analyze() (solver/exposure.h). reach()
// answers one source; segmentation() (solver/segmentation.h) every pair of groups of an estate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/broken.h"
#include "solver/hop.h"
#include "solver/packet_set.h"
#include "solver/stage.h"

namespace exposim::solver {

/// The system route a subnet's service endpoint adds for the service's public prefixes (the route hop's note toward
/// a PaaS public endpoint, as a system route's name is).
inline constexpr const char* kPaasServiceEndpointRoute = "service-endpoint";
/// The note of explain's route hop toward a PaaS public endpoint that no route of the source subnet carries (a route
/// to None, on-premises (forced tunnelling) or within the virtual network): reach() lists no flow.
inline constexpr const char* kPaasNoRouteNote = "no-route";

/// Where east-west traffic starts.
struct ReachSource {
  enum class Kind : std::uint8_t {
    kIpConfiguration,  // one ip configuration of a NIC (`ip_configuration`): its private address
    kSubnet,           // every ip configuration in `subnet` (each with its own NIC's NSG); a subnet without any: its
                       // whole prefix, behind the subnet's NSG only
    kVirtualNetwork,   // every subnet of `vnet`, as kSubnet
    kPrefix,           // the addresses `prefix` (on-premises), arriving through VNet `vnet`'s gateway subnet: no
                       // outbound NSG, the gateway subnet's routes (docs/model.md states what is modelled)
  };
  Kind kind{Kind::kIpConfiguration};
  model::IpConfigIndex ip_configuration;
  int subnet{-1};
  int vnet{-1};
  IpSet prefix;
};

/// One east-west flow: what the addresses `sources` of one source reach at one target on one protocol.
struct ReachFlow {
  /// The source: an ip configuration (nic, ip_configuration; vm when the NIC is a VM's), or none (nic -1: a subnet's
  /// addresses that no ip configuration holds, or an on-premises prefix) with the subnet they leave from.
  model::IpConfigIndex source;
  int source_vm{-1};
  int source_subnet{-1};
  /// The target: an ip configuration (target_kind kNetworkInterface; target == nic), a private endpoint
  /// (kPrivateEndpoint, target: its index) or, with ReachOptions::paas, a PaaS service's public endpoint
  /// (kPaasService, target: its index; TCP only, `ports` within its tcp_ports, `destinations` empty: its public
  /// address is only known at deployment).
  model::ResourceKind target_kind{model::ResourceKind::kNetworkInterface};
  int target{-1};
  int nic{-1};
  int ip_configuration{-1};
  int vm{-1};
  model::Protocol protocol{model::Protocol::kTcp};
  model::PortSet ports;         // destination ports at the target (full for portless protocols)
  model::PortSet source_ports;  // almost always full
  IpSet sources;                // source addresses
  IpSet destinations;           // the target's addresses reached
  /// The witness: kSource (the source: resource_kind kNetworkInterface, kSubnet or kVirtualNetwork), the source VNet's
  /// outbound admin rules (kAdminRule, scope "outbound", when any apply to it), the source's outbound NSGs
  /// (kNsg/kNoNsg, scope "nic-outbound" then "subnet-outbound"; none after an outbound AlwaysAllow admin rule), the
  /// source subnet's route (kRoute, scope "forward"), a firewall (kFirewall, its network or application rule) or
  /// appliance (kAppliance) and its subnet's route on, the target VNet's admin rules (kAdminRule), the target's
  /// inbound NSGs (scope "subnet", then "nic"), the reply's route (kRoute, scope "return") and the target (kTarget).
  /// Scopes, all of them: kNsg/kNoNsg "nic-outbound" (the source NIC's NSG; kNoNsg with resource -1 for a source
  /// that is no ip configuration), "subnet-outbound" (the source subnet's NSG), "subnet" and "nic" (the target's:
  /// a private endpoint's "nic" stage is kNoNsg on the kPrivateEndpoint); kRoute "forward" (a route toward the
  /// target: the source subnet's, then a firewall's or appliance's subnet's) and "return" (the target subnet's route
  /// to the source); kFirewall "network" or "application" (the kind of the deciding rule; its east_west_path()
  /// stage has scope ""); kAdminRule "outbound" (the source VNet's outbound rules) or none (the target VNet's inbound
  /// rules); kSource, kAppliance and kTarget have none. A route hop is as analyze's: resource
  /// the route table and rule the route (-1: a system route, whose name is the note: "virtual-network", "peering",
  /// "private-endpoint", ...).
  /// A PaaS public endpoint's path (kPaasService): kSource, the outbound admin rules and NSGs as above (their rules
  /// read with the service's public address as destination), the source subnet's route toward the service (kRoute
  /// "forward": the system route "service-endpoint", a user-defined route, or the route to the internet), a
  /// firewall (kFirewall "network"/"application") or appliance when that route leads to one, the service's own
  /// firewall (kPaas, scope the deciding setting as analyze's: "default-action", "ip-rules", "firewall-rules",
  /// "access-restrictions", "public-network-access", or "virtual-network-rules" for a service endpoint admitted by a
  /// virtual network rule; an App Service's SCM site, a target of its own: "scm-default-action",
  /// "scm-access-restrictions", "scm-public-network-access" (is_scm(), scm_path() in solver/paas_hop.h); a SQL managed
  /// instance: its subnet's NSG hop, scope "subnet") and kTarget. No "return"
  /// route: the reply of a connection the service accepted comes back by the way it came (docs/model.md).
  std::vector<Hop> path;
  /// Set for flows that pass every filter but cannot work (the reply does not return the way the request came).
  std::shared_ptr<const Broken> broken;
  /// How many targets this flow stands for: 1, or more with ReachOptions::target_group (the flow of the group's first
  /// target, whose twins were left out).
  std::size_t targets{1};
};

struct Reach {
  std::vector<ReachFlow> flows;   // sorted: source, target, protocol, path, ports, sources
  std::vector<ReachFlow> broken;  // flows that pass every filter but cannot complete
  model::Diagnostics findings;
  std::size_t source_classes{0};  // sources grouped by identical outbound treatment
  std::size_t target_classes{0};  // targets grouped by identical inbound treatment
  std::size_t evaluations{0};     // distinct (source class, route, target class) evaluations
};

struct ReachOptions {
  /// Only targets for which this returns true (kind kNetworkInterface with the NIC's index, or kPrivateEndpoint);
  /// empty: every target.
  std::function<bool(model::ResourceKind kind, int index)> targets;
  /// Progress, as AnalyzeOptions::progress (solver/exposure.h).
  std::function<void(std::string_view stage, std::size_t done, std::size_t total)> progress;
  int jobs{1};
  /// One flow per source class instead of per source, for summaries (a segmentation matrix): a flow's `source` is
  /// then {-1, -1} and source_vm -1, `source_subnet` the class's subnet, `sources` the addresses of the class's
  /// sources its packets come from, and its path's kSource hop (and a "nic-outbound" kNoNsg hop) names the class's
  /// first source. A class is the sources of one subnet behind the same NIC NSG (Reach::source_classes). The same
  /// packets as without it, in fewer flows.
  bool merge_sources{false};
  /// With merge_sources, for summaries: a group id of each ip configuration target (-1: none). Among the targets of
  /// one group that a class of sources reaches with the same packets (share by share of their evaluations, whatever
  /// the rules that decided them), the same reply routes and the same device crossed, none of whose addresses are the
  /// class's own, only the first target's flows are returned, each with ReachFlow::targets counting the targets it
  /// stands for: the same ports from the same sources as the left-out targets' flows, whose paths may differ. Private
  /// endpoints are never merged.
  std::function<int(int nic, int ip_configuration)> target_group;
  /// Also the public endpoints of the PaaS services (ReachFlow target_kind kPaasService; `targets` is then asked
  /// with kPaasService and the service's index): docs/model.md, "PaaS public endpoints from inside the estate".
  /// Off by default, so that summaries (segmentation(), with merge_sources, which never lists them) keep their
  /// output; `exposim reach`, attack paths, whatif's east-west section and check's reach assertion turn it on (a
  /// segmentation with Grouping::paas_service_group, a further call per subnet without merge_sources).
  bool paas{false};
  /// For summaries that fold flows as they come (a segmentation matrix): when set, each flow of Reach::flows is handed
  /// to it, from the calling thread, instead of being kept (Reach::flows is then empty; Reach::broken is kept as
  /// without it). The flows are the same; their order is not Reach::flows' (it is by source class and target, the same
  /// whatever `jobs`), and at most a batch of them is held at once.
  std::function<void(ReachFlow&& flow)> sink;
};

/// The order of Reach::flows: source, target, protocol, then path, ports and sources.
bool reach_flow_less(const ReachFlow& a, const ReachFlow& b);

namespace east_west_internal {
struct EwContext;
}

/// What reach() computes from the model alone, whatever the source: the address space, the devices by address, every
/// target with its class (identical inbound treatment) and its path's target stages. Built once and passed to many
/// reach() calls on the same model (segmentation() does), it saves redoing that work per call; the results are the
/// same as without it. The model must outlive it and stay unchanged.
class ReachContext {
 public:
  explicit ReachContext(const model::Model& m);
  ~ReachContext();
  ReachContext(const ReachContext&) = delete;
  ReachContext& operator=(const ReachContext&) = delete;
  const east_west_internal::EwContext& internal() const { return *impl_; }

 private:
  std::unique_ptr<east_west_internal::EwContext> impl_;
};

/// Every flow from `from` to the estate's ip configurations and private endpoints. Pure; never throws on a validated
/// model (an NSG past its work budget is read as admitting everything, with a finding, as analyze does).
Reach reach(const model::Model& m, const ReachSource& from, const ReachOptions& options = {});
/// reach(), with the estate-level work taken from `context` (built from the same model).
Reach reach(const model::Model& m, const ReachSource& from, const ReachOptions& options, const ReachContext& context);

/// The stages of the east-west path from ip configuration `from` (or, nic -1, an address of subnet `from_subnet`
/// that no ip configuration holds; an on-premises address arriving through a gateway subnet) to target address `to`
/// of ip configuration `x` (or of private endpoint `endpoint`, x.nic -1), in the order the packet meets them (see
/// ReachFlow::path). The one definition of that path, which reach() evaluates over packet sets and explain() for
/// one packet (solver/explain/east_west.cpp). When the route does not deliver the packet (next hop None, Internet,
/// a gateway; VNets not connected; a chain of appliances), the list ends at that route stage, whose note says why;
/// a delivered path ends with kTarget. Stage scopes are those of ReachFlow::path, but the kFirewall stage's is ""
/// (the deciding rule's kind is known once decided).
struct EastWestEnds {
  model::IpConfigIndex from;
  int from_subnet{-1};
  model::IpAddress to;
  model::IpConfigIndex x;
  int endpoint{-1};
};
std::vector<Stage> east_west_path(const model::Model& m, const EastWestEnds& ends);

}  // namespace exposim::solver
