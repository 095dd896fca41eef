// explain() through a public load balancer frontend: the load-balancing rule, inbound NAT rule or NAT pool that takes
// the packet, and the backend it goes to.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "solver/explain/internal.h"
#include "solver/load_balancer.h"
#include "solver/scale_set.h"

namespace exposim::solver::explain_internal {

using model::Access;
using model::Direction;
using model::IpAddress;
using model::Protocol;
using K = HopKind;
using RK = model::ResourceKind;

/// The public load balancer frontends whose public IP the target text names (address, name or id).
std::vector<std::pair<int, int>> frontends_named(const model::Model& m, const std::string& text) {
  const auto ip = IpAddress::parse(text);
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  std::vector<std::pair<int, int>> out;
  for (std::size_t l = 0; l < m.load_balancers.size(); ++l) {
    const auto& fes = m.load_balancers[l].frontends;
    for (std::size_t f = 0; f < fes.size(); ++f) {
      if (!fes[f].public_ip.resolved()) continue;
      const auto& pip = m.public_ips[fes[f].public_ip.index];
      if (ip ? pip.address == ip : named(pip, canonical, lowered)) out.emplace_back(l, f);
    }
  }
  return out;
}

/// Matches the packet against the frontend's load-balancing rules, then its inbound NAT rules, as analyze()
/// enumerates them. Fills t's error fields (kBadBackend) when --backend names no member.
LbChoice load_balancer_hop(const model::Model& m, int l, int f, const FlowQuery& q, FlowTrace& t) {
  const auto& lb = m.load_balancers[l];
  const auto& fe = lb.frontends[f];
  const model::IpFamily family = m.public_ips[fe.public_ip.index].family;
  LbChoice c;
  TraceHop& h = c.hop;
  h.kind = HopKind::kLoadBalancer;
  h.resource_kind = model::ResourceKind::kLoadBalancer;
  h.resource = l;
  const bool ported = model::has_ports(q.protocol);
  // The reason of a rule (or of none) for this packet at this frontend.
  auto lb_reason = [&](ReasonCode code, int rule) {
    Reason why;
    why.code = code;
    why.load_balancer = l;
    why.frontend = f;
    why.rule = rule;
    why.flow = FlowPacket{q.source, q.protocol, q.source_port, q.destination_port};
    return why;
  };
  auto of_family = [&](const model::IpConfigIndex& x) {
    return m.nics[x.nic].ip_configurations[x.ip_configuration].family == family;
  };
  // --backend names nothing the rule `rule` forwards the packet to (`members`).
  auto bad_backend = [&](QueryErrorCode code, int rule, bool nat_pool,
                         const std::vector<model::IpConfigIndex>& members) {
    QueryError& e = query_error(t, FlowTrace::Status::kBadBackend, QueryOption::kBackend, code);
    e.kind = model::ResourceKind::kLoadBalancer;
    e.index = l;
    e.child = rule;
    e.nat_pool = nat_pool;
    e.protocol = q.protocol;
    e.port = q.destination_port;
    for (const auto& x : members) {
      e.candidates.push_back(
          QueryCandidate{model::ResourceKind::kNetworkInterface, x.nic, x.ip_configuration, false, std::nullopt});
    }
  };
  // The position of the member --backend names (0 without --backend), or members.size() when it names none.
  auto chosen = [&](const std::vector<model::IpConfigIndex>& members) {
    if (q.backend.empty()) return std::size_t{0};
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (names_member(m, members[i], q.backend)) return i;
    }
    return members.size();
  };
  // An inbound NAT rule or pool (`nat_pool`) `rule` that forwards the packet to `to` (at most one backend for the
  // packet's port): the backend, or why --backend cannot be it.
  auto forward_nat = [&](int rule, bool nat_pool, const std::vector<model::IpConfigIndex>& to) {
    if (to.empty()) {
      if (!q.backend.empty()) bad_backend(QueryErrorCode::kBackendNatNone, rule, nat_pool, {});
      return c;
    }
    const std::size_t pick = chosen(to);
    if (pick == to.size()) {
      bad_backend(QueryErrorCode::kBackendNatOnly, rule, nat_pool, to);
      return c;
    }
    c.backend = to[pick];
    h.passes = true;
    return c;
  };
  // Load-balancing rules: the frontend port (0: HA ports, every port unchanged) and the protocol.
  for (std::size_t r = 0; r < lb.rules.size() && ported; ++r) {
    const auto& rule = lb.rules[r];
    if (rule.frontend.child != f || !(rule.protocols & model::bit(q.protocol))) continue;
    if (rule.frontend_port != 0 && rule.frontend_port != q.destination_port) continue;
    h.lb_rule = static_cast<int>(r);
    h.frontend_port = q.destination_port;
    h.backend_port = rule.frontend_port == 0 ? q.destination_port : rule.backend_port;
    c.floating_ip = rule.enable_floating_ip;
    std::set<model::IpConfigIndex> done;  // as analyze: a member of two of the rule's pools once
    for (const auto& pool : rule.backend_pools) {
      if (pool.child < 0) continue;
      for (const auto& x : lb.backend_pools[pool.child].members) {
        if (done.insert(x).second && of_family(x)) h.backends.push_back(x);
      }
    }
    h.why = lb_reason(ReasonCode::kLbRule, static_cast<int>(r));
    h.why.frontend_port = h.frontend_port;
    h.why.backend_port = h.backend_port;
    h.why.backend = LbBackend::kNone;
    if (h.backends.empty()) {
      if (!q.backend.empty()) bad_backend(QueryErrorCode::kBackendLbRuleNone, static_cast<int>(r), false, {});
      return c;
    }
    const std::size_t pick = chosen(h.backends);
    if (pick == h.backends.size()) {
      bad_backend(QueryErrorCode::kBackendNotMember, static_cast<int>(r), false, h.backends);
      return c;
    }
    c.backend = h.backends[pick];
    h.passes = true;
    h.why.members = h.backends;
    h.why.member = static_cast<int>(pick);
    h.why.backend = !q.backend.empty()       ? LbBackend::kChosen
                    : h.backends.size() == 1 ? LbBackend::kOnly
                                             : LbBackend::kFirst;
    return c;
  }
  // Inbound NAT rules: one frontend port (or, v2, a range handing port start + i to the i-th member).
  for (std::size_t r = 0; r < lb.nat_rules.size() && ported; ++r) {
    const auto& rule = lb.nat_rules[r];
    if (rule.frontend.child != f || !(rule.protocols & model::bit(q.protocol))) continue;
    std::vector<model::IpConfigIndex> to;
    std::string how;
    if (rule.backend_pool.set()) {
      if (rule.backend_pool.child < 0) continue;
      const auto member = nat_rule_member_at(rule, q.destination_port);  // solver/load_balancer.h
      if (!member) continue;
      const auto& pool = lb.backend_pools[rule.backend_pool.child];
      const std::size_t i = *member;
      h.why = lb_reason(ReasonCode::kLbNatRuleRange, static_cast<int>(r));
      h.why.member = static_cast<int>(i);
      if (i >= pool.members.size()) {
        h.why.backend = LbBackend::kBeyondPool;
      } else if (!of_family(pool.members[i])) {
        h.why.backend = LbBackend::kOtherVersion;
        h.why.members = {pool.members[i]};
      } else {
        to.push_back(pool.members[i]);
        h.why.backend = LbBackend::kForwards;
        h.why.members = to;
      }
    } else {
      if (rule.frontend_port != q.destination_port) continue;
      h.why = lb_reason(ReasonCode::kLbNatRule, static_cast<int>(r));
      for (const auto& x : rule.targets) {
        if (of_family(x)) to.push_back(x);
      }
      h.why.backend = to.empty() ? LbBackend::kNone : LbBackend::kForwards;
      h.why.members = to;
    }
    h.lb_rule = static_cast<int>(r);
    h.lb_nat = true;
    h.frontend_port = q.destination_port;
    h.backend_port = rule.backend_port;
    c.floating_ip = rule.enable_floating_ip;
    return forward_nat(static_cast<int>(r), false, to);
  }
  // Inbound NAT pools (scale sets): port start + i goes to instance i (docs/model.md, "Scale sets").
  for (std::size_t r = 0; r < lb.nat_pools.size() && ported; ++r) {
    const auto& pool = lb.nat_pools[r];
    if (pool.frontend.child != f || !(pool.protocols & model::bit(q.protocol))) continue;
    const auto at = nat_pool_instance(pool, q.destination_port);  // solver/scale_set.h
    if (!at) continue;
    const int instance = *at;
    std::vector<model::IpConfigIndex> to;
    for (const auto& x : pool.members) {
      if (x.instance == instance && of_family(x.target)) to.push_back(x.target);
    }
    h.why = lb_reason(ReasonCode::kLbNatPool, static_cast<int>(r));
    h.why.member = instance;
    h.why.backend = to.empty() ? LbBackend::kNone : LbBackend::kForwards;
    h.why.members = to;
    h.lb_rule = static_cast<int>(r);
    h.lb_nat = true;
    h.lb_nat_pool = true;
    h.frontend_port = q.destination_port;
    h.backend_port = pool.backend_port;
    c.floating_ip = pool.enable_floating_ip;
    return forward_nat(static_cast<int>(r), true, to);
  }
  h.why = lb_reason(ReasonCode::kLbNoRule, -1);
  return c;  // a --backend has nothing to choose from: the hop says why the packet stops
}

