// The path engine's contract, checked over any analysed estate: for every exposure whose path the engine lists (an
// ip configuration's entries, an application gateway's backend flows, the entry points' own entries: Bastion 443,
// application gateway listeners, a firewall's public IP; PaaS public endpoints), the stages of solver/path.h are
// analyze's path and, for one packet of the exposure, explain's hops. Shared by tests/path_test.cpp (the examples)
// and the family tests whose estates reach paths the examples do not (tests/application_gateway_test.cpp).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/explain_text.h"
#include "model/model.h"
#include "solver/analysis.h"
#include "solver/explain.h"
#include "solver/paas_hop.h"
#include "solver/path.h"

namespace exposim::testing::path_check {

using solver::HopKind;
using solver::Via;
using RK = model::ResourceKind;

/// How many exposures of each kind of path were compared with analyze's path and with explain's hops.
struct Counts {
  std::map<std::string, int> analyzed;
  std::map<std::string, int> explained;
  std::map<std::string, int> explained_broken;  // broken flows explain found broken at the same stages
};

/// One step of a path as the engine lists it and as a hop shows it: (kind, resource kind, resource, scope). A stage
/// whose scope is empty (a firewall crossed both ways, a PaaS firewall) leaves the scope to its evaluation: any
/// scope matches it. `with_scope` false: the scope is not compared (explain names an entry point's own subnet NSG
/// "bastion-subnet" or "gateway-subnet", analyze's own entries "subnet").
struct Step {
  HopKind kind{HopKind::kSource};
  RK resource_kind{RK::kInternet};
  int resource{-1};
  std::string scope;
  bool with_scope{true};
};

inline Step step_of(const solver::Stage& s, bool with_scope = true) {
  return Step{s.kind, s.resource_kind, s.resource, s.scope, with_scope && s.scope[0] != '\0'};
}

template <typename H>
Step step_of_hop(const H& h) {
  return Step{h.kind, h.resource_kind, h.resource, h.scope, true};
}

inline std::string text(const std::vector<Step>& steps) {
  std::string out;
  for (const auto& s : steps) {
    out +=
        fmt::format("{}:{}:{}:{} ", solver::to_string(s.kind), model::to_string(s.resource_kind), s.resource, s.scope);
  }
  return out;
}

/// Do the hops' steps match the stages' (`want`), in order? The admin stage names the target's VNet; its hop names
/// the deciding admin rule instead when one matches (a rule of that VNet's list).
inline bool same(const std::vector<Step>& want, const std::vector<Step>& got) {
  if (want.size() != got.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& w = want[i];
    const auto& g = got[i];
    if (w.kind == HopKind::kAdminRule && g.kind == HopKind::kAdminRule && g.resource_kind == RK::kAdminRule) continue;
    if (w.kind != g.kind || w.resource_kind != g.resource_kind || w.resource != g.resource) return false;
    if (w.with_scope && w.scope != g.scope) return false;
  }
  return true;
}

/// After an AlwaysAllow security admin rule the NSGs it admits past are not evaluated: for each admin step of `want`
/// (the stages) whose admin hop in `got` (the hops; the same count, in order) is not followed by an NSG hop, the NSG
/// steps right after it in `want` are dropped (an application gateway's own admin stage before its subnet's NSG,
/// the target's before its two).
inline void skip_nsgs_after_always_allow(std::vector<Step>& want, const std::vector<Step>& got) {
  auto is_nsg = [](const Step& x) { return x.kind == HopKind::kNsg || x.kind == HopKind::kNoNsg; };
  auto is_admin = [](const Step& x) { return x.kind == HopKind::kAdminRule; };
  std::vector<bool> skipped;  // for each admin hop of `got`, in order: no NSG hop follows it
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (is_admin(got[i])) skipped.push_back(i + 1 == got.size() || !is_nsg(got[i + 1]));
  }
  std::vector<Step> kept;
  std::size_t k = 0;
  bool dropping = false;
  for (const auto& w : want) {
    if (dropping && is_nsg(w)) continue;
    dropping = false;
    if (is_admin(w)) {
      dropping = k < skipped.size() && skipped[k];
      ++k;
    }
    kept.push_back(w);
  }
  want = std::move(kept);
}

/// The hop of `path` of kind `kind` (whose scope is `scope`, or is not `not_scope`), or nullptr.
inline const solver::Hop* find_hop(const std::vector<solver::Hop>& path, HopKind kind, std::string_view scope = {},
                                   std::string_view not_scope = {}) {
  for (const auto& h : path) {
    if (h.kind != kind) continue;
    if (!scope.empty() && std::string_view(h.scope) != scope) continue;
    if (!not_scope.empty() && std::string_view(h.scope) == not_scope) continue;
    return &h;
  }
  return nullptr;
}

