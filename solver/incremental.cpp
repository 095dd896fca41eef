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
#include "solver/analyzer.h"
#include "solver/forwarding.h"
#include "solver/load_balancer.h"
#include "solver/network_manager.h"
#include "solver/scope_index.h"

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

/// Calls `f` with the index of every NIC that has an edge (of kind `kind`, when given) to resource `key` in `m`'s graph
/// (a subnet's NICs, an NSG's NICs), not a pass over every NIC; stops, returning false, when `f` does.
template <typename F>
bool incremental_nics_into(const model::Model& m, const std::string& key, std::optional<model::EdgeKind> kind, F f) {
  const auto v = m.by_key.find(key);
  if (v == m.by_key.end()) return true;
  const auto& graph = m.topology().graph;
  for (auto [e, end] = boost::in_edges(v->second, graph); e != end; ++e) {
    const auto& from = graph[boost::source(*e, graph)];
    if (from.kind != model::ResourceKind::kNetworkInterface || (kind && graph[*e].kind != *kind)) continue;
    if (!f(from.index)) return false;
  }
  return true;
}

/// Scope building over the two models of a change, from the index of the model before it (solver/scope_index.h).
class ScopeBuilder {
 public:
  ScopeBuilder(const model::Model& before, const model::Model& after, const ScopeIndex& index)
      : b_(before), a_(after), index_(index) {
    scope_.nics.assign(after.nics.size());
    scope_.firewalls.assign(after.firewalls.size(), 0);
    scope_.paas.assign(after.paas_services.size(), 0);
  }

  bool add(const model::Changed& c) {
    using K = model::ResourceKind;
    switch (c.kind) {
      case K::kNetworkSecurityGroup:
      case K::kSubnet: return read_by(c);
      case K::kRouteTable:
        // The address space is built again. And a route can begin a path no stage read before: replies routed to a
        // network virtual appliance make it an entry to every ip configuration of the subnet (solver/appliance.cpp),
        // also one without an entry of its own: the subnets' NICs, and what an entry point in them reaches.
        scope_.routes = true;
        return read_by(c) && each_model([&](const model::Model& m) {
                 const int i = index_of(m, c.key);
                 if (i < 0) return true;
                 std::vector<char> subnets(m.subnets.size(), 0);
                 for (std::size_t s = 0; s < m.subnets.size(); ++s) subnets[s] = m.subnets[s].route_table.index == i;
                 return nics_of(m, subnets);
               });
      case K::kNetworkInterface:
        // The NIC itself in the model after the change too: a public IP attached, an NSG attached, begin paths
        // that did not exist before.
        return each_model([&](const model::Model& m) { return nic(m, index_of(m, c.key)); }) && read_by(c);
      case K::kPublicIp:
        // The NICs using it are changed resources too; a load balancer frontend, firewall, Bastion host or
        // application gateway using it brings in what it reaches (public_ip_users), also where no path read it
        // before (a frontend of the other IP version than its backends).
        return read_by(c) && each_model([&](const model::Model& m) { return public_ip_users(m, c.key); });
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
      case K::kAdminRule: {
        // Every ip configuration in a VNet whose admin stage may differ, and what reaches it (a load balancer's,
        // a firewall's DNAT, Bastion and application gateway flows are the NICs' own exposures): a VNet where the
        // rules begin to apply had no admin stage to read it before. And what read those VNets' admin stages (a
        // managed instance's, an application gateway's).
        const std::vector<char> vnets = admin_changed_vnets(b_, a_, c.key);
        for (std::size_t v = 0; v < vnets.size() && v < b_.vnets.size(); ++v) {
          if (vnets[v] != 0 && !read_by(ResourceRef{K::kVirtualNetwork, static_cast<int>(v)})) return false;
        }
        return each_model([&](const model::Model& m) {
          std::vector<char> subnets(m.subnets.size(), 0);
          for (std::size_t s = 0; s < m.subnets.size(); ++s) {
            const int v = m.subnets[s].vnet.index;
            subnets[s] = v >= 0 && static_cast<std::size_t>(v) < vnets.size() && vnets[v] != 0 ? 1 : 0;
          }
          return nics_of(m, subnets);
        });
      }
      default: return false;
    }
  }

