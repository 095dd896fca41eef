// Internet exposure of an estate: every target, protocol, port and source range the internet reaches,
// with the path taken and the deciding rule at every filter (the witness).
#pragma once

#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/packet_set.h"

namespace exposim::solver {

/// How a flow enters the estate: a public IP on the target's own ip configuration, a load-balancing rule
/// of a public load balancer, or an inbound NAT rule of one.
enum class Via { kPublicIp, kLoadBalancer, kLoadBalancerNat };
const char* to_string(Via v);

/// One step of a path. Writers resolve names through the model.
struct Hop {
  enum class Kind {
    kInternet,
    kPublicIp,     // resource = public IP
    kLoadBalancer, // resource = load balancer; rule = index into its rules (scope "load-balancing") or
                   // nat_rules (scope "inbound-nat"); port = the frontend port the flow entered on
    kNsg,          // resource = NSG (or -1 when the NSG is referenced but absent from the input)
    kNoNsg,        // no NSG at this scope
    kTarget,       // resource = NIC
  };
  Kind kind{Kind::kInternet};
  model::ResourceKind resource_kind{model::ResourceKind::kInternet};
  int resource{-1};
  const char* scope{""};  // "subnet" or "nic" for NSG hops (static strings: hops are many)
  int rule{-1};           // index into the NSG's rules for kNsg
  const char* note{""};   // an assumption taken at this hop, if any (static string)
  int port{-1};           // kLoadBalancer: the frontend port (-1: every port, HA ports)
};

/// One reachable (target, entry, protocol, path) with exact ports and sources.
struct Exposure {
  int nic{-1};
  int ip_configuration{-1};
  int vm{-1};
  int public_ip{-1};
  Via via{Via::kPublicIp};
  int load_balancer{-1};  // load-balancer vias: the load balancer and the frontend entered
  int frontend{-1};
  model::PortSet entry_ports;   // ports at the entry (the frontend port for load balancers; == ports otherwise)
  model::Protocol protocol{model::Protocol::kTcp};
  model::PortSet ports;         // destination ports at the target (full for portless protocols)
  model::PortSet source_ports;  // almost always full
  IpSet sources;
  bool any_source{false};       // sources == the whole internet of the entry's family
  bool jit{false};              // a rule on the path was written by just-in-time access
  std::vector<Hop> path;
};

struct AnalyzeOptions {};

struct Analysis {
  std::vector<Exposure> exposures;  // sorted: target, entry, protocol, path, ports, sources
  model::Diagnostics findings;      // warnings about the estate found while solving
  std::size_t targets_evaluated{0};
  std::size_t distinct_evaluations{0};  // after memoisation
};

/// Computes every exposure of a validated model.
Analysis analyze(const model::Model& m, const AnalyzeOptions& options = {});

/// Splits the packets reaching one target into exposures for one protocol: sources grouped by the exact
/// port sets they reach, so that every exposure is a product (sources x source ports x ports).
struct PortsAndSources {
  model::PortSet ports;
  model::PortSet source_ports;
  IpSet sources;
};
std::vector<PortsAndSources> split_by_ports(const PacketSet& packets, model::Protocol protocol);

}  // namespace exposim::solver
