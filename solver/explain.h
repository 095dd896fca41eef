// One flow, hop by hop: what happens to a single packet from a client to a target, and why it stops.
// The counterpart of Network Watcher's IP flow verify and next hop; it agrees with analyze() by construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"
#include "solver/broken.h"
#include "solver/flow_query.h"
#include "solver/hop.h"
#include "solver/packet_set.h"
#include "solver/route_choice.h"

namespace exposim::solver {

struct Analysis;  // solver/analysis.h

// ---- Why a hop decides as it does: data; cli/explain_text.h writes the words (docs/architecture.md) ----

/// The entry point a forwarded flow comes through, which several reasons name: a Bastion host
/// (kBastionHost), an application gateway (kApplicationGateway) or a firewall's DNAT rule (kFirewall), by index.
struct EntryPoint {
  model::ResourceKind kind{model::ResourceKind::kInternet};
  int index{-1};
};

/// Which part of one side of an NSG rule contains the packet's address.
enum class AddressMatchKind : std::uint8_t {
  kAny,                // '*'
  kPrefix,             // a prefix of the side (`index` into its prefixes) contains the address
  kInternet,           // the tag Internet
  kVirtualNetwork,     // the tag VirtualNetwork as seen from the target's subnet (route: the user-defined route that
                       // puts the address into the tag, or -1)
  kAzureLoadBalancer,  // the tag AzureLoadBalancer (the platform address)
  kUnresolvedTag,      // an unknown tag, assumed to be the internet in an allow rule (`index`: the side's first other
                       // tag the published table does not resolve)
  kServiceTag,         // a tag of the published table (--service-tags): `index` into the side's other tags
  kAsg,                // an application security group (`index`: the ASG) has the address as a member
  kOther,              // none of these (the side matches the address some other way)
};

struct AddressMatchWhy {
  AddressMatchKind kind{AddressMatchKind::kOther};
  int index{-1};
  int route_table{-1};  // kVirtualNetwork: the route table and route that put the address into the tag
  int route{-1};
  int tag_prefix{
      -1};  // kServiceTag: the index, among the tag's published prefixes, of the first that holds the address
};

/// Where the sources an NSG rule decides for a forwarded flow come from.
enum class ForwardedSources : std::uint8_t {
  kUnnamed,                       // not named (a scratch trace)
  kGatewaySubnet,                 // the application gateway's subnet (`from`)
  kGatewaySubnetThroughFirewall,  // the gateway subnet's addresses the firewall lets through (`from`)
  kBastionSubnet,                 // the Bastion subnet (`from`)
  kDeveloperBastion,              // the platform address a Developer Bastion's sessions come from
};

/// An NSG rule's decision. One packet (ReasonCode::kNsgRule, kNsgRuleAtEntry): the packet and which of the rule's
/// fields match it; a set of sources (kNsgRuleForSources): the sources it decides and where they come from.
struct NsgRuleWhy {
  int nsg{-1};
  int rule{-1};  // into the NSG's rules
  // one packet
  AddressMatchWhy source;
  model::IpAddress address;  // the packet's source
  model::Protocol protocol{model::Protocol::kTcp};
  std::uint16_t source_port{0};
  std::uint16_t destination_port{0};
  std::optional<model::IpAddress> destination;  // the target's address; none: the target as a whole
  // a set of sources
  IpSet matched;  // the sources the rule decides
  ForwardedSources who{ForwardedSources::kUnnamed};
  IpSet from;  // with `who`: the addresses it names
  /// An outbound rule (scopes "nic-outbound", "subnet-outbound" of an east-west flow): the packet's source is the
  /// source's own address (`source` says which part of the rule's source side holds it), and `to_side` which part
  /// of the rule's destination side holds `destination`; the VirtualNetwork tag is the source subnet's (`subnet`).
  bool outbound{false};
  AddressMatchWhy to_side;
  /// A deny the subnet's VirtualNetwork tag explains: a peering (index into the peerings of subnet `subnet`'s VNet)
  /// without virtual network access leaves the sources out of the tag. -1: no such peering.
  int subnet{-1};
  int excluding_peering{-1};
  IpSet snat;  // a firewall's DNAT: the firewall's SNAT addresses, the packet's source at the target (else empty)
};

/// Why a source address is not in the internet (docs/model.md, "The internet"): the estate's space first, then the
/// special ranges.
enum class NotInternet : std::uint8_t {
  kVnetSpace,     // inside `prefix`, address space of VNet `vnet`
  kPeeredSpace,   // inside `prefix`, peered to VNet `vnet`
  kSubnetPrefix,  // inside `prefix`, prefix of subnet `subnet`
  kPlatform,      // Azure's platform address (`prefix`)
  kThisNetwork,   // 'this network'
  kPrivate,       // a private range
  kSharedSpace,   // shared address space (carrier-grade NAT)
  kLoopback,
  kLinkLocal,
  kProtocolAssignments,  // IETF protocol assignments
  kDocumentation,        // a documentation range
  kRelay6to4,            // the deprecated 6to4 relay range
  kBenchmarking,
  kMulticast,
  kReserved,
  kNotGlobalV6,  // not global unicast IPv6 (outside 2000::/3)
  kNotPublic,    // none of these: not a public address
};

enum class ReasonCode : std::uint8_t {
  kText,  // `text` as it is; the empty reason of a verdict that is not allowed (no hop says kText)
  // the source hop (`flow.source`)
  kInternetSource,     // the client is an internet address
  kNotInternetSource,  // it is not: `not_internet` (with `prefix`, `vnet`, `subnet`) says why
  // NSG hops
  kNoNsg,              // no NSG at this scope
  kNoNsgAtEntry,       // no NSG on the entry point's subnet (`entry`)
  kNoNsgStandard,      // no NSG on the subnet or the NIC: a Standard public IP (`through` the load balancer) is closed
  kNoNsgBasic,         // no NSG on the subnet or the NIC: a Basic one is open
  kNsgMissing,         // the NSG is referenced but not in the input: assumed to admit everything
  kNsgNoMatch,         // no inbound rule matches: denied
  kNsgRule,            // `nsg`: the rule deciding one packet
  kNsgRuleAtEntry,     // `nsg`: the rule deciding one packet at the entry point's subnet (`entry`)
  kNsgRuleForSources,  // `nsg`: the rule deciding the sources an entry point forwards from
  // route hops (`route`: the route chosen)
  kReplyRoute,          // the reply to the client `address`; `replies_through` the way out it must take
  kForwardRoute,        // `entry` reaches `address` (none: an unallocated address) by `route`
  kForwardInVnet,       // `entry` reaches `address` in its VNet
  kReturnRoute,         // the reply to `entry`'s subnet (`address`) takes `route`
  kReturnInEstate,      // the reply returns to `entry` within the estate
  kReturnNotEvaluated,  // the VNets are not connected
  kForwardedLeg,        // the forwarded leg does not work: `broken` says why, as analyze's broken flow does
  // entry hops and verdicts of an ip configuration (`target`; `public_ip`, -1: not in the input)
  kOwnedPublicIp,       // `public_ip` belongs to `entry` (an application gateway's frontend `frontend`, a Bastion)
  kLoadBalancerEntry,   // `public_ip` is frontend `frontend` of load balancer `load_balancer`
  kInstancePublicIp,    // `public_ip` maps to `target` (`versions_differ`: the client `flow.source` is not of its
                        // IP version)
  kPrivateAddressOnly,  // `target` is reached only through its public IP, and the packet went to its private one
  kNoPublicIp,          // `target` has no public IP
  kAllowedThroughLoadBalancer,  // verdict: `flow` reaches `target` on `backend_port` through `load_balancer`'s
                                // frontend `frontend`, by rule `rule` (`nat`, `nat_pool`: which list)
  kAllowedThroughPublicIp,      // verdict: `flow` reaches `target` through its public IP
  // load balancer hops (`load_balancer`, the packet `flow`; `rule` into rules, nat_rules or nat_pools)
  kLbRule,          // load-balancing rule `rule` (`frontend_port` -> `backend_port`); `backend` says which member;
                    // with `entry` (an application gateway, a firewall): an internal load balancer on the leg that
                    // entry point forwards, its connection to frontend `address`
  kLbNatRule,       // inbound NAT rule `rule` (one port; `backend` kNone or kForwards to members[0])
  kLbNatRuleRange,  // inbound NAT rule `rule` with a port range over its pool: the port's position `member`
  kLbNatPool,       // inbound NAT pool `rule`: the port's scale set instance `member` (kNone or kForwards)
  kLbNoRule,        // no rule of `load_balancer` on frontend `frontend` matches
  // Bastion hops (`entry`: the Bastion host; `flow`: the packet; `passes`: the hop admits it)
  kBastionShared,             // a Developer Bastion has no public IP (`session`: the trace follows a session)
  kBastionPrivateOnly,        // a private-only Bastion: no public IP
  kBastionNoPublicIp,         // a Bastion without a public IP
  kBastionHost,               // its own 443
  kBastionSession,            // a session to port flow.destination_port (`any_port`: the SKU reaches any TCP port)
  kBastionTargetIpv6,         // `target` is IPv6
  kBastionTargetVnetUnknown,  // `target`'s subnet is not in the input
  kBastionVnetUnknown,        // the Bastion's own VNet is not in the input
  kBastionReaches,            // `target` is in VNet `vnet`: the Bastion's own `other_vnet`, or peered both ways with it
  kBastionDeveloperVnet,      // a Developer Bastion reaches its own VNet `other_vnet` only, not `vnet`
  kBastionCannotReach,        // the Bastion's VNet `other_vnet` and `target`'s `vnet` are not connected
  kBastionSubnetUnknown,      // the Bastion subnet is not in the input: the sessions' source is unknown
  kAllowedToBastionHost,      // verdict: `flow` reaches the Bastion host on `public_ip`
  kAllowedBastionSession,     // verdict: `flow` through the Bastion (`public_ip`) opens a session to `target`
  // firewall DNAT hops (`firewall`; `rule`: the DNAT rule's position in its `order`; `flow`: the packet)
  kFirewallEntry,           // `address` (`public_ip`, or -1: a secured hub's address) belongs to the firewall
  kDnatNoRule,              // no DNAT rule takes the packet
  kDnatRule,                // DNAT rule `rule` translates `address`:port
  kFirewallForward,         // the firewall reaches `address` (the translated one) by `route`
  kFirewallReturn,          // the reply to the firewall's `address` takes `route` (`passes`: back to the firewall)
  kFirewallAddressUnknown,  // the firewall's address is unknown
  kAllowedDnatOutside,      // verdict: `flow` to `address` is translated by `rule` to an address not in the input
  kAllowedDnat,             // verdict: `flow` to `address` reaches `target` through DNAT rule `rule`
  // PaaS public endpoints (`paas_service`, `scm`: its SCM site; `flow`) and private endpoints
  kPaasIpv6Client,            // the endpoint is modelled for IPv4 clients only
  kPaasPortNotServed,         // the endpoint does not serve the packet's port
  kPaasServes,                // the endpoint serves it
  kPaasAccessDisabled,        // publicNetworkAccess Disabled
  kPaasAccessPerimeter,       // publicNetworkAccess SecuredByPerimeter
  kPaasAccessEnabled,         // publicNetworkAccess Enabled
  kPaasDataEndpointDisabled,  // a SQL managed instance's publicDataEndpointEnabled false (or absent)
  kPaasDataEndpointEnabled,   // ... true, or only known at deployment (`note`): its subnet's NSG decides
  kPaasPerimeterDecides,      // the firewall is not evaluated: the perimeter decides
  kPaasRule,                  // IP rule `rule` (of the rules the site uses) admits (`passes`) or denies; `note`
  kPaasDefaultAction,         // the default action decides (`rules_apply`: address rules apply at all)
  kPaasNotEvaluated,          // the client is not one the endpoint evaluates
  kAllowedPaas,               // verdict: `flow` reaches the public endpoint
  kPrivateEndpoint,           // private endpoint `private_endpoint` has private addresses only
  // application gateways (`entry`: the gateway; `flow`; `public_ip`: its frontend's)
  kAgNotTcp,                 // it listens on TCP only
  kAgNoListener,             // no listener on frontend `frontend` and the port
  kAgListener,               // listener `listener` (`waf_mode`) takes the connection; `also`: the others on the port
  kAgSubnetUnknown,          // the gateway subnet is not in the input: no backend is traced
  kAgNoBackend,              // no routing rule reaches a backend in the input (`unresolved`: pool addresses)
  kAgRouting,                // rule `routing_rule`'s target `routing_target` sends requests to `target` on
                             // `backend_port` (through internal load balancer `load_balancer`'s `rule`); `backend`:
                             // kChosen, kFirst (of `members`) or kOnly
  kAgFirewallPolicyMissing,  // the connection crosses firewall `firewall` (at `address`), whose policy is missing
  kAgFirewallUnallocated,    // ... but the backend's address is not allocated
  kAgFirewallCrossing,       // ... (nothing arrives to decide)
  kAgFirewallDefaultDeny,    // ... and no rule takes `sources` to `destination` on `backend_port`
  kAgFirewallRule,           // ... and rule `rule` (position) allows (`passes`) or denies it (`assumed`: FQDN note)
  kAllowedAgListener,        // verdict: `flow` reaches listener `listener`; nothing behind it is traced
  kAllowedAgBackend,         // verdict: `flow` passes listener `listener` to `target` on `backend_port` (routing rule
                             // `routing_rule`'s target `routing_target`), through `firewall`'s rule `rule` (-1: its
                             // policy is missing) when `firewall` >= 0
  // network virtual appliances (`entry`: the appliance's NIC, kind kNetworkInterface; `target`; `public_ip`: its own)
  kApplianceForwards,        // assumed to forward `flow` (the packet as it reaches the appliance: `passes`, its own
                             // NSGs admit it) to `address` (the target's) on `backend_port` (-1: no ports) with the
                             // client's address; `versions_differ`: the target is not of the appliance's IP version
  kApplianceReturn,          // the reply to `address` (the client) from the target's `subnet` takes `route`: back to
                             // the appliance (`passes`) or not
  kAllowedThroughAppliance,  // verdict: `flow` reaches `target` through the appliance (`entry`, at `public_ip`)
  // security admin rules of the target's VNet (`vnet`; `flow`: the packet), or (`outbound`) the outbound rules of an
  // east-west source's VNet, before the source's outbound NSGs
  kAdminRule,    // admin rule `rule` (index into Model::admin_rules) matches first: Deny drops, AlwaysAllow admits
                 // past the NSGs, Allow hands the packet to the NSGs
  kAdminNoRule,  // no admin rule matches: the NSGs decide
  // east-west flows: a source inside the estate (`source`, or nic -1: an address of `subnet` that no ip
  // configuration holds) to an ip configuration or private endpoint (solver/explain/east_west.cpp)
  kEastWestSource,     // `flow.source` is the address of `source` (or of subnet `subnet`)
  kEastWestRoute,      // subnet `subnet` sends `address` by `route`; `leg` says where it leads (`vnet` to
                       // `other_vnet`, `forwarded`: the packet's source is outside `vnet`; `firewall` or appliance
                       // `entry`); `passes`
  kEastWestFirewall,   // firewall `firewall` (crossed by routing) decides `flow` to `address` by network or application
                       // rule `rule` (position in its order; -1: no rule, default deny; `assumed`: the FQDN note);
                       // `leg` kPolicyMissing: its policy is not in the input, assumed to allow
  kEastWestAppliance,  // assumed: appliance `entry` (index -1: next hop `destination` not in the input) forwards
                       // `flow` to `address`, keeping its source address
  kEastWestReturn,     // the reply from subnet `subnet` to `address` takes `route`; the request crossed `firewall` or
                       // appliance `entry` (both -1: neither; `forwarded`: `address` is firewall `firewall`'s own,
                       // which translated the source); `leg`: whether it returns that way; `passes`
  kAllowedEastWest,    // verdict: `flow` from `source` (or an address of subnet `subnet`) reaches `target` (or private
                       // endpoint `private_endpoint`) at `address`, and replies return
  // toward a PaaS public endpoint (`paas_service`, solver/explain/east_west_paas.cpp)
  kEastWestPaas,         // stage `hop` of the path reach() follows (the hop as reach()'s RULES column names it) admits
                         // the packet or stops it (`passes`)
  kAllowedEastWestPaas,  // verdict: `flow` from `source` (or an address of subnet `subnet`) reaches the public
                         // endpoint of `paas_service`
};

/// Where an east-west route hop leads the packet (ReasonCode::kEastWestRoute, kEastWestReturn).
enum class EastWestLeg : std::uint8_t {
  kInVnet,         // within the VNet (VnetLocal)
  kPeered,         // to a peered VNet (VNetPeering, or a private endpoint's /32 route there)
  kThroughHub,     // through the Virtual WAN hub of `route` to VNet `other_vnet`, connected to it (no firewall)
  kToFirewall,     // to firewall `firewall` (VirtualAppliance at its private address)
  kToAppliance,    // to appliance `entry` (VirtualAppliance at the private address of a NIC with IP forwarding)
  kUnknownDevice,  // VirtualAppliance at an address nothing in the input holds: assumed to forward to the target
  kDropped,        // next hop None: dropped
  kToInternet,     // next hop Internet: a private address is not reached that way
  kNotConnected,   // the route leads out of VNet `vnet` but it is not connected to `other_vnet` (peering is not
                   // transitive; peering_gap() says why; `note`: east_west_path()'s words)
  kRoutingLoop,    // a firewall's or appliance's subnet sends the packet back to that device: a routing loop
  kNoDevice,       // VirtualAppliance without a next hop address
  kGateway,        // VirtualNetworkGateway (on-premises, or a Virtual WAN hub): not followed
  kReturns,        // kEastWestReturn: the reply returns the way the request came
  kAsymmetric,     // kEastWestReturn: the reply crosses a firewall or appliance the request did not, or the other
                   // way round: the connection fails
  kNotForwarded,   // kEastWestReturn: the reply crosses the request's firewall or appliance in VNet `vnet`, which
                   // cannot forward it into the source's VNet `other_vnet` (peering_gap(), forwarded)
};

/// Which backend a load balancer's rule sends the packet to (Reason::members).
enum class LbBackend : std::uint8_t {
  kNone,          // no member of the frontend's IP version: the packet goes nowhere
  kOnly,          // members[member], the only member
  kFirst,         // members[member], the first of several in the documented order
  kChosen,        // members[member], chosen with --backend
  kBeyondPool,    // the port's position is beyond the pool's members
  kOtherVersion,  // the member at the port's position (members[0]) is of the other IP version
  kForwards,      // members[0]
};

/// The packet as a verdict names it.
struct FlowPacket {
  model::IpAddress source;
  model::Protocol protocol{model::Protocol::kTcp};
  std::uint16_t source_port{0};
  std::uint16_t destination_port{0};
};

/// What the replies to an internet client must leave through (kReplyRoute).
enum class RepliesThrough : std::uint8_t {
  kNothing,          // the target has no public IP
  kTheLoadBalancer,  // "the load balancer"
  kThePublicIp,      // "the public IP" (the packet was sent to it)
  kItsPublicIp,      // "its public IP" (the packet came another way, the target has one)
};

/// Why a hop decided as it did, or why a flow is allowed, as data: the code, and the indexes into the model,
/// addresses, ports and flags that code needs (the comment at each ReasonCode names them; the rest keep their
/// defaults). Names are not copied: cli/explain_text.cpp resolves them through the model.
struct Reason {
  ReasonCode code{ReasonCode::kText};
  std::string text;                      // kText
  std::shared_ptr<const Broken> broken;  // kForwardedLeg: analyze's own value (Exposure::broken)
  // the packet, and where it goes
  FlowPacket flow;
  std::optional<model::IpAddress> address;      // the address a hop is about (by code)
  std::optional<model::IpAddress> destination;  // kAgFirewall*: the address the gateway connects to
  IpSet sources;                                // kAgFirewall*: the gateway subnet's addresses the rule decides
  bool passes{false};                           // the decision explained admits the packet
  bool versions_differ{false};                  // the client and the address are of different IP versions
  // NSG and route decisions
  NsgRuleWhy nsg;
  RouteChoice route;
  int subnet{-1};  // kReplyRoute: the target's subnet (-1: not in the input); kNotInternetSource: the subnet
  RepliesThrough replies_through{RepliesThrough::kNothing};  // kReplyRoute; kNoNsgStandard, kNoNsgBasic
  // resources, by index (-1: none)
  EntryPoint entry;  // the Bastion host or application gateway
  model::IpConfigIndex target;
  int public_ip{-1};
  int load_balancer{-1};
  int frontend{-1};  // of the load balancer or application gateway
  int firewall{-1};
  int paas_service{-1};
  int private_endpoint{-1};
  int vnet{-1};
  int other_vnet{-1};
  // rules
  int rule{-1};  // a load balancer's rule, NAT rule or NAT pool; a firewall rule's position in its order; a PaaS IP
                 // rule; an internal load balancer's rule (kAgRouting)
  bool nat{false};
  bool nat_pool{false};
  int frontend_port{-1};
  int backend_port{-1};
  LbBackend backend{LbBackend::kNone};
  std::vector<model::IpConfigIndex> members;
  int member{-1};
  // Bastion
  bool session{false};   // the trace follows a session (--via bastion)
  bool any_port{false};  // the SKU reaches any TCP port
  // PaaS
  bool scm{false};
  bool rules_apply{false};
  const char* note{""};  // kPaasRule: the assumption analyze takes for a rule it cannot resolve exactly (or "")
  Hop hop;               // kEastWestPaas: the stage as reach() writes it
  // application gateways
  int listener{-1};
  model::WafMode waf_mode{model::WafMode::kOff};
  std::vector<int> also;                // other listeners on the port
  std::vector<std::string> unresolved;  // pool addresses that match nothing in the input
  int routing_rule{-1};
  int routing_target{-1};
  bool assumed{false};  // the firewall rule's FQDN match is assumed (kAssumedFqdnNote)
  // network virtual appliances
  model::Protocol onward_protocol{model::Protocol::kTcp};  // kApplianceForwards: the protocol it forwards
  // east-west
  model::IpConfigIndex source;  // the source's ip configuration (nic -1: none)
  bool outbound{false};         // kAdminRule, kAdminNoRule: the source VNet's outbound rules
  EastWestLeg leg{EastWestLeg::kInVnet};
  bool forwarded{false};
  // the source
  NotInternet not_internet{NotInternet::kNotPublic};
  model::IpPrefix prefix;
  std::vector<Reason> then;  // further clauses, each written after this one following "; "
};

/// One step of the trace. Every hop is evaluated, even after the packet stopped (`reached` is then
/// false), so that the user sees what each filter would decide. Writers resolve names through the model.
/// The hop itself (kind, resource, scope, rule, port) is the one hop type of analyze's paths (solver::Hop, the base);
/// TraceHop adds explain's decision (passes, reached, why) and what one packet needs said about the hop.
/// path_hop() gives the Hop as analyze's path holds it.
struct TraceHop : Hop {
  // By kind: kSource (is the client an internet address?); kEntry (how the packet enters the estate: the public IP
  // and its ip configuration); kLoadBalancer (which rule forwards the packet, to which backend); kNsg (an NSG at
  // `scope`: resource = NSG, -1 when referenced but absent; rule = deciding rule); kNoNsg (no NSG at `scope`:
  // resource = the subnet or NIC); kRoute (the return route from the target's subnet to the client, scope "return",
  // or the firewall's route to a DNAT target, scope "forward"; resource = the subnet whose routes decide); kFirewall
  // (rule = index into its `order` of the DNAT rule that takes the packet; between an application gateway and its
  // backend: scope "network" or "application" and the rule that decides, or scope "default" and rule -1, the default
  // deny); kApplicationGateway (scope "listener", rule = the listener, or "routing": the request routing rule, its
  // target, the backend chosen); kBastion (scope "host", its own 443, or "session", a session to a target); kPaas
  // (scope "endpoint" (port), "public-network-access", or the deciding setting as analyze names it); kAppliance
  // (resource = the network virtual appliance's NIC: it is assumed to forward what its own NSGs admit). explain has
  // no kTarget hop. Hop's `kind`, `resource_kind`, `resource`, `scope` and `rule` are set by every hop; `port`,
  // `via_rule`, `via_target` and `note` are left to path_hop().
  bool passes{false};   // the packet goes on after this hop
  bool reached{false};  // no earlier hop stopped the packet
  int route_table{-1};  // kRoute: the route table whose route was chosen (-1: the system route)
  int route{-1};        // kRoute: index into its routes
  model::NextHopType next_hop{model::NextHopType::kInternet};  // kRoute
  // kLoadBalancer: the matching rule (-1: none), into rules or nat_rules; ports as forwarded.
  int lb_rule{-1};
  bool lb_nat{false};
  bool lb_nat_pool{false};  // with lb_nat: lb_rule indexes nat_pools (an inbound NAT pool of a scale set)
  int frontend_port{-1};
  int backend_port{-1};
  std::vector<model::IpConfigIndex> backends;  // a load-balancing rule's members, in the documented order
  // kApplicationGateway: the listener (scope "listener", also in `rule`), its WAF mode, and (scope "routing")
  // the request routing rule and the index of its (pool, settings) target; `backends` then lists the members
  // --backend chooses from, `backend_port` is the settings' port. Through an internal load balancer: which one
  // and its rule.
  int listener{-1};
  model::WafMode waf_mode{model::WafMode::kOff};
  int routing_rule{-1};
  int routing_target{-1};
  int internal_lb{-1};
  int internal_lb_rule{-1};
  /// A stop here makes the flow broken rather than denied (analyze reports it under `broken`): every filter
  /// passes, but the path does not work (VNets not connected, asymmetric routing).
  bool breaks{false};
  Reason why;  // why the hop decided as it did (cli/explain_text.h writes it as one line)
};

/// The hop `h` as analyze's path holds it (solver::Hop, its meaning by kind in solver/hop.h): a route hop names the
/// route table and route (not the subnet) and the reply's route has scope "return", a load balancer hop its rule list
/// in `scope` and the rule's frontend port
/// (-1 for HA ports), an application gateway hop the listener in `rule` and the routing rule and target in
/// `via_rule`, `via_target`, a firewall's DNAT rule the scope "dnat". cli/hop_json.h writes both documents' version 2
/// hops from it.
Hop path_hop(const model::Model& m, const TraceHop& h);

/// A flow's verdict: allowed, and why; or where it stops (the hop's kind and scope) and that hop's reason.
struct Verdict {
  bool allowed{false};
  bool broken{false};
  HopKind kind{HopKind::kSource};
  const char* scope{""};
  Reason why;
};

/// Another entry through which analyze() reaches the ip configuration the query named, with the query's packet
/// (docs/model.md, "Explaining one flow"): what `exposim explain` needs to trace it, as data (cli/explain_query_text.h
/// writes its label, "DNAT rule 'ssh-to-jump' of firewall 'fw-hub' at 20.50.60.70:2222").
struct OtherEntry {
  Via via{Via::kPublicIp};  // analyze's `via`: kFirewallDnat, kLoadBalancer, kBastion, ...
  /// What the entry is, as analyze's Exposure names it: kFirewallDnat: the firewall and the DNAT rule (index into
  /// its `order`); kApplicationGateway: the gateway and the listener; kBastion: the Bastion host; kAppliance: the
  /// appliance's NIC; load balancer vias: `load_balancer`.
  int gateway{-1};
  int gateway_rule{-1};
  int load_balancer{-1};
  model::IpAddress address;  // the entry's public address
  std::string target;        // its --to: the entry's public address (a Bastion session: the query's target)
  std::uint16_t port{0};     // its --port (the entry's port; a Bastion session: the target's)
  std::string backend;       // its --backend (the ip configuration's id), or empty
  std::string bastion;       // a Bastion session: --via bastion:NAME
  std::string appliance;     // a network virtual appliance: --via appliance:NAME (its NIC's name)
  bool traceable{true};      // false: explain does not follow it
};

/// Which option of a query an error is about.
enum class QueryOption : std::uint8_t { kTo, kBackend, kVia, kFrom };

/// What failed in a query explain cannot answer. The comment names the fields of QueryError the code uses.
enum class QueryErrorCode : std::uint8_t {
  // --to (`target`: the user's text)
  kUnknownTarget,            // names nothing explain traces
  kUnknownSessionTarget,     // with --via bastion: names no NIC, VM or private IP
  kPublicIpUnattached,       // names public IP `index`, attached to no ip configuration
  kNoPublicFrontend,         // names an application gateway without a public frontend
  kAmbiguousAddress,         // the address belongs to `count` ip configurations (`candidates`)
  kAmbiguousName,            // it names `count` ip configurations (`candidates`)
  kAmbiguousSessionAddress,  // with --via bastion: the address belongs to `count` ip configurations
  kAmbiguousSessionName,     // with --via bastion: it names `count` ip configurations
  kAmbiguousResources,       // it names `count` resources of `kind` (load balancer or application gateway
                             // frontends, firewall public addresses, Bastion hosts, PaaS services, private endpoints)
  // --backend (`backend`: the user's text)
  kBackendNotApplicable,      // the target is not one --backend chooses in (`applies_to` says which are)
  kBackendNamesNone,          // names none of the `count` ip configurations `target` fits (`candidates`)
  kBackendFitsSeveral,        // still fits `count` of the ip configurations `target` fits (`candidates`: all)
  kBackendNotGatewayBackend,  // not a backend of listener `child` of application gateway `index` (`candidates`)
  kBackendNatNone,            // inbound NAT rule (or pool: `nat_pool`) `child` of load balancer `index` forwards the
                              // packet (`protocol`, `port`) to no backend
  kBackendNatOnly,            // ... only to `candidates[0]`
  kBackendLbRuleNone,         // load-balancing rule `child` of load balancer `index` has no backend
  kBackendNotMember,          // not a member of the pools of load-balancing rule `child` of `index` (`candidates`)
  // --via bastion[:NAME] (`via`: the NAME)
  kBastionUnknown,  // NAME names no Bastion host
  kBastionSeveral,  // NAME names several (`candidates`)
  kNoBastion,       // there is no Bastion host in the input
  kBastionsReach,   // `count` Bastion hosts reach `target` (`candidates`)
  // --via appliance[:NAME] (`via`: the NAME; candidates: the appliances' ip configurations, kNetworkInterface)
  kApplianceUnknown,  // NAME names no network virtual appliance (a NIC with IP forwarding and a public IP)
  kApplianceSeveral,  // NAME names several (`candidates`)
  kNoAppliance,       // no appliance is in front of `target` (`candidates`: the appliances in the input)
  kAppliancesFront,   // `count` appliances are in front of `target` (`candidates`)
  // --from a resource name (`source`: the user's text), or an east-west source's --to
  kUnknownSource,    // names no NIC, VM or ip configuration with a private address
  kAmbiguousSource,  // names `count` ip configurations (`candidates`), or the address belongs to `count`
  kEastWestTarget,   // --to names no ip configuration, private endpoint or PaaS service (by private address, name,
                     // id or host name: an east-west source reaches those)
};

/// Where --backend applies (QueryErrorCode::kBackendNotApplicable), as the error says it.
enum class BackendAppliesTo : std::uint8_t {
  kLoadBalancer,                    // a load balancer frontend's public IP
  kLoadBalancerOrGateway,           // ... or an application gateway's public IP
  kLoadBalancerGatewayOrAmbiguous,  // ... or an application gateway, or a target that fits several ip configurations
  kLoadBalancerOrDnatToInternalLb,  // ... or a firewall DNAT rule translates the packet to an internal LB's frontend
};

/// One thing an ambiguous query could mean, or a member --backend may name: by index.
struct QueryCandidate {
  /// kNetworkInterface: ip configuration (`index`, `child`), `via_public` when reached through its public IP;
  /// kLoadBalancer, kApplicationGateway: frontend `child` of `index`; kPublicIp; kFirewall: a firewall (`index`)
  /// reached at `address`, a secured hub's address that is no public IP; kBastionHost; kPaasService;
  /// kPrivateEndpoint.
  model::ResourceKind kind{model::ResourceKind::kNetworkInterface};
  int index{-1};
  int child{-1};
  bool via_public{false};
  std::optional<model::IpAddress> address;
};

/// The error of a query explain cannot answer: which option, what failed, and the user's own text and the model
/// indexes it rests on. cli/explain_query_text.h writes it (a message in the LLVM style) and its candidates.
struct QueryError {
  QueryOption option{QueryOption::kTo};
  QueryErrorCode code{QueryErrorCode::kUnknownTarget};
  std::string target;   // the query's --to
  std::string backend;  // its --backend
  std::string via;      // its --via bastion:NAME or appliance:NAME (the NAME)
  std::string source;   // its --from (a name or an address)
  model::ResourceKind kind{model::ResourceKind::kInternet};
  int index{-1};
  int child{-1};
  bool nat_pool{false};
  model::Protocol protocol{model::Protocol::kTcp};
  std::uint16_t port{0};
  std::size_t count{0};
  BackendAppliesTo applies_to{BackendAppliesTo::kLoadBalancer};
  std::vector<QueryCandidate> candidates;  // in the solver's order; the words sort them when the error says so
};

struct FlowTrace {
  enum class Status { kOk, kUnknownTarget, kAmbiguousTarget, kBadTarget, kBadBackend };
  Status status{Status::kOk};
  QueryError error;  // when status != kOk