  AnalysisScope take() {
    (void)scope_.nics.list();  // sorted here, before any reader
    return std::move(scope_);
  }

 private:
  /// Every target whose paths' stages read the changed resource in the model before the change (the index; the
  /// resource has the same index after it). A resource new with the change was read by no path; the resources
  /// that refer to it after the change are changed too.
  bool read_by(const model::Changed& c) {
    const int i = index_of(b_, c.key);
    return i < 0 || read_by(ResourceRef{c.kind, i});
  }

  bool read_by(ResourceRef r) {
    for (const ScopeTarget& t : index_.readers(r)) {
      if (!take(t)) return false;
    }
    return true;
  }

  /// A target of the index: a NIC; an entry point with what it reaches, in both models (its own path read the
  /// change: its subnet, its NSG, its routes, its public IP, a firewall's rules); a PaaS service.
  bool take(const ScopeTarget& t) {
    using K = model::ResourceKind;
    switch (t.kind) {
      case K::kNetworkInterface: return nic(b_, t.index) && nic(a_, t.index);
      case K::kFirewall: return each_model([&](const model::Model& m) { return firewall_reach(m, t.index); });
      case K::kBastionHost:
        return each_model([&](const model::Model& m) { return bastion(m, m.bastion_hosts[t.index]); });
      case K::kApplicationGateway: return each_model([&](const model::Model& m) { return application_gateways(m); });
      case K::kPaasService:
        if (static_cast<std::size_t>(t.index) < scope_.paas.size()) scope_.paas[t.index] = 1;
        return true;
      default: return true;
    }
  }

  template <typename F>
  bool each_model(F f) {
    return f(b_) && f(a_);
  }

  /// A NIC: covered unless it may be a network virtual appliance (its exposures decide what it forwards).
  bool nic(const model::Model& m, int n) {
    if (n < 0 || static_cast<std::size_t>(n) >= m.nics.size()) return true;
    const auto& x = m.nics[n];
    if (x.enable_ip_forwarding) {
      for (const auto& c : x.ip_configurations) {
        if (c.public_ip.set()) return false;
      }
    }
    scope_.nics.set(n);
    return true;
  }

  static int index_of(const model::Model& m, const std::string& key) {
    auto v = m.find(key);
    return v ? v->index : -1;
  }

  /// The NICs with an ip configuration in a flagged subnet, and what an entry point in a flagged subnet reaches
  /// (a route table's subnets; a security admin rule's VNets' subnets). The subnets' NICs are found through the graph
  /// (NIC -> subnet edges), not by a pass over every NIC.
  bool nics_of(const model::Model& m, const std::vector<char>& subnets) {
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
      if (subnets[s] != 0 &&
          !incremental_nics_into(m, m.subnets[s].key, model::EdgeKind::kAttachedTo, [&](int n) { return nic(m, n); })) {
        return false;
      }
    }
    return true;
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
  const ScopeIndex& index_;
  AnalysisScope scope_;
};

/// The subnets and NICs whose ip configurations a change that leaves the routes alone evaluates again for the
/// `vnet-tag-includes-internet` warnings (the address space's findings, solver/address_space.h: a warning names the NSG
/// rules that admit internet sources only through the tag): the changed subnets and the subnets whose NSG changed; the
/// NICs of the scope, the changed NICs and the NICs whose own NSG changed (the warning looks at every ip configuration
/// of a subnet with a route table, with an entry from the internet or not, where the scope holds only the NICs whose
/// paths read the change); in either model. Everything when what changed is not known (`changed` null).
struct VnetTagReach {
  std::vector<int> subnets;  // indices, sorted, each once
  std::vector<int> nics;
  bool any() const { return !subnets.empty() || !nics.empty(); }
};

