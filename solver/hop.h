// The one vocabulary of hops: what analyze's exposure paths (solver::Hop) and explain's traces (solver::TraceHop)
// are made of, and what the stages of a target's path (solver/path.h) are.
#pragma once

#include <cstdint>

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
};

/// The kind's name as explain writes it ("source", "entry", "load-balancer", "nsg", "no-nsg", "route", ...).
const char* to_string(HopKind k);

}  // namespace exposim::solver
