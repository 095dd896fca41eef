// Attack paths (docs/model.md, "Attack paths"): the internet's exposure (analyze(), solver/exposure.h) chained with
// east-west reachability (reach(), solver/east_west.h). From every ip configuration the internet reaches (any via
// but a Bastion session, which is authenticated access), what it reaches east-west in one step, and what those
// reach in a second step when that is a private endpoint or a critical VM, ranked by what is reached. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/east_west.h"

namespace exposim::solver {

struct Analysis;  // solver/analysis.h

/// What an attack path reaches, most valuable first (the order of AttackPath's ranking).
enum class AttackRank : std::uint8_t {
  kKeyVault,         // a Key Vault: a private endpoint of it, or its public endpoint (ReachOptions::paas)
  kDatabase,         // a SQL server, SQL managed instance or Cosmos DB account, likewise
  kStorage,          // a storage account, likewise
  kCritical,         // an ip configuration the caller's predicate selects (AttackPathOptions::critical)
  kPrivateEndpoint,  // any other private endpoint (an App Service's, a service not in the input), an App Service's
                     // public endpoint
  kVm,               // any other ip configuration (a VM's, or a NIC's without a VM)
};
/// "key-vault", "database", "storage", "critical", "private-endpoint", "vm".
const char* to_string(AttackRank r);

/// One east-west step of an attack path: every flow (protocol, path) from the previous ip configuration to one
/// target, in reach()'s order. Never empty; every flow has the same source and target.
struct AttackStep {
  std::vector<ReachFlow> flows;
};

/// One chain from the internet to a target: the exposed ip configuration `entry`, the exposures that reach it
/// (indices into Analysis::exposures), then one or two east-west steps.
struct AttackPath {
  AttackRank rank{AttackRank::kVm};
  model::IpConfigIndex entry;
  int entry_vm{-1};
  std::vector<int> exposures;     // ascending
  std::vector<AttackStep> steps;  // 1 or 2; the last step's flows end at the path's target
};

struct AttackPathOptions {
  /// Whether an ip configuration is critical (kCritical); empty: none is.
  std::function<bool(model::IpConfigIndex)> critical;
  /// Ip configurations reach() may start from for a second step, over the whole estate (every exposed ip configuration
  /// is always a source of its first step). Past it, the second steps of the remaining intermediates are not
  /// searched and AttackPaths::truncated is set. 0: no limit.
  std::size_t max_second_step_sources{1000};
  /// As ReachOptions::jobs.
  int jobs{1};
  /// As ReachOptions::progress: stage "attack paths", sources done of the sources known so far.
  std::function<void(std::string_view stage, std::size_t done, std::size_t total)> progress;
};

struct AttackPaths {
  /// Sorted: rank, then steps (fewer first), then entry, then each step's target (kind, index, ip configuration).
  std::vector<AttackPath> paths;
  model::Diagnostics findings;  // reach()'s findings, each once
  std::size_t sources{0};       // reach() runs: the exposed ip configurations, then the intermediates
  bool truncated{false};        // max_second_step_sources cut the second steps
};

/// The attack paths of a validated model and its analysis `a` (analyze()'s exposures; broken flows are not entries).
/// A first step goes to every ip configuration, private endpoint and PaaS public endpoint the entry reaches; a second
/// step (entry -> A -> B, A an ip configuration of the first steps) only to a private endpoint, a PaaS public endpoint
/// or a critical ip configuration B that the entry does not reach in one step, and that is not the entry itself.
/// reach() runs once per ip configuration (the exposed ones, then each intermediate once, its targets restricted to
/// private endpoints, PaaS public endpoints and critical NICs).
AttackPaths attack_paths(const model::Model& m, const Analysis& a, const AttackPathOptions& options = {});

/// The rank of reaching target `kind`/`index` (kNetworkInterface: the NIC, with ip configuration `ip_configuration`;
/// kPrivateEndpoint: the endpoint, the best rank of the services it connects to; kPaasService: the service's public
/// endpoint, its kind's rank).
AttackRank attack_rank(const model::Model& m, model::ResourceKind kind, int index, int ip_configuration,
                       const AttackPathOptions& options);

}  // namespace exposim::solver