VnetTagReach vnet_tag_reach(const model::Model& before, const model::Model& after, const AnalysisScope& scope,
                            const std::vector<model::Changed>* changed) {
  VnetTagReach out;
  if (changed == nullptr) {
    out.subnets.resize(after.subnets.size());
    out.nics.resize(after.nics.size());
    for (std::size_t s = 0; s < out.subnets.size(); ++s) out.subnets[s] = static_cast<int>(s);
    for (std::size_t n = 0; n < out.nics.size(); ++n) out.nics[n] = static_cast<int>(n);
    return out;
  }
  out.nics = scope.nics.list();
  const auto flag = [](std::vector<int>& v, int i, std::size_t size) {
    if (i >= 0 && static_cast<std::size_t>(i) < size) v.push_back(i);
  };
  for (const model::Model* m : {&before, &after}) {
    for (const auto& c : *changed) {
      const auto v = m->find(c.key);
      if (!v) continue;
      if (c.kind == model::ResourceKind::kSubnet) flag(out.subnets, v->index, after.subnets.size());
      if (c.kind == model::ResourceKind::kNetworkInterface) flag(out.nics, v->index, after.nics.size());
      if (c.kind != model::ResourceKind::kNetworkSecurityGroup) continue;
      for (std::size_t s = 0; s < m->subnets.size(); ++s) {
        if (m->subnets[s].nsg.index == v->index) flag(out.subnets, static_cast<int>(s), after.subnets.size());
      }
      incremental_nics_into(*m, m->nsgs[v->index].key, std::nullopt, [&](int n) {  // the NICs with the NSG on their own
        flag(out.nics, n, after.nics.size());
        return true;
      });
    }
  }
  for (auto* v : {&out.subnets, &out.nics}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  return out;
}

/// Adds `sign` (1 or -1) to the count of every NSG an NSG hop of `e` reads as admitting everything (the hops
/// analysis_internal::over_approximated_nsgs finds), forgetting the NSGs whose count reaches zero.
void count_over_approximated(const Exposure& e, int sign, std::map<int, std::size_t>& counts) {
  for (const auto& h : e.path) {
    if (h.kind != HopKind::kNsg || h.resource < 0 || h.rule != kNsgOverApproximated) continue;
    auto& n = counts[h.resource];
    n = sign > 0 ? n + 1 : n - 1;
    if (n == 0) counts.erase(h.resource);
  }
}

/// Forgets, in `targets`, the items of every target `scope` covers in `m`, and their part in `over_approximated`.
void erase_covered_targets(const model::Model& m, const AnalysisScope& scope, TargetExposures& targets,
                           std::map<int, std::size_t>& over_approximated) {
  using K = model::ResourceKind;
  const auto erase = [&](const TargetId& id) {
    const auto* items = targets.find(id);
    if (items == nullptr) return;
    for (const auto& e : items->exposures) count_over_approximated(e, -1, over_approximated);
    for (const auto& e : items->broken) count_over_approximated(e, -1, over_approximated);
    targets.erase(id);
  };
  for (const int n : scope.nics.list()) {
    if (static_cast<std::size_t>(n) < m.nics.size()) erase(target_id(m, K::kNetworkInterface, n));
  }
  for (std::size_t f = 0; f < scope.firewalls.size() && f < m.firewalls.size(); ++f) {
    if (scope.firewalls[f] != 0) erase(target_id(m, K::kFirewall, static_cast<int>(f)));
  }
  for (std::size_t s = 0; s < scope.paas.size() && s < m.paas_services.size(); ++s) {
    if (scope.paas[s] != 0) erase(target_id(m, K::kPaasService, static_cast<int>(s)));
  }
  if (scope.gateways) {
    for (std::size_t b = 0; b < m.bastion_hosts.size(); ++b) erase(target_id(m, K::kBastionHost, static_cast<int>(b)));
    for (std::size_t g = 0; g < m.application_gateways.size(); ++g) {
      erase(target_id(m, K::kApplicationGateway, static_cast<int>(g)));
    }
  }
}

/// Forgets, in `index`, what the paths of every target `scope` covers read (in either model: `after` may have more
/// resources).
void erase_covered_paths(const model::Model& before, const model::Model& after, const AnalysisScope& scope,
                         ScopeIndex& index) {
  using K = model::ResourceKind;
  std::vector<ScopeTarget> ts;
  for (const int n : scope.nics.list()) ts.push_back({K::kNetworkInterface, n});
  for (std::size_t f = 0; f < scope.firewalls.size(); ++f) {
    if (scope.firewalls[f] != 0) ts.push_back({K::kFirewall, static_cast<int>(f)});
  }
  for (std::size_t s = 0; s < scope.paas.size(); ++s) {
    if (scope.paas[s] != 0) ts.push_back({K::kPaasService, static_cast<int>(s)});
  }
  if (scope.gateways) {
    const std::size_t bastions = std::max(before.bastion_hosts.size(), after.bastion_hosts.size());
    const std::size_t gateways = std::max(before.application_gateways.size(), after.application_gateways.size());
    for (std::size_t b = 0; b < bastions; ++b) ts.push_back({K::kBastionHost, static_cast<int>(b)});
    for (std::size_t g = 0; g < gateways; ++g) ts.push_back({K::kApplicationGateway, static_cast<int>(g)});
  }
  index.erase(ts);
}

/// Records, in `index`, the own paths in `m` of the entry points and PaaS services `scope` covers (its NICs' paths
/// are recorded by the scoped analysis).
void add_covered_entry_points(const model::Model& m, const AnalysisScope& scope, ScopeIndex& index) {
  using K = model::ResourceKind;
  for (std::size_t f = 0; f < scope.firewalls.size() && f < m.firewalls.size(); ++f) {
    if (scope.firewalls[f] != 0) index.add_entry_point(m, {K::kFirewall, static_cast<int>(f)});
  }
  for (std::size_t s = 0; s < scope.paas.size() && s < m.paas_services.size(); ++s) {
    if (scope.paas[s] != 0) index.add_entry_point(m, {K::kPaasService, static_cast<int>(s)});
  }
  if (!scope.gateways) return;
  for (std::size_t b = 0; b < m.bastion_hosts.size(); ++b) {
    index.add_entry_point(m, {K::kBastionHost, static_cast<int>(b)});
  }
  for (std::size_t g = 0; g < m.application_gateways.size(); ++g) {
    index.add_entry_point(m, {K::kApplicationGateway, static_cast<int>(g)});
  }
}

}  // namespace

