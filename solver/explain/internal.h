// What the files of explain() share (private to the solver): target-name matching, the source hop, the hops of
// each family (NSG, route, load balancer, entry) and the verdict; and the entry of each family's file, which the
// driver (solver/explain/driver.cpp) calls in turn.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/ascii.h"
#include "model/model.h"
#include "solver/address_space.h"
#include "solver/explain.h"
#include "solver/hop.h"
#include "solver/nsg_stage.h"
#include "solver/packet_set.h"
#include "solver/path.h"

namespace exposim::solver::explain_internal {

using model::ascii::lower;
/// True when `r`'s canonical id is `canonical` or its lowercased name is `lowered`.
bool named(const model::ResourceBase& r, const std::string& canonical, const std::string& lowered);
/// Is the client an internet address? Sets t.internet_source.
TraceHop source_hop(const model::Model& m, const AddressSpace& space, const model::IpAddress& src, FlowTrace& t);
/// ReasonCode::kNsgRule: rule `rule` of NSG `nsg` decides the packet `q` to `dst`, and which of its fields match.
Reason rule_reason(const model::Model& m, int nsg, int rule, const FlowQuery& q, const Destination& dst,
                   const AddressSpace& space);
/// Which part of one side of an NSG rule (`side`, of a rule with `access`) holds `a`, the VirtualNetwork tag as
/// subnet `subnet` sees it: what rule_reason says of the source side, for either side of an outbound rule.
AddressMatchWhy side_match_why(const model::Model& m, const AddressSpace& space, const model::AddressMatch& side,
                               model::Access access, int subnet, const model::IpAddress& a);
Reason no_nsg_reason();       // kNoNsg
Reason missing_nsg_reason();  // kNsgMissing
Reason no_rule_reason();      // kNsgNoMatch
/// The hop of NSG stage `stage` before its NSG decides: no NSG there (kNoNsg on the stage's owner) or one not in the
/// input (kNsg, assumed to admit everything): the finished hop, which passes; an NSG present: kind, scope and the
/// NSG set, its decision (rule, passes, why) left to the caller.
TraceHop nsg_stage_hop(const Stage& stage);
/// For a denied NSG hop at a target in `subnet` whose sources are `sources`: the peering (index into the peerings of
/// the subnet's VNet) whose allowVirtualNetworkAccess false keeps them out of the subnet's VirtualNetwork tag; -1
/// when none explains it (NsgRuleWhy::excluding_peering).
int excluding_peering(const model::Model& m, const AddressSpace& space, int subnet, const IpSet& sources);
/// Does the --backend text name this member (NIC or VM name or id, ip configuration id, or private IP)?
bool names_member(const model::Model& m, const model::IpConfigIndex& x, const std::string& text);
/// Marks the hops reached, the first that stops the packet, and the verdict (allowed, denied or broken).
void finish_trace(FlowTrace& t, Reason allowed_reason);

/// The port set {port}.
inline PortSet single(std::uint16_t port) {
  PortSet s;
  s.add(port, port);
  return s;
}

/// The VNet of the subnet `subnet` names, or -1.
inline int vnet_of(const model::Model& m, const model::Ref& subnet) {
  return subnet.resolved() ? m.subnets[subnet.index].vnet.index : -1;
}

/// --backend given where it does not apply (the target is a Bastion host, a PaaS service or a private endpoint):
/// sets t's error fields and returns true; false when no --backend was given.
bool reject_backend(FlowTrace& t);

/// Sets t's status and error: which option, what failed, and the query's own texts; returns the error for the
/// caller to add what the code rests on.
QueryError& query_error(FlowTrace& t, FlowTrace::Status status, QueryOption option, QueryErrorCode code);

// ---- hops shared by several families ----

/// The entry hop for a public IP owned by `owner` (an application gateway's frontend `frontend`, a Bastion host).
TraceHop entry_hop(const model::Model& m, int pip, const FlowQuery& q, const EntryPoint& owner, int frontend = -1);

/// The admin stage of a target's path (solver/path.h, kind kAdminRule) for one packet
/// (solver/explain/network_manager.cpp): the deciding security admin rule, or none. `skip_nsgs` is set when an
/// AlwaysAllow rule admits the packet past the NSGs (their stages are then not on the trace, as in analyze's path).
TraceHop packet_admin_hop(const model::Model& m, const AddressSpace& space, const Stage& stage, const PacketSet& packet,
                          const Destination& dst, bool& skip_nsgs);

/// An east-west source's outbound admin stage (kind kAdminRule, scope "outbound") for one packet leaving for `dst`
/// (whose `subnet` is the source's, as for outbound NSG rules): the deciding outbound admin rule of the source's
/// VNet, or none. `skip_nsgs` is set when an AlwaysAllow rule admits the packet past the source's outbound NSGs.
TraceHop packet_outbound_admin_hop(const model::Model& m, const AddressSpace& space, const Stage& stage,
                                   const PacketSet& packet, const Destination& dst, bool& skip_nsgs);

/// The admin stage of an entry point whose address in subnet `subnet` is not known (a SQL managed instance's public
/// data endpoint, an application gateway's listener) for the packet of `q` to `port`, decided as analyze decides it
/// (decide_admin_at_entry; `allows_only`: Deny rules not applied). `skip_nsgs` as for packet_admin_hop.
TraceHop packet_entry_admin_hop(const model::Model& m, const AddressSpace& space, int vnet, const FlowQuery& q,
                                std::uint16_t port, int subnet, const IpSet& frontends, bool allows_only,
                                bool& skip_nsgs);

/// The admin stage of an application gateway's listener behind a firewall's DNAT rule: the translated packet
/// reaches it from the firewall's SNAT addresses `snat` (any source port) on TCP `port`, decided as analyze decides
/// it (dnat_arrivals: Deny rules not applied; the flow passes when any of the addresses passes, so the most
/// permissive decision is shown). `skip_nsgs` as for packet_admin_hop.
TraceHop snat_entry_admin_hop(const model::Model& m, const AddressSpace& space, int vnet, const IpSet& snat,
                              std::uint16_t port, int subnet, const IpSet& frontends, bool& skip_nsgs);

/// The hop of NSG stage `stage` (solver/path.h) for the one packet `packet` to `dst` (`at`: the same packet, for the
/// reason): the rule that decides it first, as analyze decides it; no NSG at the stage's scope passes (the caller
/// decides what a missing NSG on both scopes means for its entry).
TraceHop packet_nsg_hop(const model::Model& m, const AddressSpace& space, const Stage& stage, const PacketSet& packet,
                        const Destination& dst, const FlowQuery& at);
/// The sources of a packet set.
IpSet sources_of(const PacketSet& p);
/// The NSG hop of an entry point's subnet (scope "gateway-subnet" or "bastion-subnet") for the packet to
/// `port`, decided as analyze decides it (entry_nsg_decisions).
TraceHop entry_nsg_hop(const model::Model& m, const AddressSpace& space, const FlowQuery& q, const model::Ref& subnet,
                       const IpSet& frontends, std::uint16_t port, const char* scope, const EntryPoint& what);
/// entry_nsg_hop for a packet that a firewall's DNAT rule translated: the subnet's NSG sees the firewall's SNAT
/// addresses `snat` (any source port), as analyze decides it; the rule that admits some of them (else the first that
/// decides) is shown, the reason naming `snat` and, as the packet's source, `snat_address` (the firewall's address,
/// when the rule decides it; else the first address the rule decides).
TraceHop snat_entry_nsg_hop(const model::Model& m, const AddressSpace& space, const FlowQuery& q,
                            const model::Ref& subnet, const IpSet& frontends, std::uint16_t port, const char* scope,
                            const EntryPoint& what, const IpSet& snat,
                            const std::optional<model::IpAddress>& snat_address);
/// The target's subnet and NIC NSG hops (the NSG stages of its path, entered `via` a Bastion session or an
/// application gateway) for TCP `port` from the entry point's subnet `inner`, as analyze sees a
/// forwarded flow: the whole subnet, any source port; the flow passes when some of its addresses pass both NSGs
/// (the first such pair of deciding rules is shown). `who`, `who_set`: where the sources come from, for the reason.
void forwarded_nsg_hops(const model::Model& m, const AddressSpace& space, Via via, const model::IpConfigIndex& x,
                        const IpSet& inner, std::uint16_t port, ForwardedSources who, const IpSet& who_set,
                        FlowTrace& t);

/// Sets route hop `h`'s next hop from `r`, and its route table and route when `r` is a user-defined route.
void take_route(TraceHop& h, const RouteChoice& r);

/// The route of the reply to an internet client. `through`: what the replies must leave through (the public IP, the
/// load balancer); kNothing when the target has no public IP at all (nothing it sends can answer an internet
/// client).
TraceHop route_hop(const model::Model& m, int subnet, const model::IpAddress& client, RepliesThrough through);
/// The route hops between an entry point (`what`, in VNet `from_vnet`, its subnet `from_subnet`) and target `x`
/// (addressed as `to`: its private IP unless an internal load balancer's frontend): "forward" goes before the NSG
/// hops, "return" after them (solver/explain/network.cpp).
std::pair<TraceHop, TraceHop> forwarded_route_hops(const model::Model& m, const EntryPoint& what, int from_vnet,
                                                   int from_subnet, const model::IpConfigIndex& x,
                                                   bool unreachable_breaks,
                                                   const std::optional<model::IpAddress>& to = std::nullopt,
                                                   std::optional<model::IpAddress>* appliance = nullptr);

/// What a load balancer frontend does with the packet: the rule that matches and the backend it goes to.
struct LbChoice {
  TraceHop hop;
  std::optional<model::IpConfigIndex> backend;  // none: no rule matches, or the rule forwards nowhere
  bool floating_ip{false};
};
/// The public load balancer frontends whose public IP the target text names (address, name or id).
std::vector<std::pair<int, int>> frontends_named(const model::Model& m, const std::string& text);
/// Matches the packet against the frontend's load-balancing rules, then its inbound NAT rules, as analyze()
/// enumerates them. Fills t's error fields (kBadBackend) when --backend names no member.
LbChoice load_balancer_hop(const model::Model& m, int l, int f, const FlowQuery& q, FlowTrace& t);

/// An internal load balancer's hop on a leg that entry point `from` (an application gateway, a firewall's DNAT rule)
/// forwards: its load-balancing rule `rule` takes the connection to frontend `address` on `frontend_port` and
/// forwards it on `backend_port` to members[pick] (`chosen`: picked with --backend). ReasonCode::kLbRule with `entry`.
TraceHop internal_lb_hop(const model::Model& m, const EntryPoint& from, int l, int rule,
                         const std::optional<model::IpAddress>& address, std::uint16_t frontend_port,
                         std::uint16_t backend_port, std::vector<model::IpConfigIndex> members, std::size_t pick,
                         bool chosen);

/// A firewall's DNAT rule that translates the packet to an application gateway's private frontend, as explain_dnat
/// decided it: the source, the firewall's entry, the DNAT rule and the firewall's forward route, the firewall and the
/// rule's position in its order, its SNAT addresses (what the gateway subnet's NSG sees) and the translated port.
struct DnatToGateway {
  TraceHop source;
  TraceHop entry;
  TraceHop dnat;
  TraceHop forward;
  int firewall{-1};
  int rule{-1};
  IpSet snat;
  std::optional<model::IpAddress> snat_address;  // the firewall's address in `snat`, if known
  std::uint16_t port{0};
};
/// The packet on from `d` to private frontend `frontend` of application gateway `gateway`: its subnet's NSG, the
/// listener, the routing rule and one backend, as for a public frontend (solver/explain/application_gateway.cpp).
void explain_gateway_behind_dnat(const model::Model& m, FlowTrace& t, int gateway, int frontend,
                                 const DnatToGateway& d);

// ---- the entry of each family: when t.query.target names one of its resources, trace the packet (or set t's
// error fields) and return true; otherwise leave `t` alone and return false ----

bool explain_application_gateway_target(const model::Model& m, FlowTrace& t);
bool explain_bastion_target(const model::Model& m, FlowTrace& t);
bool explain_paas_target(const model::Model& m, FlowTrace& t);
/// The PaaS services `text` names (name, id, or host name), each with whether its SCM host was named.
std::vector<std::pair<int, bool>> paas_services_named(const model::Model& m, const std::string& text);
/// The `endpoint` hop of PaaS service `si` for packet `q` (the internet's trace and the east-west one): an IPv6
/// client is not served, nor a port the service does not serve over TCP; else it passes. Its reason is `base` with
/// the code that says which.
TraceHop paas_endpoint_hop(const model::Model& m, int si, const FlowQuery& q, const Reason& base);
bool explain_private_endpoint_target(const model::Model& m, FlowTrace& t);
bool explain_firewall_target(const model::Model& m, FlowTrace& t);
/// A Bastion session (t.query.via_bastion) to the ip configuration t.query.target names.
void explain_via_bastion(const model::Model& m, FlowTrace& t);
/// Through a network virtual appliance (t.query.via_appliance) to the ip configuration t.query.target names;
/// `analysis` as for explain() (the ports at which the appliance admits the client are analyze's).
void explain_via_appliance(const model::Model& m, FlowTrace& t, const Analysis* analysis);
/// An east-west flow (solver/explain/east_west.cpp): when the source is inside the estate (t.query.source_name, or
/// an address inside a VNet's space that an ip configuration or subnet holds) and the target an ip configuration or
/// private endpoint, traces the stages of east_west_path() for the packet (or sets t's error fields) and returns
/// true; otherwise leaves `t` alone and returns false (an address source then gets today's trace).
bool explain_east_west(const model::Model& m, FlowTrace& t);
/// An east-west flow to the PaaS service t.query.target names (solver/explain/east_west_paas.cpp), from ip
/// configuration `from` (nic -1: an address of subnet `subnet`): traces the stages reach() decides toward its public
/// endpoint (or sets t's error fields) and returns true; false when the target names no PaaS service.
bool explain_east_west_paas(const model::Model& m, FlowTrace& t, const model::IpConfigIndex& from, int subnet);
/// The packet `q` to an ip configuration, through its own public IP or the load balancer frontend q.target names
/// (`t`: the trace so far, its query normalised); `analysis` as for explain().
FlowTrace explain_ip_configuration(const model::Model& m, const FlowQuery& q, FlowTrace t, const Analysis* analysis);

}  // namespace exposim::solver::explain_internal
