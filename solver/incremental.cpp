// Incremental re-analysis (solver/incremental.h).
#include "solver/incremental.h"
#include "solver/application_gateway.h"
#include "solver/bastion.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <set>
#include <string>
#include <tuple>

#include "model/topology.h"
#include "solver/forwarding.h"
#include "solver/load_balancer.h"

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
          managed_instances(m, subnets);
          // NICs with the NSG on their own: NIC -> NSG edges.
          return nics_of(m, subnets, [&](const model::Model& mm) {
            auto v = mm.by_key.find(mm.nsgs[i].key);
            if (v == mm.by_key.end()) return true;
            const auto& graph = mm.topology().graph;
            for (auto [e, end] = boost::in_edges(v->second, graph); e != end; ++e) {
              const auto& from = graph[boost::source(*e, graph)];
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
          managed_instances(m, subnets);
          return nics_of(m, subnets, [](const model::Model&) { return true; });
        });
      case K::kNetworkInterface: return each_model([&](const model::Model& m) { return nic(m, index_of(m, c.key)); });
      case K::kPublicIp:
        // The NICs using it are changed resources too; a load balancer frontend, firewall, Bastion host or
        // application gateway using it brings in what it reaches (public_ip_users).
        return each_model([&](const model::Model& m) { return public_ip_users(m, c.key); });
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
          bool used = false;
          for (std::size_t f = 0; f < m.firewalls.size(); ++f) {
            if (!uses(m, m.firewalls[f], c)) continue;
            used = true;
            if (!firewall(m, static_cast<int>(f))) return false;
          }
          // An application gateway whose flows cross the firewall both ways meets its network and application
          // rules (solver/forwarding.cpp): its backends are re-solved. (Bastion subnets take no routes: never.)
          return !used || gateway_backends(m);
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
  /// Brings in the SQL managed instances of `m` in the marked subnets: their public data endpoint passes the
  /// subnet's NSG.
  void managed_instances(const model::Model& m, const std::vector<char>& subnets) {
    for (const auto& s : m.paas_services) {
      if (s.kind != model::PaasKind::kSqlManagedInstance || !s.subnet.resolved() || subnets[s.subnet.index] == 0) {
        continue;
      }
      if (const int i = index_of(a_, s.key); i >= 0) scope_.paas[i] = 1;
    }
  }

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

  /// The NICs with an ip configuration in a flagged subnet, or for which `also` holds, and what an entry point in
  /// a flagged subnet reaches: a firewall's DNAT (its subnet's prefix is the SNAT source its targets' NSGs see,
  /// its routes carry the translated packets: dnat_forward_blocks), a Bastion host's sessions (its subnet's NSG
  /// admits the clients, its prefix is the source the targets see), an application gateway's listeners and
  /// backends (its subnet's NSG, prefix and routes). The subnets' NICs are found through the graph (NIC -> subnet
  /// edges), not by a pass over every NIC.
  template <typename Also>
  bool nics_of(const model::Model& m, const std::vector<char>& subnets, Also also) {
    auto flagged = [&](const model::Ref& r) { return r.index >= 0 && subnets[r.index] != 0; };
    for (std::size_t f = 0; f < m.firewalls.size(); ++f) {
      const auto& cs = m.firewalls[f].ip_configurations;
      if (std::any_of(cs.begin(), cs.end(), [&](const auto& c) { return flagged(c.subnet); }) &&
          !firewall_reach(m, static_cast<int>(f))) {
        return false;
      }
    }
    for (const auto& b : m.bastion_hosts) {
      const auto& cs = b.ip_configurations;
      if (std::any_of(cs.begin(), cs.end(), [&](const auto& c) { return flagged(c.subnet); }) && !bastion(m, b)) {
        return false;
      }
    }
    for (const auto& g : m.application_gateways) {
      const auto& cs = g.gateway_ip_configurations;
      if (std::any_of(cs.begin(), cs.end(), [&](const auto& c) { return flagged(c.subnet); }) &&
          !application_gateways(m)) {
        return false;
      }
    }
    for (std::size_t s = 0; s < subnets.size(); ++s) {
      if (subnets[s] == 0) continue;
      auto v = m.by_key.find(m.subnets[s].key);
      if (v == m.by_key.end()) continue;
      const auto& graph = m.topology().graph;
      for (auto [e, end] = boost::in_edges(v->second, graph); e != end; ++e) {
        const auto& from = graph[boost::source(*e, graph)];
        if (graph[*e].kind == model::EdgeKind::kAttachedTo && from.kind == model::ResourceKind::kNetworkInterface &&
            !nic(m, from.index)) {
          return false;
        }
      }
    }
    return also(m);
  }

  /// A public IP's users other than NICs, with what each reaches. A load balancer frontend: the members of its
  /// load-balancing rules' pools and its inbound NAT rules' and NAT pools' targets (the public IP's address,
  /// family and index are all the analysis reads of it there; an application gateway only reaches internal
  /// frontends, which have no public IP). A firewall: its DNAT entries and targets (firewall_public_ips). A
  /// Bastion host: its own entry and every ip configuration its sessions reach. An application gateway: the
  /// gateways' own entries and backends.
  bool public_ip_users(const model::Model& m, const std::string& key) {
    for (std::size_t l = 0; l < m.load_balancers.size(); ++l) {
      const auto& fes = m.load_balancers[l].frontends;
      for (std::size_t f = 0; f < fes.size(); ++f) {
        if (fes[f].public_ip.id == key && !frontend(m, static_cast<int>(l), static_cast<int>(f))) return false;
      }
    }
    for (std::size_t f = 0; f < m.firewalls.size(); ++f) {
      const auto& cs = m.firewalls[f].ip_configurations;
      if (std::any_of(cs.begin(), cs.end(), [&](const auto& c) { return c.public_ip.id == key; }) &&
          !firewall_reach(m, static_cast<int>(f))) {
        return false;
      }
    }
    for (const auto& b : m.bastion_hosts) {
      const auto& cs = b.ip_configurations;
      if (std::any_of(cs.begin(), cs.end(), [&](const auto& c) { return c.public_ip.id == key; }) && !bastion(m, b)) {
        return false;
      }
    }
    for (const auto& g : m.application_gateways) {
      const auto& fes = g.frontends;
      if (std::any_of(fes.begin(), fes.end(), [&](const auto& fe) { return fe.public_ip.id == key; }) &&
          !application_gateways(m)) {
        return false;
      }
    }
    return true;
  }

  /// Every ip configuration that load balancer `l` reaches through frontend `f`: analyze's targets for it
  /// (lb_targets: rules' pool members, NAT rules' targets or v2 pool members, NAT pools' scale set instances).
  bool frontend(const model::Model& m, int l, int f) {
    for (const LbTarget& t : lb_targets(m, l, f)) {
      if (!nic(m, t.x.nic)) return false;
    }
    return true;
  }

  /// Firewall `f` and what crosses it: its DNAT entries and targets (firewall()), and the application gateway
  /// backends whose flows it may filter (gateway_backends; Bastion sessions take no routes through it).
  bool firewall_reach(const model::Model& m, int f) { return firewall(m, f) && gateway_backends(m); }

  /// A Bastion host: every Bastion and gateway entry (scope.gateways) and every ip configuration its sessions
  /// reach (ip_configurations_in(bastion_vnets): its VNet and the VNets peered with it both ways).
  bool bastion(const model::Model& m, const model::BastionHost& b) {
    scope_.gateways = true;
    for (const auto& x : ip_configurations_in(m, bastion_vnets(m, b))) {
      if (!nic(m, x.nic)) return false;
    }
    return true;
  }

  /// An application gateway: every Bastion and gateway entry (scope.gateways) and every gateway's backends.
  bool application_gateways(const model::Model& m) {
    scope_.gateways = true;
    return gateway_backends(m);
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
    // DNAT to an application gateway's or internal load balancer's private frontend reaches what they forward
    // to: not scoped, the whole analysis runs again.
    for (const auto& g : m.application_gateways) {
      for (const auto& fe : g.frontends) {
        if (fe.private_ip && targets.count(fe.private_ip->value) != 0) return false;
      }
    }
    for (const auto& lb : m.load_balancers) {
      for (const auto& fe : lb.frontends) {
        if (fe.private_ip && targets.count(fe.private_ip->value) != 0) return false;
      }
    }
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      for (const auto& c : m.nics[n].ip_configurations) {
        if (c.private_ip && targets.count(c.private_ip->value) != 0 && !nic(m, static_cast<int>(n))) return false;
      }
    }
    return true;
  }

  /// Every ip configuration an application gateway's backend pools reach, directly or through an internal load
  /// balancer's frontend (a superset of pool_backends' answer: peering is not checked).
  bool gateway_backends(const model::Model& m) {
    for (const auto& g : m.application_gateways) {
      for (std::size_t p = 0; p < g.backend_pools.size(); ++p) {
        const PoolBackends found = pool_backends(m, g, static_cast<int>(p), -1);
        for (const auto& x : found.configs) {
          if (!nic(m, x.nic)) return false;
        }
        for (const auto& [l, f] : found.balancers) {
          for (const auto& pool : m.load_balancers[l].backend_pools) {
            for (const auto& x : pool.members) {
              if (!nic(m, x.nic)) return false;
            }
          }
        }
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

/// The room kept at the end of an exposure vector, so that a splice that adds exposures does not reallocate.
std::size_t with_headroom(std::size_t n) { return n + n / 64 + 64; }

/// One covered target in a splice: its exposures in the old vector [old_begin, old_end) (empty: where it goes)
/// and in the fresh one [fresh_begin, fresh_end).
struct Run {
  std::size_t old_begin{0};
  std::size_t old_end{0};
  std::size_t fresh_begin{0};
  std::size_t fresh_end{0};
  std::ptrdiff_t delta() const {
    return static_cast<std::ptrdiff_t>(fresh_end - fresh_begin) - static_cast<std::ptrdiff_t>(old_end - old_begin);
  }
};

/// Replaces the exposures of the covered targets in `v` (sorted, as analyze() sorts) by `fresh` (sorted, all
/// covered), keeping the order. The covered targets' runs are found by binary search on the target id (which
/// leads the order); each is replaced in place. Only when the counts differ do the items between runs move,
/// each once, by the sum of the count changes before it.
void splice(const model::Model& m, const AnalysisScope& scope, std::vector<Exposure>& v, std::vector<Exposure> fresh) {
  const auto range_of = [&](const TargetId& id) {
    auto lo = std::partition_point(v.begin(), v.end(), [&](const Exposure& e) { return target_id(m, e) < id; });
    auto hi = std::partition_point(lo, v.end(), [&](const Exposure& e) { return target_id(m, e) == id; });
    return std::pair{static_cast<std::size_t>(lo - v.begin()), static_cast<std::size_t>(hi - v.begin())};
  };
  std::vector<Run> runs;
  const auto covered = [&](model::ResourceKind kind, int index) {
    const auto [b, e] = range_of(target_id(m, kind, index));
    if (b != e) runs.push_back(Run{b, e, 0, 0});
  };
  using K = model::ResourceKind;
  for (std::size_t n = 0; n < scope.nics.size() && n < m.nics.size(); ++n) {
    if (scope.nics[n] != 0) covered(K::kNetworkInterface, static_cast<int>(n));
  }
  for (std::size_t f = 0; f < scope.firewalls.size() && f < m.firewalls.size(); ++f) {
    if (scope.firewalls[f] != 0) covered(K::kFirewall, static_cast<int>(f));
  }
  for (std::size_t s = 0; s < scope.paas.size() && s < m.paas_services.size(); ++s) {
    if (scope.paas[s] != 0) covered(K::kPaasService, static_cast<int>(s));
  }
  if (scope.gateways) {
    for (std::size_t b = 0; b < m.bastion_hosts.size(); ++b) covered(K::kBastionHost, static_cast<int>(b));
    for (std::size_t g = 0; g < m.application_gateways.size(); ++g) {
      covered(K::kApplicationGateway, static_cast<int>(g));
    }
  }
  for (std::size_t i = 0; i < fresh.size();) {
    const TargetId id = target_id(m, fresh[i]);
    std::size_t j = i + 1;
    while (j < fresh.size() && target_id(m, fresh[j]) == id) ++j;
    const auto [b, e] = range_of(id);
    runs.push_back(Run{b, e, i, j});
    i = j;
  }
  // In order; a target new to `v` (empty old run) sorts before the target whose run starts where it goes.
  std::sort(runs.begin(), runs.end(), [](const Run& x, const Run& y) {
    return std::tuple(x.old_begin, x.old_end != x.old_begin, x.fresh_begin) <
           std::tuple(y.old_begin, y.old_end != y.old_begin, y.fresh_begin);
  });
  std::vector<Run> merged;  // one run per target: a covered target found both ways is one run
  for (const Run& r : runs) {
    if (!merged.empty() && r.old_begin != r.old_end && merged.back().old_begin == r.old_begin &&
        merged.back().old_end == r.old_end) {
      if (r.fresh_end != r.fresh_begin) {
        merged.back().fresh_begin = r.fresh_begin;
        merged.back().fresh_end = r.fresh_end;
      }
      continue;
    }
    merged.push_back(r);
  }
  std::ptrdiff_t total = 0;
  bool same_counts = true;
  for (const Run& r : merged) {
    total += r.delta();
    same_counts = same_counts && r.delta() == 0;
  }
  const auto put = [&](const Run& r, std::ptrdiff_t shift) {
    std::move(fresh.begin() + static_cast<std::ptrdiff_t>(r.fresh_begin),
              fresh.begin() + static_cast<std::ptrdiff_t>(r.fresh_end),
              v.begin() + static_cast<std::ptrdiff_t>(r.old_begin) + shift);
  };
  if (same_counts) {
    for (const Run& r : merged) put(r, 0);
    return;
  }
  // The items between runs (segment k: from the end of run k-1 to the start of run k; the last one to the end)
  // move by the sum of the deltas of the runs before them. Segments moving left are moved first, front to back,
  // then those moving right, back to front: no segment overwrites one not yet moved.
  const std::size_t n = v.size();
  if (total > 0) {
    const std::size_t size = n + static_cast<std::size_t>(total);
    if (size > v.capacity()) v.reserve(with_headroom(size));
    v.resize(size);
  }
  struct Segment {
    std::size_t begin;
    std::size_t end;
    std::ptrdiff_t shift;
  };
  std::vector<Segment> segments;
  std::vector<std::ptrdiff_t> shift_of_run;
  std::ptrdiff_t shift = 0;
  std::size_t from = 0;
  for (const Run& r : merged) {
    segments.push_back(Segment{from, r.old_begin, shift});
    shift_of_run.push_back(shift);
    shift += r.delta();
    from = r.old_end;
  }
  segments.push_back(Segment{from, n, shift});
  const auto at = [&](std::size_t i) { return v.begin() + static_cast<std::ptrdiff_t>(i); };
  for (const Segment& s : segments) {
    if (s.shift < 0 && s.begin < s.end) std::move(at(s.begin), at(s.end), at(s.begin) + s.shift);
  }
  for (auto s = segments.rbegin(); s != segments.rend(); ++s) {
    if (s->shift > 0 && s->begin < s->end) std::move_backward(at(s->begin), at(s->end), at(s->end) + s->shift);
  }
  for (std::size_t k = 0; k < merged.size(); ++k) put(merged[k], shift_of_run[k]);
  if (total < 0) v.erase(at(n - static_cast<std::size_t>(-total)), v.end());
}

void reserve_headroom(Analysis& a) {
  a.exposures.reserve(with_headroom(a.exposures.size()));
  a.broken.reserve(with_headroom(a.broken.size()));
}

}  // namespace

std::optional<AnalysisScope> scope_of_change(const model::Model& before, const model::Model& after,
                                             const std::vector<model::Changed>& changed) {
  ScopeBuilder b(before, after);
  for (const auto& c : changed) {
    if (!b.add(c)) return std::nullopt;
  }
  return b.take();
}

IncrementalAnalysis::IncrementalAnalysis(const model::Model& m) { analyze_fully(m); }

IncrementalAnalysis::IncrementalAnalysis(const IncrementalAnalysis& other)
    : space_(other.space_), space_findings_(other.space_findings_), trace_(other.trace_), times_(other.times_) {
  // Copy-assignment into a vector with room reuses it: the copy keeps the headroom.
  analysis_.exposures.reserve(other.analysis_.exposures.capacity());
  analysis_.broken.reserve(other.analysis_.broken.capacity());
  analysis_.exposures = other.analysis_.exposures;
  analysis_.broken = other.analysis_.broken;
  analysis_.findings = other.analysis_.findings;
  analysis_.internet = other.analysis_.internet;
  analysis_.targets_evaluated = other.analysis_.targets_evaluated;
  analysis_.distinct_evaluations = other.analysis_.distinct_evaluations;
  analysis_.paas_services_evaluated = other.analysis_.paas_services_evaluated;
}

IncrementalAnalysis& IncrementalAnalysis::operator=(const IncrementalAnalysis& other) {
  if (this != &other) *this = IncrementalAnalysis(other);
  return *this;
}

void IncrementalAnalysis::analyze_fully(const model::Model& m) {
  analysis_ = analyze_traced(m, trace_);
  reserve_headroom(analysis_);
  space_.reset();
  space_findings_ = model::Diagnostics{};
  space_.emplace(m, space_findings_);
}

bool IncrementalAnalysis::update(const model::Model& before, const model::Model& after,
                                 const std::vector<model::Changed>& changed) {
  const auto t0 = std::chrono::steady_clock::now();
  auto scope = scope_of_change(before, after, changed);
  const double scope_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!scope) {
    analyze_fully(after);
    times_ = UpdateTimes{};
    last_scope_.reset();
    return false;
  }
  update(before, after, *scope);
  times_.scope = scope_ms;
  last_scope_ = std::move(scope);
  return true;
}

void IncrementalAnalysis::update(const model::Model&, const model::Model& after, const AnalysisScope& scope) {
  using Clock = std::chrono::steady_clock;
  const auto ms = [](Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  };
  times_ = UpdateTimes{};
  auto t0 = Clock::now();
  if (scope.routes) {
    space_.reset();
    space_findings_ = model::Diagnostics{};
    space_.emplace(after, space_findings_);
  }
  AnalysisTrace part;
  Analysis fresh = analyze_scope(after, *space_, scope, analysis_, &part);
  times_.solve = ms(t0);
  t0 = Clock::now();
  splice(after, scope, analysis_.exposures, std::move(fresh.exposures));
  splice(after, scope, analysis_.broken, std::move(fresh.broken));
  // targets_evaluated: the covered NICs' counts before, replaced by theirs after (new NICs count 0 before).
  trace_.evaluated.resize(after.nics.size(), 0);
  for (std::size_t n = 0; n < scope.nics.size() && n < after.nics.size(); ++n) {
    if (scope.nics[n] == 0) continue;
    analysis_.targets_evaluated = analysis_.targets_evaluated - trace_.evaluated[n] + part.evaluated[n];
    trace_.evaluated[n] = part.evaluated[n];
  }
  analysis_.distinct_evaluations += fresh.distinct_evaluations;
  analysis_.internet = space_->internet();
  // Findings in analyze()'s order: the address space's, the firewalls' and gateways' (solved whole by
  // analyze_scope), the PaaS services' (solved again only when one is in the scope).
  if (part.paas_solved) trace_.paas_findings = std::move(part.paas_findings);
  analysis_.findings = space_findings_;
  analysis_.findings.append(fresh.findings);
  analysis_.findings.append(trace_.paas_findings);
  times_.splice = ms(t0);
}

}  // namespace exposim::solver