std::optional<AnalysisScope> scope_of_change(const model::Model& before, const model::Model& after,
                                             const std::vector<model::Changed>& changed, const ScopeIndex& index) {
  ScopeBuilder b(before, after, index);
  for (const auto& c : changed) {
    if (!b.add(c)) return std::nullopt;
  }
  return b.take();
}

std::optional<AnalysisScope> scope_of_change(const model::Model& before, const model::Model& after,
                                             const std::vector<model::Changed>& changed) {
  return scope_of_change(before, after, changed, scope_index_of(before));
}

ScopeIndex scope_index_of(const model::Model& m) {
  ScopeIndex index;
  AnalysisTrace trace;
  trace.index = &index;
  analyze_traced(m, trace);
  index.add_entry_points(m);
  return index;
}

IncrementalAnalysis::IncrementalAnalysis(const model::Model& m) { analyze_fully(m); }

IncrementalAnalysis::IncrementalAnalysis(const IncrementalAnalysis& other)
    : space_(other.space_),
      analysis_(other.analysis_),
      findings_in_parts_(other.findings_in_parts_),
      scoped_findings_(other.scoped_findings_),
      over_findings_(other.over_findings_),
      targets_(other.targets_),
      memo_(other.memo_ ? std::make_unique<analysis_internal::SolveMemo>(*other.memo_) : nullptr),
      trace_(other.trace_),
      index_(other.index_),
      times_(other.times_),
      last_scope_(other.last_scope_),
      over_approximated_(other.over_approximated_) {}

IncrementalAnalysis& IncrementalAnalysis::operator=(const IncrementalAnalysis& other) {
  if (this != &other) *this = IncrementalAnalysis(other);
  return *this;
}