TraceHop internal_lb_hop(const model::Model& m, const EntryPoint& from, int l, int rule,
                         const std::optional<IpAddress>& address, std::uint16_t frontend_port,
                         std::uint16_t backend_port, std::vector<model::IpConfigIndex> members, std::size_t pick,
                         bool chosen) {
  (void)m;
  TraceHop h;
  h.kind = HopKind::kLoadBalancer;
  h.resource_kind = model::ResourceKind::kLoadBalancer;
  h.resource = l;
  h.lb_rule = rule;
  h.frontend_port = frontend_port;
  h.backend_port = backend_port;
  h.passes = pick < members.size();
  h.backends = members;
  h.why.code = ReasonCode::kLbRule;
  h.why.entry = from;
  h.why.load_balancer = l;
  h.why.rule = rule;
  h.why.address = address;
  h.why.flow.protocol = Protocol::kTcp;
  h.why.flow.destination_port = frontend_port;
  h.why.frontend_port = frontend_port;
  h.why.backend_port = backend_port;
  h.why.member = static_cast<int>(pick);
  h.why.backend = !h.passes             ? LbBackend::kNone
                  : chosen              ? LbBackend::kChosen
                  : members.size() == 1 ? LbBackend::kOnly
                                        : LbBackend::kFirst;
  h.why.members = std::move(members);
  return h;
}

}  // namespace exposim::solver::explain_internal