  FlowQuery query;
  bool internet_source{false};  // the source is in the internet as docs/model.md defines it
  int nic{-1};                  // -1: a load balancer frontend where no rule matched (no backend)
  int ip_configuration{-1};
  int vm{-1};
  int public_ip{-1};          // the entry's public IP (-1: none, or not in the input)
  bool via_public_ip{false};  // the packet is sent to the public IP (false: to the private IP)
  int load_balancer{-1};      // the target is this load balancer's frontend (then public_ip is the frontend's)
  int frontend{-1};
  int firewall{-1};       // the target is this firewall's public IP (then public_ip is the firewall's)
  int firewall_rule{-1};  // the DNAT rule that took the packet (index into the firewall's `order`)
  /// The firewall's public address when it is not a public IP resource (a secured virtual hub firewall's
  /// `hubIPAddresses`; public_ip is then -1).
  std::optional<model::IpAddress> entry_address;
  int application_gateway{-1};  // the target is this application gateway's public IP (then public_ip is its)
  int listener{-1};             // ... and this listener took the packet
  int bastion{-1};              // the target is this Bastion host's public IP, or the session goes through it
  int appliance{-1};            // the flow goes through this network virtual appliance (its NIC; --via appliance)
  int paas_service{-1};         // the target is this PaaS service's public endpoint
  bool scm{false};              // ... its App Service SCM (Kudu) site
  int private_endpoint{-1};     // the target is this private endpoint
  /// An east-west flow (docs/model.md, "Explaining one flow"): the source is inside the estate, its ip
  /// configuration (source_nic -1: an address of source_subnet that no ip configuration holds); the hops are the
  /// stages of east_west_path() (solver/east_west.h) decided for the packet.
  bool east_west{false};
  int source_nic{-1};
  int source_ip_configuration{-1};
  int source_vm{-1};
  int source_subnet{-1};
  std::vector<TraceHop> hops;
  bool allowed{false};
  bool broken{false};  // not allowed, and every hop that does not pass `breaks` (see TraceHop::breaks)
  int stopped_at{-1};  // index into hops of the first hop that stops the packet; -1 when allowed
  Verdict verdict;     // cli/explain_text.h writes it as one line