IncrementalAnalysis::IncrementalAnalysis(IncrementalAnalysis&&) noexcept = default;
IncrementalAnalysis& IncrementalAnalysis::operator=(IncrementalAnalysis&&) noexcept = default;
IncrementalAnalysis::~IncrementalAnalysis() = default;

Analysis IncrementalAnalysis::snapshot() const {
  Analysis out;
  targets_.copy_to(out.exposures, out.broken);
  out.findings = findings();
  out.internet = analysis_.internet;
  out.targets_evaluated = analysis_.targets_evaluated;
  out.distinct_evaluations = analysis_.distinct_evaluations;
  out.paas_services_evaluated = analysis_.paas_services_evaluated;
  return out;
}

Analysis IncrementalAnalysis::take() {
  model::Diagnostics all = findings();
  Analysis out = std::move(analysis_);
  out.findings = std::move(all);
  targets_.move_to(out.exposures, out.broken);
  return out;
}

model::Diagnostics IncrementalAnalysis::findings() const {
  if (!findings_in_parts_) return analysis_.findings;
  model::Diagnostics out = space_->findings();
  out.append(scoped_findings_);
  out.append(trace_.paas_findings);
  out.append(over_findings_);
  return out;
}

void IncrementalAnalysis::analyze_fully(const model::Model& m) {
  memo_ = std::make_unique<analysis_internal::SolveMemo>();
  index_ = ScopeIndex{};
  trace_.index = &index_;
  analysis_ = analyze_traced(m, trace_, memo_.get());
  trace_.index = nullptr;
  index_.add_entry_points(m);
  targets_.assign(m, std::move(analysis_.exposures), std::move(analysis_.broken));
  analysis_.exposures = {};
  analysis_.broken = {};
  over_approximated_.clear();
  targets_.for_each([this](const Exposure& e) { count_over_approximated(e, 1, over_approximated_); });
  space_.reset();
  model::Diagnostics space_findings;  // analysis_.findings begin with them
  space_.emplace(m, space_findings);
  findings_in_parts_ = false;
  scoped_findings_ = model::Diagnostics{};
  over_findings_ = model::Diagnostics{};
}

bool IncrementalAnalysis::update(const model::Model& before, const model::Model& after,
                                 const std::vector<model::Changed>& changed) {
  const auto t0 = std::chrono::steady_clock::now();
  auto scope = scope_of_change(before, after, changed, index_);
  const double scope_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!scope) {
    analyze_fully(after);
    times_ = UpdateTimes{};
    last_scope_.reset();
    return false;
  }
  update_scope(before, after, *scope, &changed);
  times_.scope = scope_ms;
  last_scope_ = std::move(scope);
  return true;
}

void IncrementalAnalysis::update(const model::Model& before, const model::Model& after, const AnalysisScope& scope) {
  update_scope(before, after, scope, nullptr);
}

bool IncrementalAnalysis::forget_stages(const model::Model& before, const model::Model& after,
                                        const std::vector<model::Changed>* changed) {
  if (changed == nullptr) {
    memo_->forget_stages();
    return false;
  }
  bool memberships = false;
  for (const auto& c : *changed) {
    switch (c.kind) {
      case model::ResourceKind::kNetworkSecurityGroup:
        // Its stages, by its index in either model (the same resources keep their indices).
        for (const model::Model* m : {&before, &after}) {
          if (auto v = m->find(c.key)) memo_->forget_nsg(v->index);
        }
        break;
      case model::ResourceKind::kNetworkInterface: {
        // The address space holds every ASG's members: an ip configuration that joins or leaves an ASG changes
        // the sources of the rules that name it (no change document does that today; a plan may).
        const auto b = before.find(c.key);
        const auto a = after.find(c.key);
        if (!b || !a) {
          memberships = true;
          break;
        }
        const auto& xs = before.nics[b->index].ip_configurations;
        const auto& ys = after.nics[a->index].ip_configurations;
        const auto same_asgs = [](const model::IpConfiguration& x, const model::IpConfiguration& y) {
          return std::equal(x.asgs.begin(), x.asgs.end(), y.asgs.begin(), y.asgs.end(),
                            [](const model::Ref& p, const model::Ref& q) { return p.id == q.id; });
        };
        memberships = memberships || !std::equal(xs.begin(), xs.end(), ys.begin(), ys.end(), same_asgs);
        break;
      }
      case model::ResourceKind::kAdminRule:
        // The stages of every VNet whose admin stage may differ (their admin rules' indices too).
        memo_->forget_admin_vnets(admin_changed_vnets(before, after, c.key));
        break;
      default: break;  // the other kinds change no NSG's rules and no address the stages read
    }
  }
  if (memberships) memo_->forget_stages();
  return memberships;
}

