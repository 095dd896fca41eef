// Incremental re-analysis (solver/incremental.h).
#include "solver/incremental.h"

#include <algorithm>
#include <set>
#include <string>

namespace exposim::solver {

bool AnalysisScope::covers(const Exposure& e) const {
  if (e.nic >= 0) return nic(e.nic);
  switch (e.target_kind) {
    case model::ResourceKind::kFirewall: return firewall(e.target);
    case model::ResourceKind::kPaasService: return paas_service(e.target);
    case model::ResourceKind::kBastionHost:
    case model::ResourceKind::kApplicationGateway: return gateways;
    default: return false;
  }
}

namespace {

/// Scope building over the two models of a change.
class ScopeBuilder {
 public:
  ScopeBuilder(const model::Model& before, const model::Model& after) : b_(before), a_(after) {
    scope_.nics.assign(after.nics.size(), 0);
    scope_.firewalls.assign(after.firewalls.size(), 0);
    scope_.paas.assign(after.paas_services.size(), 0);
  }

  bool add(const model::Changed& c) {
    using K = model::ResourceKind;
    switch (c.kind) {
      case K::kNetworkSecurityGroup:
        return each_model([&](const model::Model& m) {
          const int i = index_of(m, c.key);
          if (i < 0) return true;
          std::vector<char> subnets(m.subnets.size(), 0);
          for (std::size_t s = 0; s < m.subnets.size(); ++s) subnets[s] = m.subnets[s].nsg.index == i ? 1 : 0;
          // NICs with the NSG on their own: NIC -> NSG edges.
          return nics_of(m, subnets, [&](const model::Model& mm) {
            auto v = mm.by_key.find(mm.nsgs[i].key);
            if (v == mm.by_key.end()) return true;
            for (auto [e, end] = boost::in_edges(v->second, mm.graph); e != end; ++e) {
              const auto& from = mm.graph[boost::source(*e, mm.graph)];
              if (from.kind == model::ResourceKind::kNetworkInterface && !nic(mm, from.index)) return false;
            }
            return true;
          });
        });
      case K::kSubnet:
        return each_model([&](const model::Model& m) {
          const int i = index_of(m, c.key);
          if (i < 0) return true;
          std::vector<char> subnets(m.subnets.size(), 0);
          subnets[i] = 1;
          return nics_of(m, subnets, [](const model::Model&) { return true; });
        });
      case K::kNetworkInterface:
        return each_model([&](const model::Model& m) { return nic(m, index_of(m, c.key)); });
      case K::kPublicIp:
        // The NICs using it are changed resources too; anything else using it is not covered.
        return each_model([&](const model::Model& m) { return !used_beyond_nics(m, c.key); });
      case K::kRouteTable:
        scope_.routes = true;
        return each_model([&](const model::Model& m) {
          const int i = index_of(m, c.key);
          if (i < 0) return true;
          std::vector<char> subnets(m.subnets.size(), 0);
          for (std::size_t s = 0; s < m.subnets.size(); ++s) subnets[s] = m.subnets[s].route_table.index == i ? 1 : 0;
          return nics_of(m, subnets, [](const model::Model&) { return true; });
        });
      case K::kFirewallPolicy:
      case K::kFirewall:
        return each_model([&](const model::Model& m) {
          for (std::size_t f = 0; f < m.firewalls.size(); ++f) {
            if (uses(m, m.firewalls[f], c) && !firewall(m, static_cast<int>(f))) return false;
          }
          return true;
        });
      case K::kPaasService: {
        const int i = index_of(a_, c.key);
        if (i >= 0) scope_.paas[i] = 1;
        return true;
      }
      default: return false;
    }
  }

  AnalysisScope take() { return std::move(scope_); }

 private:
  template <typename F>
  bool each_model(F f) {
    return f(b_) && f(a_);
  }