/// The entry of an exposure as the path engine takes it: the via, the public IP, the load balancer's rule (from the
/// exposure's load balancer hop), the firewall and its DNAT rule, the appliance, the Bastion host; for an
/// application gateway the gateway and listener, and the firewalls of its DNAT rule and of its backend leg.
inline solver::PathEntry entry_of(const solver::Exposure& e) {
  solver::PathEntry p;
  p.via = e.via;
  p.public_ip = e.public_ip;
  p.hub_address = e.public_ip < 0 && e.entry_address.has_value();
  p.load_balancer = e.load_balancer;
  p.gateway = e.gateway;
  p.gateway_rule = e.gateway_rule;
  for (const auto& h : e.path) {
    if (h.kind != HopKind::kLoadBalancer) continue;
    p.load_balancer = h.resource;
    p.rule = h.rule;
    p.frontend_port = h.port;
    p.nat_pool = std::string_view(h.scope) == "inbound-nat-pool";
  }
  const bool gateway = e.via == Via::kApplicationGateway || e.target_kind == RK::kApplicationGateway;
  if (gateway) {
    if (const auto* dnat = find_hop(e.path, HopKind::kFirewall, "dnat")) {
      p.dnat_firewall = dnat->resource;
      p.dnat_rule = dnat->rule;
    }
    if (const auto* crossed = find_hop(e.path, HopKind::kFirewall, {}, "dnat")) p.crossing_firewall = crossed->resource;
  }
  return p;
}

/// The stages of exposure `e`'s path; nullopt for a path the engine does not list (none in the examples).
inline std::optional<std::vector<solver::Stage>> stages_of(const model::Model& m, const solver::Exposure& e) {
  if (e.target_kind == RK::kPaasService) {
    const bool scm = std::any_of(e.path.begin(), e.path.end(), [](const auto& h) { return solver::is_scm(h); });
    return solver::paas_path(m, e.target, scm);
  }
  if (e.nic >= 0) return solver::inbound_path(m, entry_of(e), model::IpConfigIndex{e.nic, e.ip_configuration});
  if (e.target_kind == RK::kBastionHost || e.target_kind == RK::kApplicationGateway || e.target_kind == RK::kFirewall) {
    solver::PathEntry p = entry_of(e);
    p.gateway = e.target;
    return solver::entry_point_path(m, e.target_kind, p);
  }
  return std::nullopt;
}

/// What kind of path an exposure has, for the counts: "paas", "own:<kind>" or the via.
inline std::string kind_of(const solver::Exposure& e) {
  if (e.target_kind == RK::kPaasService) return "paas";
  if (e.nic < 0) return std::string("own:") + model::to_string(e.target_kind);
  return solver::to_string(e.via);
}

/// analyze's path of `e` against its stages: every stage but the routes (an exposure shows a route, before its NSGs,
/// only when it breaks the flow or the entry decides it), a Developer Bastion's own entry, an application gateway
/// backend's listener (its path names the routing rule), and a PaaS endpoint's served port and the setting that did
/// not decide (it shows the one that did).
inline void check_analyzed(const solver::Exposure& e, const std::vector<solver::Stage>& stages) {
  const solver::Hop* paas = find_hop(e.path, HopKind::kPaas);
  std::vector<Step> want, got;
  for (const auto& s : stages) {
    const std::string_view scope = s.scope;
    if (s.kind == HopKind::kRoute) continue;
    if (s.kind == HopKind::kEntry && s.resource_kind == RK::kBastionHost) continue;
    if (e.nic >= 0 && s.kind == HopKind::kApplicationGateway && scope == "listener") continue;
    if (s.kind == HopKind::kPaas && paas != nullptr) {
      if (scope == "endpoint") continue;
      const bool access = scope.find("public-network-access") != std::string_view::npos;
      const bool decided_by_access = std::string_view(paas->scope).find("public-network-access") != std::string::npos;
      if (scope != "public-data-endpoint" && access != decided_by_access) continue;
    }
    want.push_back(step_of(s, s.kind != HopKind::kAdminRule));  // an admin hop does not carry the stage's scope
  }
  for (const auto& h : e.path) {
    if (h.kind != HopKind::kRoute) got.push_back(step_of_hop(h));
  }
  skip_nsgs_after_always_allow(want, got);
  INFO("stages: " << text(want));
  INFO("analyze: " << text(got));
  CHECK(same(want, got));
}