void IncrementalAnalysis::update_scope(const model::Model& before, const model::Model& after,
                                       const AnalysisScope& scope, const std::vector<model::Changed>* changed) {
  using Clock = std::chrono::steady_clock;
  const auto ms = [](Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  };
  times_ = UpdateTimes{};
  auto t0 = Clock::now();
  const bool memberships = forget_stages(before, after, changed);
  if (scope.routes || memberships) {
    memo_->forget_stages();  // every stage read the address space
    space_.reset();
    model::Diagnostics space_findings;  // kept by the space (findings())
    space_.emplace(after, space_findings);
  } else {  // the routes are the same: their warnings' rules may not be
    if (const VnetTagReach reach = vnet_tag_reach(before, after, scope, changed); reach.any()) {
      space_->rewarn(after, reach.subnets, reach.nics);
    }
  }
  // The covered targets' paths are recorded again, as they are in the changed model: the index stays the index of
  // the model analysed so far.
  erase_covered_paths(before, after, scope, index_);
  AnalysisTrace part;
  part.index = &index_;
  Analysis fresh = analyze_scope(after, *space_, scope, targets_, &part, memo_.get());
  add_covered_entry_points(after, scope, index_);
  times_.solve = ms(t0);
  t0 = Clock::now();
  // The covered targets' items are replaced by the fresh ones; no other target's move. (A target is looked up by
  // its id in both models, should the change have renamed it.)
  erase_covered_targets(before, scope, targets_, over_approximated_);
  erase_covered_targets(after, scope, targets_, over_approximated_);
  for (const auto& e : fresh.exposures) count_over_approximated(e, 1, over_approximated_);
  for (const auto& e : fresh.broken) count_over_approximated(e, 1, over_approximated_);
  targets_.append(after, std::move(fresh.exposures), std::move(fresh.broken));
  // targets_evaluated: the covered NICs' counts before, replaced by theirs after (new NICs count 0 before).
  trace_.evaluated.resize(after.nics.size(), 0);
  const auto& nics = scope.nics.list();
  for (std::size_t i = 0; i < nics.size(); ++i) {
    const auto n = static_cast<std::size_t>(nics[i]);
    if (n >= after.nics.size()) continue;
    analysis_.targets_evaluated = analysis_.targets_evaluated - trace_.evaluated[n] + part.scope_evaluated[i];
    trace_.evaluated[n] = part.scope_evaluated[i];
  }
  analysis_.distinct_evaluations += fresh.distinct_evaluations;
  analysis_.internet = space_->internet();
  // Findings in analyze()'s order: the address space's, the firewalls' and gateways' (solved whole by
  // analyze_scope), the PaaS services' (solved again only when one is in the scope).
  if (part.paas_solved) trace_.paas_findings = std::move(part.paas_findings);
  // (Put together by findings(), when asked for.)
  findings_in_parts_ = true;
  analysis_.findings = model::Diagnostics{};
  scoped_findings_ = std::move(fresh.findings);
  over_findings_ = model::Diagnostics{};
  std::set<int> nsgs;  // over every target (counted as they come and go), as analyze() warns after its other findings
  for (const auto& [nsg, hops] : over_approximated_) nsgs.insert(nsg);
  analysis_internal::warn_over_approximated(after, nsgs, over_findings_);
  times_.splice = ms(t0);
}

}  // namespace exposim::solver
