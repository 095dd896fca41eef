// Attack paths: the internet's exposure chained with east-west reachability (solver/attack_path.h).
#include "solver/attack_path.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "solver/analysis.h"
#include "solver/paas_hop.h"

namespace exposim::solver {

using RK = model::ResourceKind;

const char* to_string(AttackRank r) {
  switch (r) {
    case AttackRank::kKeyVault: return "key-vault";
    case AttackRank::kDatabase: return "database";
    case AttackRank::kStorage: return "storage";
    case AttackRank::kCritical: return "critical";
    case AttackRank::kPrivateEndpoint: return "private-endpoint";
    case AttackRank::kVm: return "vm";
  }
  return "vm";
}

namespace {

/// A step's target: (kind, index, ip configuration); -1 for a private endpoint's ip configuration and a PaaS service's
/// public endpoint, 0 for an App Service's SCM site (a second public endpoint: a step, hence a path, of its own, after
/// the main site's).
using AttackTargetKey = std::tuple<int, int, int>;

AttackTargetKey attack_target_key(const ReachFlow& f) {
  if (f.target_kind == RK::kPaasService && scm_path(f.path)) return {static_cast<int>(f.target_kind), f.target, 0};
  return {static_cast<int>(f.target_kind), f.target, f.target_kind == RK::kNetworkInterface ? f.ip_configuration : -1};
}

AttackRank attack_service_rank(model::PaasKind k) {
  switch (k) {
    case model::PaasKind::kKeyVault: return AttackRank::kKeyVault;
    case model::PaasKind::kSqlServer:
    case model::PaasKind::kSqlManagedInstance:
    case model::PaasKind::kCosmosDb: return AttackRank::kDatabase;
    case model::PaasKind::kStorage: return AttackRank::kStorage;
    case model::PaasKind::kAppService: return AttackRank::kPrivateEndpoint;
  }
  return AttackRank::kPrivateEndpoint;
}

bool attack_is_critical(const AttackPathOptions& options, int nic, int ip_configuration) {
  return options.critical && options.critical(model::IpConfigIndex{nic, ip_configuration});
}

/// Every flow of `r` (one source) grouped by target, in target order.
std::map<AttackTargetKey, AttackStep> attack_steps_by_target(const Reach& r) {
  std::map<AttackTargetKey, AttackStep> out;
  for (const auto& f : r.flows) out[attack_target_key(f)].flows.push_back(f);
  return out;
}

}  // namespace

AttackRank attack_rank(const model::Model& m, RK kind, int index, int ip_configuration,
                       const AttackPathOptions& options) {
  if (kind == RK::kPaasService) return attack_service_rank(m.paas_services[static_cast<std::size_t>(index)].kind);
  if (kind == RK::kPrivateEndpoint) {
    AttackRank best = AttackRank::kPrivateEndpoint;
    for (const auto& c : m.private_endpoints[static_cast<std::size_t>(index)].connections) {
      // Only an approved connection carries traffic to the service.
      if (c.status != model::ConnectionStatus::kApproved || !c.target.resolved()) continue;
      const auto& s = m.paas_services[static_cast<std::size_t>(c.target.index)];
      best = std::min(best, attack_service_rank(s.kind));
    }
    return best;
  }
  return attack_is_critical(options, index, ip_configuration) ? AttackRank::kCritical : AttackRank::kVm;
}

AttackPaths attack_paths(const model::Model& m, const Analysis& a, const AttackPathOptions& options) {
  AttackPaths out;
  // The entries: every exposed ip configuration, with the exposures reaching it. A Bastion session is authenticated
  // access (docs/model.md, "Attack paths"), not an entry.
  std::map<model::IpConfigIndex, std::vector<int>> entries;
  for (std::size_t k = 0; k < a.exposures.size(); ++k) {
    const auto& e = a.exposures[k];
    if (e.target_kind != RK::kNetworkInterface || e.via == Via::kBastion || e.broken) continue;
    entries[model::IpConfigIndex{e.nic, e.ip_configuration}].push_back(static_cast<int>(k));
  }
  if (entries.empty()) return out;

  const auto report = [&](std::size_t done, std::size_t total) {
    if (options.progress) options.progress("attack paths", done, total);
  };
  const auto run = [&](const model::IpConfigIndex& from, const ReachOptions& ro) {
    ReachSource s;
    s.kind = ReachSource::Kind::kIpConfiguration;
    s.ip_configuration = from;
    Reach r = reach(m, s, ro);
    out.findings.append(r.findings);
    ++out.sources;
    return r;
  };

  // First steps: reach() from every entry, to every target.
  ReachOptions full;
  full.jobs = options.jobs;
  full.paas = true;  // PaaS public endpoints reached from the entry (Defender's "can reach a storage account")
  std::map<model::IpConfigIndex, std::map<AttackTargetKey, AttackStep>> first;
  for (const auto& [entry, exposures] : entries) {
    first.emplace(entry, attack_steps_by_target(run(entry, full)));
    report(out.sources, entries.size());
  }

  // Second steps only toward private endpoints and critical ip configurations: none when the estate has neither.
  bool any_critical = false;
  if (options.critical) {
    for (std::size_t n = 0; n < m.nics.size() && !any_critical; ++n) {
      for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
        if (attack_is_critical(options, static_cast<int>(n), static_cast<int>(c))) {
          any_critical = true;
          break;
        }
      }
    }
  }
  const bool second_steps = any_critical || !m.private_endpoints.empty() || !m.paas_services.empty();
  ReachOptions valuable = full;
  valuable.targets = [&](RK kind, int index) {
    if (kind == RK::kPrivateEndpoint || kind == RK::kPaasService) return true;
    const auto& nic = m.nics[static_cast<std::size_t>(index)];
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      if (attack_is_critical(options, index, static_cast<int>(c))) return true;
    }
    return false;
  };
  std::map<model::IpConfigIndex, std::map<AttackTargetKey, AttackStep>> second;  // intermediates not entries
  std::size_t second_runs = 0;
  // The steps from intermediate `from`, or nothing when the bound cuts it.
  const auto steps_from = [&](const model::IpConfigIndex& from) -> const std::map<AttackTargetKey, AttackStep>* {
    if (auto it = first.find(from); it != first.end()) return &it->second;
    if (auto it = second.find(from); it != second.end()) return &it->second;
    if (options.max_second_step_sources > 0 && second_runs >= options.max_second_step_sources) {
      out.truncated = true;
      return nullptr;
    }
    ++second_runs;
    auto [it, inserted] = second.emplace(from, attack_steps_by_target(run(from, valuable)));
    report(out.sources, out.sources);
    return &it->second;
  };

  for (const auto& [entry, exposures] : entries) {
    const auto& direct = first.at(entry);
    const int entry_vm = m.nics[static_cast<std::size_t>(entry.nic)].virtual_machine.index;
    for (const auto& [key, step] : direct) {
      const auto& f = step.flows.front();
      AttackPath p;
      p.rank = attack_rank(m, f.target_kind, f.target, f.ip_configuration, options);
      p.entry = entry;
      p.entry_vm = entry_vm;
      p.exposures = exposures;
      p.steps.push_back(step);
      out.paths.push_back(std::move(p));
    }
    if (!second_steps) continue;
    for (const auto& [key, step] : direct) {
      const auto& f = step.flows.front();
      if (f.target_kind != RK::kNetworkInterface) continue;  // a private endpoint is no host to move on from
      const auto* onward = steps_from(model::IpConfigIndex{f.nic, f.ip_configuration});
      if (onward == nullptr) continue;
      for (const auto& [key2, step2] : *onward) {
        const auto& g = step2.flows.front();
        if (direct.contains(key2)) continue;                                         // reached in one step
        if (g.target_kind == RK::kNetworkInterface && g.nic == entry.nic) continue;  // back to the entry
        const AttackRank rank = attack_rank(m, g.target_kind, g.target, g.ip_configuration, options);
        if (rank == AttackRank::kVm) continue;  // second steps only to what matters
        AttackPath p;
        p.rank = rank;
        p.entry = entry;
        p.entry_vm = entry_vm;
        p.exposures = exposures;
        p.steps.push_back(step);
        p.steps.push_back(step2);
        out.paths.push_back(std::move(p));
      }
    }
  }

  const auto order = [](const AttackPath& p) {
    std::vector<AttackTargetKey> keys;
    for (const auto& s : p.steps) keys.push_back(attack_target_key(s.flows.front()));
    return std::make_tuple(p.rank, p.steps.size(), p.entry, std::move(keys));
  };
  std::stable_sort(out.paths.begin(), out.paths.end(),
                   [&](const AttackPath& x, const AttackPath& y) { return order(x) < order(y); });
  return out;
}

}  // namespace exposim::solver
