// What analyze() (solver/exposure.h) finds: every target, protocol, port and source range the internet reaches, with
// the path taken and the deciding rule at every filter (the witness), and the flows that enter but cannot complete.
// The data types alone, for the files that read an analysis without running one.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/broken.h"
#include "solver/hop.h"
#include "solver/packet_set.h"
#include "solver/shared_value.h"

namespace exposim::solver {

/// One reachable (target, entry, protocol, path) with exact ports and sources.
struct Exposure {
  /// What is reached: a NIC's ip configuration (nic, ip_configuration, vm), or a firewall, Bastion host,
  /// application gateway or PaaS service (`target`, an index into the Model vector of `target_kind`).
  model::ResourceKind target_kind{model::ResourceKind::kNetworkInterface};
  int target{-1};  // for NICs: == nic
  int nic{-1};
  int ip_configuration{-1};
  int vm{-1};
  int public_ip{-1};
  /// A secured virtual hub firewall's public address (`hubIPAddresses`, not a resource; public_ip is -1).
  std::optional<model::IpAddress> entry_address;
  Via via{Via::kPublicIp};
  int load_balancer{-1};  // load-balancer vias: the load balancer and the frontend entered
  int frontend{-1};
  /// kFirewallDnat: the firewall, and the DNAT rule (index into its `order`); kApplicationGateway: the
  /// gateway and the listener; kBastion: the Bastion host; kAppliance: the appliance NIC.
  int gateway{-1};
  int gateway_rule{-1};
  model::PortSet entry_ports;  // ports at the entry (the frontend port for load balancers; == ports otherwise)
  model::Protocol protocol{model::Protocol::kTcp};
  model::PortSet ports;         // destination ports at the target (full for portless protocols)
  model::PortSet source_ports;  // almost always full
  /// Shared by every exposure of one evaluation result that admits the same sources (solver/shared_value.h).
  SharedValue<IpSet> sources;
  bool any_source{false};  // sources == the whole internet of the entry's family
  bool jit{false};         // a rule on the path was written by just-in-time access
  /// Shared by the exposures whose paths are equal (the pieces of one target with the same deciding rules).
  SharedValue<std::vector<Hop>> path;
  /// Set for flows that enter but cannot work (Analysis::broken): why (cli/broken_text.h writes it as one line).
  std::shared_ptr<const Broken> broken;
};

struct Analysis {
  std::vector<Exposure> exposures;  // sorted: target, entry, protocol, path, ports, sources
  /// Flows that enter the estate and pass every filter but cannot complete: the reply does not return the
  /// way the request came (asymmetric routing through a firewall or appliance). Not exposures; reported
  /// so that a user sees why a path they expect is dead.
  std::vector<Exposure> broken;
  model::Diagnostics findings;  // warnings about the estate found while solving
  IpSet internet;               // the internet as docs/model.md defines it for this estate (both families)
  std::size_t targets_evaluated{0};
  std::size_t distinct_evaluations{0};     // after memoisation
  std::size_t paas_services_evaluated{0};  // PaaS services whose public endpoint was evaluated (solver/paas.h)
};

}  // namespace exposim::solver
