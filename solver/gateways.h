// Azure Bastion and application gateways (§6, §9): their own public entry points, and the flows they forward
// from inside the estate to ip configurations, which the analysis then evaluates at the targets' NSGs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/address_space.h"
#include "solver/exposure.h"

namespace exposim::solver {

/// What the flows through one entry point share (one per Bastion or listener route and admitting rule): the
/// target's NSGs see `inner_sources` (the entry point's subnet) on `ports`; the exposure is reported with the
/// internet `sources` that the entry point admits, and `front` (internet -> ... -> the Bastion or gateway hop)
/// heads its path.
struct ForwardedEntry {
  Via via{Via::kBastion};
  int gateway{-1};       // the Bastion host or application gateway
  int gateway_rule{-1};  // application gateways: the listener
  int public_ip{-1};
  IpSet inner_sources;
  std::string inner_key;  // `inner_sources` as text, for memoisation
  IpSet sources;
  bool any_source{false};
  model::PortSet ports;        // TCP ports at the target
  model::PortSet entry_ports;  // TCP ports the client connects to
  std::vector<Hop> front;
};

/// A flow that a Bastion host or an application gateway forwards to one ip configuration.
struct ForwardedFlow {
  model::IpConfigIndex target;
  std::shared_ptr<const ForwardedEntry> entry;  // shared: a Bastion reaches every NIC of its VNets
  /// Set when the flow passes the entry point but cannot work (the request or the target's reply takes a route
  /// that the other direction does not, or the VNets are not connected): why, in one line (Analysis::broken),
  /// and that route (scope "forward" or "return").
  std::string broken;
  std::optional<Hop> reply;
};

struct GatewayFlows {
  std::vector<Exposure> own;  // the entry points themselves: Bastion 443, application gateway listeners
  std::vector<ForwardedFlow> forwarded;
};

/// Every Bastion and application gateway entry of a validated model. Backends that cannot be matched to an ip
/// configuration (host names, unknown addresses) are reported in `findings` (`unresolved-backend`).
GatewayFlows gateway_flows(const model::Model& m, const AddressSpace& space, model::Diagnostics& findings);

/// The ports a Bastion session reaches on a target: 22 and 3389 (Developer, Basic), every TCP port (Standard
/// and Premium: custom inbound ports, native client, IP-based connection).
model::PortSet bastion_ports(const model::BastionHost& b);

}  // namespace exposim::solver
