// What `exposim reach --from SOURCE --to TARGET` names (docs/model.md, "East-west reachability"): the text of
// --from resolved to the sources reach() starts from (solver/east_west.h), the text of --to to the targets it keeps,
// or an error with the candidates, as explain's QueryError does for its target. No I/O: cli/reach_query_text.h
// writes the messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "solver/east_west.h"

namespace exposim::solver {

/// One thing a --from or --to text could mean, or the place an address lies in: by index. kNetworkInterface: ip
/// configuration `child` of NIC `index` (`child` -1: the NIC as a whole); kVirtualMachine, kSubnet,
/// kVirtualNetwork, kPrivateEndpoint: the resource `index`.
struct ReachCandidate {
  model::ResourceKind kind{model::ResourceKind::kNetworkInterface};
  int index{-1};
  int child{-1};
  friend auto operator<=>(const ReachCandidate&, const ReachCandidate&) = default;
};

/// Which option a reach query error is about.
enum class ReachOption : std::uint8_t { kFrom, kTo, kGateway };

/// Why a --from, --to or --gateway text names no source or target. The comments name the fields the code uses.
enum class ReachErrorCode : std::uint8_t {
  kEmpty,             // nothing to look up (an empty text, `subnet:` or `vnet:` without a name)
  kUnknown,           // names nothing the option accepts; `suggestions`: the nearest names of those kinds, and
                      // `candidates` the subnets and VNets of exactly that name when the text has no `subnet:` or
                      // `vnet:` in front (the form that names them)
  kAmbiguous,         // names several resources (`candidates`: each of them)
  kAmbiguousAddress,  // the private address is held by several ip configurations or private endpoints (`candidates`)
  kUnheldAddress,     // the address lies in subnet `subnet` (`candidates`: it), and no ip configuration holds it
  kAddressOutsideSubnets,  // the address lies in VNet `vnet`'s address space, in none of its subnets
  kPrefixInVnet,           // the prefix overlaps VNet `vnet`'s address space: not on-premises (`candidates`: the
                           // subnets it overlaps)
  kNoGatewaySubnet,        // an on-premises prefix, and no VNet has a GatewaySubnet to arrive through
  kSeveralGatewaySubnets,  // several VNets have one (`candidates`: those VNets); --gateway chooses
  kGatewayWithoutSubnet,   // --gateway names VNet `vnet`, which has no GatewaySubnet
  kGatewayNotApplicable,   // --gateway with a source that is not an on-premises prefix
};

struct ReachQueryError {
  ReachOption option{ReachOption::kFrom};
  ReachErrorCode code{ReachErrorCode::kUnknown};
  std::string text;  // the option's text, as the user gave it
  int subnet{-1};
  int vnet{-1};
  std::vector<ReachCandidate> candidates;  // sorted by kind, then index
  std::vector<std::string> suggestions;    // kUnknown: at most three names near the text, nearest first
};

/// The sources --from names, in the order reach() is run and its flows are listed (several for a VM or NIC with
/// several ip configurations: every one of them, in NIC then ip configuration order), or the error.
struct ResolvedReachSource {
  std::vector<ReachSource> sources;
  std::optional<ReachQueryError> error;
};

/// Resolves the text of --from (names and ids without regard to case):
/// - a private IP address: the ip configuration that holds it (an address of a subnet that no ip configuration
///   holds is an error kUnheldAddress: `subnet:NAME` reaches from the whole subnet); an address outside every VNet's
///   address space is the on-premises prefix of that one address, as below;
/// - the name or id of a NIC or VM, or an ip configuration's id: every ip configuration of the NIC (of the VM's NICs);
/// - `subnet:NAME`, `subnet:VNET/NAME` (when several VNets have a subnet NAME) or a subnet's id: the subnet;
/// - `vnet:NAME` or a VNet's id: the VNet;
/// - an address prefix (CIDR) outside every VNet's address space: on-premises addresses arriving through the
///   GatewaySubnet of the only VNet that has one, or of VNet `gateway` (a name or id; empty: that only one).
ResolvedReachSource resolve_reach_source(const model::Model& m, std::string_view text, std::string_view gateway = {});

/// The targets --to names: ip configurations and private endpoints.
struct ReachTargets {
  std::vector<model::IpConfigIndex> ip_configurations;  // sorted, unique
  std::vector<int> private_endpoints;                   // sorted, unique
  std::vector<int> paas_services;                       // public endpoints (ReachOptions::paas); sorted, unique
  /// Of `paas_services`, those named by the host name of one of their sites, whose flows to the other site are left
  /// out: an App Service's main site by its host name (`paas_main_only`), its SCM (Kudu) site by the SCM host name
  /// (`paas_scm_only`). A service named by its name or id keeps both sites' flows. Sorted, unique.
  std::vector<int> paas_main_only;
  std::vector<int> paas_scm_only;
  /// Whether reach() should evaluate target `index` of `kind` (ReachOptions::targets: kNetworkInterface with a
  /// NIC's index, kPrivateEndpoint, kPaasService).
  bool admits(model::ResourceKind kind, int index) const;
  /// Whether a flow of reach() ends at one of the targets (its ip configuration, its private endpoint, or the site of
  /// a PaaS service named).
  bool contains(const ReachFlow& f) const;
};

struct ResolvedReachTargets {
  ReachTargets targets;
  std::optional<ReachQueryError> error;
};

/// Resolves the text of --to: the name or id of a NIC, VM or private endpoint, an ip configuration's id (every ip
/// configuration of the NIC, of the VM's NICs; a private endpoint), a private IP address (the ip configuration or
/// private endpoint holding it), `subnet:NAME`/`subnet:VNET/NAME` or a subnet's id (every ip configuration and
/// private endpoint in it), `vnet:NAME` or a VNet's id (those of its subnets); and the name, id or host name of a PaaS
/// service (its public endpoint; with a NIC, VM or private endpoint of the same name, both), or an App Service's SCM
/// host name (its SCM site only).
ResolvedReachTargets resolve_reach_targets(const model::Model& m, std::string_view text);

}  // namespace exposim::solver
