// Azure Load Balancer in the analysis (docs/model.md#load-balancers): the entries of a public load balancer's
// load-balancing rules, inbound NAT rules (v1 and v2) and inbound NAT pools, each to the ip configurations it reaches.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>

#include "solver/analyzer.h"
#include "solver/load_balancer.h"
#include "solver/scale_set.h"

namespace exposim::solver::analysis_internal {

using model::Protocol;

void Analyzer::load_balancer(int l) {
  const auto& lb = m_.load_balancers[l];
  auto base = [&](Via via, const model::Ref& frontend, int rule, model::ProtocolMask protocols,
                  std::uint16_t frontend_port, std::uint16_t backend_port, bool floating) {
    Entry e;
    e.via = via;
    e.public_ip = lb.frontends[frontend.child].public_ip.index;
    e.sku = lb.sku;
    e.load_balancer = l;
    e.frontend = frontend.child;
    e.rule = rule;
    e.protocols = protocols;
    if (frontend_port == 0) {
      e.ports = PortSet::all();  // HA ports: every port, unchanged
    } else {
      e.ports = PortSet{};
      e.ports.add(backend_port, backend_port);
      e.frontend_port = frontend_port;
    }
    e.floating_ip = floating;
    return e;
  };
  // A port only known at deployment is every port (docs/model.md, "Unknown values"): the target's, or the one
  // clients connect to.
  auto widen = [](Entry e, bool frontend_unknown, bool backend_unknown) {
    if (backend_unknown) e.ports = PortSet::all();
    if (frontend_unknown) {
      e.frontend_port = -1;
      e.entry_ports = PortSet::all();
    }
    return e;
  };
  // The entry of one target: the same for every member of a load-balancing rule or v1 NAT rule, per member port for
  // v2 NAT rules and NAT pools.
  auto entry = [&](const LbTarget& t) {
    using K = LbTarget::Kind;
    switch (t.kind) {
      case K::kRule: {
        const auto& rule = lb.rules[t.rule];
        return widen(
            base(Via::kLoadBalancer, rule.frontend, t.rule, rule.protocols,
                 rule.frontend_port_unknown ? 1 : rule.frontend_port, rule.backend_port, rule.enable_floating_ip),
            rule.frontend_port_unknown, rule.backend_port_unknown);
      }
      case K::kNatRule: {
        const auto& rule = lb.nat_rules[t.rule];
        if (rule.backend_pool.set()) {
          // v2 form: the member's port, or every port with a range only known at deployment.
          return widen(base(Via::kLoadBalancerNat, rule.frontend, t.rule, rule.protocols,
                            t.frontend_port ? *t.frontend_port : 1, rule.backend_port, rule.enable_floating_ip),
                       !t.frontend_port, rule.backend_port_unknown);
        }
        return widen(
            base(Via::kLoadBalancerNat, rule.frontend, t.rule, rule.protocols,
                 rule.frontend_port_unknown ? 1 : rule.frontend_port, rule.backend_port, rule.enable_floating_ip),
            rule.frontend_port_unknown, rule.backend_port_unknown);
      }
      case K::kNatPool: break;
    }
    const auto& pool = lb.nat_pools[t.rule];
    Entry e = widen(base(Via::kLoadBalancerNat, pool.frontend, t.rule, pool.protocols,
                         t.frontend_port ? *t.frontend_port : 1, pool.backend_port, pool.enable_floating_ip),
                    !t.frontend_port, pool.backend_port_unknown);
    e.nat_pool = true;
    return e;
  };
  std::optional<Entry> e;
  const LbTarget* made = nullptr;  // the target `e` was made for
  for (const LbTarget& t : lb_targets(m_, l)) {
    if (made == nullptr || t.kind != made->kind || t.rule != made->rule || t.frontend_port != made->frontend_port) {
      e = entry(t);
    }
    made = &t;
    target(t.x.nic, t.x.ip_configuration, *e);
  }
}

}  // namespace exposim::solver::analysis_internal