  /// The query named an ip configuration (a VM, NIC or private IP) without a public IP of its own, whose direct
  /// path therefore stops at entry, and analyze() reaches it with this packet through another entry (a firewall
  /// DNAT rule, a load balancer, an application gateway): this trace follows the first such entry in analyze()'s
  /// order, with `query` rewritten to it; `redirected_from` is the original target and `direct` the verdict of
  /// the direct path. Bastion sessions (authenticated access) and appliances are never followed this way, only
  /// listed in `other_entries` with the entries not traced. A target with a public IP of its own is traced through
  /// it; when that does not allow the packet, the entries that do are listed in `other_entries`.
  std::string redirected_from;
  Verdict direct;
  std::vector<OtherEntry> other_entries;
};

/// Traces one packet through a validated model. Pure; never throws on any model or query.
/// `allowed` is true exactly when analyze() reports an exposure of the target's ip configuration whose
/// protocol, ports and sources contain the packet, and the deciding rules are the same. For a load balancer
/// frontend: an exposure via that frontend with the same rule, entry port, backend and backend port. For a
/// firewall's public IP: the DNAT rule that takes the packet, then (when it translates to an ip configuration
/// in the input) that target as analyze() sees it: the firewall's route and peering, the NSGs seeing the
/// firewall's SNAT address, and the route of the replies. For an application gateway's public IP: its subnet's
/// NSG and the listener (analyze's own exposure of the gateway), then one backend (--backend) with the NSGs
/// seeing the gateway subnet, and the route between them (analyze's `application-gateway` exposures, or
/// `broken`); when both directions cross an Azure Firewall, its network or application rule (or its default
/// deny) between the route and the NSGs. For a Bastion host: its subnet's NSG and 443; with `via_bastion`, the session
/// to the target as analyze's `bastion` exposures. For a PaaS service: its public endpoint's ports, public network
/// access and firewall, as analyze's `paas-public` exposures. A private endpoint is never reached from the internet.
/// With `via_appliance`: the appliance's own entry and NSGs, then the target as analyze's `appliance` exposures (or
/// `broken` ones: a peering that does not allow forwarded traffic).
/// `analysis`: analyze(m), when the caller has it (check); otherwise explain computes it when it needs the other
/// entries of a target (FlowTrace::other_entries).
FlowTrace explain(const model::Model& m, const FlowQuery& q, const Analysis* analysis = nullptr);

}  // namespace exposim::solver