/// The packet explain() is asked about for exposure `e` (its first source, source port and entry port), or nullopt
/// where explain does not follow that entry: an entry address unknown, an appliance.
inline std::optional<solver::FlowQuery> query_of(const model::Model& m, const solver::Exposure& e) {
  solver::FlowQuery q;
  q.source = model::IpAddress{e.sources.intervals().front().lo};
  q.protocol = e.protocol;
  q.source_port = e.source_ports.intervals().front().lo;
  q.destination_port = e.entry_ports.intervals().front().lo;
  if (e.target_kind == RK::kPaasService) {
    const auto& s = m.paas_services[e.target];
    const bool scm = std::any_of(e.path.begin(), e.path.end(), [](const auto& h) { return solver::is_scm(h); });
    if (scm && s.scm_host_name.empty()) return std::nullopt;
    q.target = scm ? s.scm_host_name : s.id;
    return q;
  }
  std::optional<model::IpAddress> at = e.entry_address;
  if (e.public_ip >= 0) at = m.public_ips[e.public_ip].address;
  if (e.nic >= 0) {
    const auto& nic = m.nics[e.nic];
    const std::string id = model::ip_configuration_id(nic, nic.ip_configurations[e.ip_configuration]);
    if (e.via == Via::kBastion) {  // a session: --via bastion:NAME to the ip configuration, on a port of the target
      q.via_bastion = true;
      q.bastion = m.bastion_hosts[e.gateway].id;
      q.target = id;
      q.destination_port = e.ports.intervals().front().lo;
      return q;
    }
    if (e.via != Via::kPublicIp && e.via != Via::kLoadBalancer && e.via != Via::kLoadBalancerNat &&
        e.via != Via::kFirewallDnat && e.via != Via::kApplicationGateway) {
      return std::nullopt;
    }
    // A load balancer's backend (also an internal one behind a firewall's DNAT rule) or a gateway's: --backend.
    if (e.via != Via::kPublicIp && (e.via != Via::kFirewallDnat || e.load_balancer >= 0)) q.backend = id;
  }
  if (!at) return std::nullopt;
  q.target = at->to_string();
  return q;
}

/// explain's hops for one packet of `e` against its stages: every stage but analyze's target, in the same order, each
/// decided. explain names the scope of NSG, application gateway and PaaS hops only; an entry point's own subnet NSG
/// it names for the entry point (not compared); an entry point's own entry (a listener, a firewall's DNAT rule) is the
/// head of explain's trace, which follows the packet on to the backend. A load balancer hop (a public frontend's, or
/// an internal load balancer's behind an application gateway or a firewall's DNAT rule) has the stage's rule. The
/// verdict of a flow to an ip configuration is analyze's: allowed for an exposure, broken for a `broken` flow.
inline void check_explained(const model::Model& m, const solver::Analysis& a, const solver::Exposure& e,
                            const std::vector<solver::Stage>& stages, const solver::FlowQuery& q, bool broken) {
  const auto t = solver::explain(m, q, &a);
  INFO("explain " << q.target << " port " << q.destination_port << " backend " << q.backend);
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  INFO(cli::verdict_text(m, t));
  const bool own = e.nic < 0 && e.target_kind != RK::kPaasService;
  if (e.nic >= 0) {
    CHECK(t.allowed == !broken);
    CHECK(t.broken == broken);
    CHECK(t.nic == e.nic);
  }
  std::vector<Step> want, got;
  std::vector<int> lb_rules_want, lb_rules_got;
  for (const auto& s : stages) {
    if (s.kind == HopKind::kTarget) continue;
    if (s.kind == HopKind::kLoadBalancer) lb_rules_want.push_back(s.rule);
    const bool scoped = s.kind == HopKind::kNsg || s.kind == HopKind::kNoNsg ||
                        s.kind == HopKind::kApplicationGateway || s.kind == HopKind::kPaas;
    const bool own_nsg = own && (s.kind == HopKind::kNsg || s.kind == HopKind::kNoNsg);
    want.push_back(step_of(s, scoped && !own_nsg));
  }
  for (const auto& h : t.hops) {
    // explain's source hop names the client, not a resource.
    Step st = step_of_hop(h);
    if (h.kind == HopKind::kSource) st = Step{HopKind::kSource, RK::kInternet, -1, "", true};
    got.push_back(st);
    if (h.kind == HopKind::kLoadBalancer) lb_rules_got.push_back(h.lb_rule);
  }
  skip_nsgs_after_always_allow(want, got);
  if (own && got.size() > want.size()) {  // the entry point's own part of the trace
    got.resize(want.size());
    if (lb_rules_got.size() > lb_rules_want.size()) lb_rules_got.resize(lb_rules_want.size());
  }
  INFO("stages: " << text(want));
  INFO("explain: " << text(got));
  CHECK(same(want, got));
  CHECK(lb_rules_got == lb_rules_want);
}

/// Checks every exposure and broken flow of `a` whose path the engine lists, against analyze and explain.
inline void check_paths(const model::Model& m, const solver::Analysis& a, Counts& n) {
  for (const auto* list : {&a.exposures, &a.broken}) {
    for (const auto& e : *list) {
      const auto stages = stages_of(m, e);
      if (!stages) continue;
      INFO(kind_of(e) << " to " << model::to_string(e.target_kind) << " " << e.target);
      check_analyzed(e, *stages);
      ++n.analyzed[kind_of(e)];
      const bool broken = list == &a.broken;
      const auto q = query_of(m, e);
      if (!q) continue;
      check_explained(m, a, e, *stages, *q, broken);
      ++(broken ? n.explained_broken : n.explained)[kind_of(e)];
    }
  }
}

}  // namespace exposim::testing::path_check