namespace exposim::solver {

using model::Protocol;

std::optional<std::uint16_t> nat_rule_member_port(const model::LbNatRule& rule, std::size_t i) {
  if (!rule.frontend_port_range_start || !rule.frontend_port_range_end) return std::nullopt;
  const int port = *rule.frontend_port_range_start + static_cast<int>(i);
  if (port > *rule.frontend_port_range_end) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

std::optional<std::size_t> nat_rule_member_at(const model::LbNatRule& rule, int port) {
  if (!rule.frontend_port_range_start || !rule.frontend_port_range_end) return std::nullopt;
  if (port < *rule.frontend_port_range_start || port > *rule.frontend_port_range_end) return std::nullopt;
  return static_cast<std::size_t>(port - *rule.frontend_port_range_start);
}

std::vector<LbTarget> lb_targets(const model::Model& m, int l, int frontend) {
  using K = LbTarget::Kind;
  const auto& lb = m.load_balancers[l];
  // Whether a rule's frontend is one to enumerate: public (has a public IP), and `frontend` when given.
  auto entered = [&](const model::Ref& ref) {
    if (ref.child < 0 || (frontend >= 0 && ref.child != frontend)) return false;
    return lb.frontends[ref.child].public_ip.set();
  };
  std::vector<LbTarget> out;
  for (std::size_t r = 0; r < lb.rules.size(); ++r) {
    const auto& rule = lb.rules[r];
    if (!entered(rule.frontend)) continue;
    std::set<model::IpConfigIndex> done;  // a member of two of the rule's pools is reached once
    for (const auto& pool : rule.backend_pools) {
      if (pool.child < 0) continue;
      for (const auto& x : lb.backend_pools[pool.child].members) {
        if (done.insert(x).second) out.push_back(LbTarget{K::kRule, static_cast<int>(r), x, std::nullopt});
      }
    }
  }
  for (std::size_t r = 0; r < lb.nat_rules.size(); ++r) {
    const auto& rule = lb.nat_rules[r];
    if (!entered(rule.frontend)) continue;
    const int ri = static_cast<int>(r);
    if (!rule.backend_pool.set()) {
      for (const auto& x : rule.targets) out.push_back(LbTarget{K::kNatRule, ri, x, std::nullopt});
      continue;
    }
    if (rule.backend_pool.child < 0) continue;
    const auto& members = lb.backend_pools[rule.backend_pool.child].members;
    if (rule.frontend_port_unknown) {
      // A range only known at deployment: every member on every port.
      for (const auto& x : members) out.push_back(LbTarget{K::kNatRule, ri, x, std::nullopt});
      continue;
    }
    // The i-th member (NIC id, then ip configuration name) gets frontend_port_range_start + i.
    for (std::size_t i = 0; i < members.size(); ++i) {
      const auto port = nat_rule_member_port(rule, i);
      if (!port) break;
      out.push_back(LbTarget{K::kNatRule, ri, members[i], port});
    }
  }
  for (std::size_t r = 0; r < lb.nat_pools.size(); ++r) {
    const auto& pool = lb.nat_pools[r];
    if (!entered(pool.frontend)) continue;
    for (const auto& x : pool.members) {
      const int port = nat_pool_port(pool, x.instance);
      if (pool.frontend_port_unknown) {
        out.push_back(LbTarget{K::kNatPool, static_cast<int>(r), x.target, std::nullopt});
      } else if (x.instance >= 0 && port <= pool.frontend_port_range_end) {
        out.push_back(LbTarget{K::kNatPool, static_cast<int>(r), x.target, static_cast<std::uint16_t>(port)});
      }
    }
  }
  return out;
}

std::vector<InternalLbLeg> internal_lb_legs_any(const model::Model& m, int l, int frontend) {
  std::vector<InternalLbLeg> out;
  std::set<int> seen;  // each rule once
  for (const auto& rule : m.load_balancers[l].rules) {
    if (rule.frontend.child != frontend) continue;
    for (auto& leg : internal_lb_legs(m, l, frontend, rule.frontend_port == 0 ? 1 : rule.frontend_port)) {
      if (seen.insert(leg.rule).second) out.push_back(std::move(leg));
    }
  }
  return out;
}

std::vector<InternalLbLeg> internal_lb_legs(const model::Model& m, int l, int frontend, std::uint16_t port) {
  std::vector<InternalLbLeg> out;
  const auto& lb = m.load_balancers[l];
  for (std::size_t lr = 0; lr < lb.rules.size(); ++lr) {
    const auto& rule = lb.rules[lr];
    if (rule.frontend.child != frontend || !(rule.protocols & model::bit(Protocol::kTcp))) continue;
    const bool ha = rule.frontend_port == 0;
    if (!ha && rule.frontend_port != port) continue;
    InternalLbLeg leg;
    leg.rule = static_cast<int>(lr);
    leg.frontend_port = ha ? -1 : rule.frontend_port;
    leg.backend_port = ha ? port : rule.backend_port;
    std::set<model::IpConfigIndex> done;  // a member of two of the rule's pools once
    for (const auto& pool_ref : rule.backend_pools) {
      if (pool_ref.child < 0) continue;
      for (const auto& x : lb.backend_pools[pool_ref.child].members) {
        if (done.insert(x).second) leg.members.push_back(x);
      }
    }
    out.push_back(std::move(leg));
  }
  return out;
}

}  // namespace exposim::solver