  /// A NIC: covered unless it may be a network virtual appliance (its exposures decide what it forwards).
  bool nic(const model::Model& m, int n) {
    if (n < 0) return true;
    const auto& x = m.nics[n];
    if (x.enable_ip_forwarding) {
      for (const auto& c : x.ip_configurations) {
        if (c.public_ip.set()) return false;
      }
    }
    if (static_cast<std::size_t>(n) < scope_.nics.size()) scope_.nics[n] = 1;
    return true;
  }

  static int index_of(const model::Model& m, const std::string& key) {
    auto v = m.find(key);
    return v ? v->index : -1;
  }

  /// The NICs with an ip configuration in a flagged subnet, or for which `also` holds; not covered when a
  /// flagged subnet holds a firewall, Bastion host or application gateway. The subnets' NICs are found through
  /// the graph (NIC -> subnet edges), not by a pass over every NIC.
  template <typename Also>
  bool nics_of(const model::Model& m, const std::vector<char>& subnets, Also also) {
    auto flagged = [&](const model::Ref& r) { return r.index >= 0 && subnets[r.index] != 0; };
    for (const auto& fw : m.firewalls) {
      for (const auto& c : fw.ip_configurations) {
        if (flagged(c.subnet)) return false;
      }
    }
    for (const auto& b : m.bastion_hosts) {
      for (const auto& c : b.ip_configurations) {
        if (flagged(c.subnet)) return false;
      }
    }
    for (const auto& g : m.application_gateways) {
      for (const auto& c : g.gateway_ip_configurations) {
        if (flagged(c.subnet)) return false;
      }
    }
    for (std::size_t s = 0; s < subnets.size(); ++s) {
      if (subnets[s] == 0) continue;
      auto v = m.by_key.find(m.subnets[s].key);
      if (v == m.by_key.end()) continue;
      for (auto [e, end] = boost::in_edges(v->second, m.graph); e != end; ++e) {
        const auto& from = m.graph[boost::source(*e, m.graph)];
        if (m.graph[*e].kind == model::EdgeKind::kAttachedTo && from.kind == model::ResourceKind::kNetworkInterface &&
            !nic(m, from.index)) {
          return false;
        }
      }
    }
    return also(m);
  }

  static bool used_beyond_nics(const model::Model& m, const std::string& key) {
    for (const auto& lb : m.load_balancers) {
      for (const auto& fe : lb.frontends) {
        if (fe.public_ip.id == key) return true;
      }
    }
    for (const auto& fw : m.firewalls) {
      for (const auto& c : fw.ip_configurations) {
        if (c.public_ip.id == key) return true;
      }
    }
    for (const auto& b : m.bastion_hosts) {
      for (const auto& c : b.ip_configurations) {
        if (c.public_ip.id == key) return true;
      }
    }
    for (const auto& g : m.application_gateways) {
      for (const auto& fe : g.frontends) {
        if (fe.public_ip.id == key) return true;
      }
    }
    return false;
  }

  /// Whether firewall `fw` takes its rules from the changed firewall or policy (directly or as a base policy).
  static bool uses(const model::Model& m, const model::Firewall& fw, const model::Changed& c) {
    if (c.kind == model::ResourceKind::kFirewall) return fw.key == c.key;
    std::set<int> seen;
    int p = fw.policy.index;
    while (p >= 0 && seen.insert(p).second) {
      if (m.firewall_policies[p].key == c.key) return true;
      p = m.firewall_policies[p].base_policy.index;
    }
    return false;
  }

  /// A firewall: its own DNAT entries and the NICs its DNAT rules translate to.
  bool firewall(const model::Model& m, int f) {
    const auto& fw = m.firewalls[f];
    if (auto v = a_.find(fw.key)) scope_.firewalls[v->index] = 1;
    if (fw.policy.set() && !fw.policy.resolved()) return true;
    std::set<model::U128> targets;
    for (const auto& at : fw.order) {
      const auto* rule = rule_of(m, fw, at);
      if (rule != nullptr && rule->kind == model::FirewallRuleKind::kNat && rule->translated_address) {
        targets.insert(rule->translated_address->value);
      }
    }
    if (targets.empty()) return true;
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      for (const auto& c : m.nics[n].ip_configurations) {
        if (c.private_ip && targets.count(c.private_ip->value) != 0 && !nic(m, static_cast<int>(n))) return false;
      }
    }
    return true;
  }

