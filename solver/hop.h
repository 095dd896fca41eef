// The one vocabulary of hops: what analyze's exposure paths (solver::Hop) and explain's traces (solver::TraceHop)
// are made of, and what the stages of a target's path (solver/path.h) are; and how a flow enters the estate (Via).
// Apart from analysis.h so that what only names a hop or an entry does not rebuild with the analysis types.
#pragma once

#include <cstdint>

#include "model/model.h"

namespace exposim::solver {

/// The kind of one step of a path. analyze's exposures and explain's traces use the same kinds; the report writers
/// spell them for their format (analyze's JSON calls kSource "internet" and kEntry "public-ip").
enum class HopKind : std::uint8_t {
  kSource,              // where the packet comes from: the internet (explain: is the client an internet address?)
  kEntry,               // how the packet enters the estate: a public IP (analyze: resource = the public IP)
  kLoadBalancer,        // resource = load balancer; the rule (load-balancing, inbound NAT rule or NAT pool)
  kNsg,                 // an NSG at `scope`: resource = NSG (-1 when referenced but absent), rule = deciding rule
  kNoNsg,               // no NSG at `scope`
  kRoute,               // a route chosen: scope "return" (the reply's route) or "forward" (to a DNAT target)
  kFirewall,            // resource = firewall; rule = index into its `order`; scope "dnat", "network", ...
  kApplicationGateway,  // resource = application gateway; scope "listener" or "routing"
  kBastion,             // resource = Bastion host; scope "host" or "session"
  kPaas,                // resource = PaaS service; scope = the deciding setting
  kAppliance,           // resource = a network virtual appliance's NIC
  kTarget,              // resource = what is reached (analyze's last hop)
  kAdminRule,           // security admin rules of the target's VNet: resource = the deciding admin rule
                        // (resource_kind kAdminRule), or the VNet (kVirtualNetwork) when none matches; scope
                        // "outbound": the outbound rules of an east-west source's VNet
};

/// The kind's name as explain writes it ("source", "entry", "load-balancer", "nsg", "no-nsg", "route", ...).
const char* to_string(HopKind k);

/// How a flow enters the estate: a public IP on the target's own ip configuration (or, for a firewall,
/// Bastion host or application gateway, on the resource itself), a load-balancing rule of a public load
/// balancer, an inbound NAT rule of one, a firewall DNAT rule, an application gateway listener, a Bastion
/// session (authenticated, mediated access), the public endpoint of a PaaS service, or a network virtual
/// appliance whose own filtering is unknown.
enum class Via {
  kPublicIp,
  kLoadBalancer,
  kLoadBalancerNat,
  kFirewallDnat,
  kApplicationGateway,
  kBastion,
  kPaasPublic,
  kAppliance,
};
const char* to_string(Via v);

/// One step of an exposure's path. Writers resolve names
/// through the model. Small on purpose: a large estate's paths hold millions of hops.
struct Hop {
  using Kind = HopKind;
  // By kind: kSource (the internet); kEntry (resource = public IP); kLoadBalancer (resource = load balancer; rule =
  // index into its rules (scope "load-balancing"), nat_rules ("inbound-nat") or nat_pools ("inbound-nat-pool");
  // port = the frontend port the flow entered on); kNsg (resource = NSG, or -1 when the NSG is referenced but
  // absent from the input); kNoNsg (no NSG at this scope); kTarget (resource = the target, resource_kind says which
  // kind); kFirewall (resource = firewall; rule = index into its `order`; scope = "dnat", "network", ...); kRoute
  // (resource = route table, -1: a system route; rule = index into its routes; scope = "return" or "forward");
  // kBastion (resource = Bastion host); kApplicationGateway (resource = application gateway; rule = listener
  // index); kPaas (resource = PaaS service; scope = the deciding setting; rule = index of an IP rule); kAppliance
  // (resource = the appliance's NIC); kAdminRule (resource = the deciding security admin rule, resource_kind
  // kAdminRule; or the target's VNet, resource_kind kVirtualNetwork, when no admin rule matches; scope "outbound":
  // an east-west source's VNet's outbound rules, before its outbound NSGs).
  Kind kind{Kind::kSource};
  model::ResourceKind resource_kind{model::ResourceKind::kInternet};
  int resource{-1};
  const char* scope{""};  // "subnet" or "nic" for NSG hops (static strings: hops are many)
  int rule{-1};           // index into the NSG's rules for kNsg
  const char* note{""};   // an assumption taken at this hop, if any (static string)
  int port{-1};           // kLoadBalancer: the frontend port (-1: every port, HA ports); kApplicationGateway:
                          // the listener's port (scope "listener") or the backend port (scope "routing")
  int via_rule{-1};       // kApplicationGateway, scope "routing": the request routing rule
  int via_target{-1};     // ... and the index of the (backend pool, settings) pair in its targets
};

}  // namespace exposim::solver
