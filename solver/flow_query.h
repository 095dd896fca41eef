// The question explain answers (one packet, from a source to a target) and check's flow assertions ask: apart from
// solver/explain.h so that what only states a flow (check's spec, its parser) does not rebuild with the trace types.
#pragma once

#include <cstdint>
#include <string>

#include "model/ip.h"
#include "model/nsg.h"

namespace exposim::solver {

/// The packet to explain. `target` is a public IP address, a public IP name or id (an instance public IP, a load
/// balancer frontend's, a firewall's, an application gateway's or a Bastion host's; also a secured virtual hub
/// firewall's public address, which is not a resource), a private IP address (of a
/// NIC or a private endpoint), the name or id of a NIC, VM, firewall, application gateway, Bastion host, private
/// endpoint or PaaS service, or a PaaS service's host name (names and ids case-insensitive).
struct FlowQuery {
  /// The client's address. A private address inside the estate's VNets makes the flow east-west (docs/model.md,
  /// "Explaining one flow"): it leaves from the ip configuration holding it (or, when none does, from the subnet
  /// whose prefix holds it) through that source's outbound NSGs and routes to the target.
  model::IpAddress source;
  /// A source inside the estate by name: a NIC or VM name or id, or an ip configuration id (case-insensitive),
  /// resolved to its ip configuration's private address (which then replaces `source`). Empty: `source` is the
  /// client.
  std::string source_name;
  std::string target;
  model::Protocol protocol{model::Protocol::kTcp};
  std::uint16_t source_port{49152};
  std::uint16_t destination_port{0};  // ignored for ICMP, ESP and AH
  /// Only for a load balancer frontend: the backend of a load-balancing rule to trace (NIC or VM name or id,
  /// or private IP). Empty: the first member of the rule's pool in the documented order.
  std::string backend;
  /// Through a Bastion session: the client connects to a Bastion host's public IP on 443, and the Bastion opens
  /// the session to `target` (a NIC or VM name or id, or a private IP) on `destination_port`.
  bool via_bastion{false};
  std::string bastion;  // with via_bastion: the Bastion host's name or id; empty: the one that reaches the target
  /// Through a network virtual appliance (docs/model.md#network-virtual-appliances): the client connects to the
  /// appliance's public IP, and the appliance is assumed to forward the packet to `target` (a NIC or VM name or id,
  /// an ip configuration id, or a private IP) on `destination_port`, keeping the client's address.
  bool via_appliance{false};
  std::string appliance;  // with via_appliance: the appliance's NIC or VM (name or id); empty: the only one in front
};

}  // namespace exposim::solver