  static const model::FirewallRule* rule_of(const model::Model& m, const model::Firewall& fw,
                                            const model::FirewallRulePosition& at) {
    if (at.policy < 0) return &fw.classic[at.collection].rules[at.rule];
    return &m.firewall_policies[at.policy].groups[at.group].collections[at.collection].rules[at.rule];
  }

  const model::Model& b_;
  const model::Model& a_;
  AnalysisScope scope_;
};

/// Replaces the covered items of `old` (sorted) by `fresh` (sorted, all covered), keeping the order.
void splice(const model::Model& m, const AnalysisScope& scope, std::vector<Exposure>& old, std::vector<Exposure> fresh) {
  std::vector<std::size_t> at;  // where each fresh item goes: before old[at[i]]
  at.reserve(fresh.size());
  for (const auto& e : fresh) {
    auto it = std::lower_bound(old.begin(), old.end(), e,
                               [&](const Exposure& x, const Exposure& y) { return exposure_before(m, x, y); });
    at.push_back(static_cast<std::size_t>(it - old.begin()));
  }
  // Positions are non-decreasing (fresh is sorted); a target's exposures are contiguous, so fresh items land
  // where the target's old items were.
  std::vector<Exposure> out;
  out.reserve(old.size() + fresh.size());
  std::size_t k = 0;
  for (std::size_t j = 0; j <= old.size(); ++j) {
    while (k < fresh.size() && at[k] == j) out.push_back(std::move(fresh[k++]));
    if (j < old.size() && !scope.covers(old[j])) out.push_back(std::move(old[j]));
  }
  old = std::move(out);
}

std::size_t covered_targets(const Analysis& scoped) { return scoped.targets_evaluated; }

}  // namespace

std::optional<AnalysisScope> scope_of_change(const model::Model& before, const model::Model& after,
                                             const std::vector<model::Changed>& changed) {
  ScopeBuilder b(before, after);
  for (const auto& c : changed) {
    if (!b.add(c)) return std::nullopt;
  }
  return b.take();
}

IncrementalAnalysis::IncrementalAnalysis(const model::Model& m) : analysis_(analyze(m)) {
  space_.emplace(m, space_findings_);
}

bool IncrementalAnalysis::update(const model::Model& before, const model::Model& after,
                                 const std::vector<model::Changed>& changed) {
  auto scope = scope_of_change(before, after, changed);
  if (!scope) {
    analysis_ = analyze(after);
    space_.reset();
    space_findings_ = model::Diagnostics{};
    space_.emplace(after, space_findings_);
    return false;
  }
  update(before, after, *scope);
  return true;
}

void IncrementalAnalysis::update(const model::Model& before, const model::Model& after, const AnalysisScope& scope) {
  // The ip configurations of the scope that had an entry before, and that have one after.
  const Analysis old_part = analyze_scope(before, *space_, scope, analysis_, true);
  if (scope.routes) {
    space_.reset();
    space_findings_ = model::Diagnostics{};
    space_.emplace(after, space_findings_);
  }
  Analysis fresh = analyze_scope(after, *space_, scope, analysis_);
  splice(after, scope, analysis_.exposures, std::move(fresh.exposures));
  splice(after, scope, analysis_.broken, std::move(fresh.broken));
  analysis_.targets_evaluated = analysis_.targets_evaluated - covered_targets(old_part) + covered_targets(fresh);
  analysis_.distinct_evaluations += fresh.distinct_evaluations;
  analysis_.internet = space_->internet();
}

}  // namespace exposim::solver
