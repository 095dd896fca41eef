// One flow, hop by hop: what happens to a single packet from a client to a target, and why it stops.
// The counterpart of Network Watcher's IP flow verify and next hop; it agrees with analyze() by construction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"

namespace exposim::solver {

/// The packet to explain. `target` is a public IP address, a public IP name or id (an instance public IP or
/// a load balancer frontend's), a private IP address, or a NIC or VM name or id (names and ids
/// case-insensitive).
struct FlowQuery {
  model::IpAddress source;
  std::string target;
  model::Protocol protocol{model::Protocol::kTcp};
  std::uint16_t source_port{49152};
  std::uint16_t destination_port{0};  // ignored for ICMP, ESP and AH
  /// Only for a load balancer frontend: the backend of a load-balancing rule to trace (NIC or VM name or id,
  /// or private IP). Empty: the first member of the rule's pool in the documented order.
  std::string backend;
};

/// One step of the trace. Every hop is evaluated, even after the packet stopped (`reached` is then
/// false), so that the user sees what each filter would decide. Writers resolve names through the model.
struct TraceHop {
  enum class Kind {
    kSource,  // is the client an internet address?
    kEntry,   // how the packet enters the estate: the public IP and its ip configuration
    kLoadBalancer,  // resource = load balancer; which rule forwards the packet, to which backend
    kNsg,     // an NSG at `scope`: resource = NSG (-1 when referenced but absent), rule = deciding rule
    kNoNsg,   // no NSG at `scope`: resource = the subnet or NIC
    kRoute,   // a route: the return route from the target's subnet to the client (scope "return"), or the
              // firewall's route to a DNAT target (scope "forward")
    kFirewall,  // resource = firewall; rule = index into its `order` of the DNAT rule that takes the packet
  };
  Kind kind{Kind::kSource};
  bool passes{false};   // the packet goes on after this hop
  bool reached{false};  // no earlier hop stopped the packet
  const char* scope{""};  // "subnet" or "nic" for NSG hops
  model::ResourceKind resource_kind{model::ResourceKind::kInternet};
  int resource{-1};
  int rule{-1};         // kNsg: index into the NSG's rules
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
  std::string reason;   // one line: why the hop decided as it did
};

struct FlowTrace {
  enum class Status { kOk, kUnknownTarget, kAmbiguousTarget, kBadTarget, kBadBackend };
  Status status{Status::kOk};
  std::string error;                   // when status != kOk: a message in the LLVM style
  std::vector<std::string> candidates;  // kAmbiguousTarget: the ids it could mean, sorted; kBadBackend: the members

  FlowQuery query;
  bool internet_source{false};  // the source is in the internet as docs/model.md defines it
  int nic{-1};               // -1: a load balancer frontend where no rule matched (no backend)
  int ip_configuration{-1};
  int vm{-1};
  int public_ip{-1};      // the entry's public IP (-1: none, or not in the input)
  bool via_public_ip{false};  // the packet is sent to the public IP (false: to the private IP)
  int load_balancer{-1};      // the target is this load balancer's frontend (then public_ip is the frontend's)
  int frontend{-1};
  int firewall{-1};           // the target is this firewall's public IP (then public_ip is the firewall's)
  int firewall_rule{-1};      // the DNAT rule that took the packet (index into the firewall's `order`)
  std::vector<TraceHop> hops;
  bool allowed{false};
  int stopped_at{-1};  // index into hops of the first hop that stops the packet; -1 when allowed
  std::string reason;  // the verdict in one line
};

/// Traces one packet through a validated model. Pure; never throws on any model or query.
/// `allowed` is true exactly when analyze() reports an exposure of the target's ip configuration whose
/// protocol, ports and sources contain the packet, and the deciding rules are the same. For a load balancer
/// frontend: an exposure via that frontend with the same rule, entry port, backend and backend port. For a
/// firewall's public IP: the DNAT rule that takes the packet, then (when it translates to an ip configuration
/// in the input) that target as analyze() sees it: the firewall's route and peering, the NSGs seeing the
/// firewall's SNAT address, and the route of the replies.
FlowTrace explain(const model::Model& m, const FlowQuery& q);

const char* to_string(TraceHop::Kind k);

}  // namespace exposim::solver
