// Load balancers: their part of validation (frontends' public IPs and subnets, the references of rules and inbound
// NAT rules to frontends and backend pools, the ip configurations listing pools and NAT rules).
#include "model/load_balancer.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "model/resolver.h"
#include "model/unknown.h"

namespace exposim::model {

/// Fills the resolver's indexes of load balancer children by id (frontends, backend pools, inbound NAT rules and
/// pools).
void index_load_balancer_children(Resolver& rs) {
  const Model& m = rs.model;
  for (std::size_t l = 0; l < m.load_balancers.size(); ++l) {
    const auto& lb = m.load_balancers[l];
    const int li = static_cast<int>(l);
    for (std::size_t i = 0; i < lb.frontends.size(); ++i) {
      if (!lb.frontends[i].key.empty())
        rs.lb_frontends.emplace(lb.frontends[i].key, std::make_pair(li, static_cast<int>(i)));
    }
    for (std::size_t i = 0; i < lb.backend_pools.size(); ++i) {
      if (!lb.backend_pools[i].key.empty())
        rs.lb_pools.emplace(lb.backend_pools[i].key, std::make_pair(li, static_cast<int>(i)));
    }
    for (std::size_t i = 0; i < lb.nat_rules.size(); ++i) {
      if (!lb.nat_rules[i].key.empty())
        rs.lb_nat_rules.emplace(lb.nat_rules[i].key, std::make_pair(li, static_cast<int>(i)));
    }
    for (std::size_t i = 0; i < lb.nat_pools.size(); ++i) {
      if (!lb.nat_pools[i].key.empty())
        rs.lb_nat_pools.emplace(lb.nat_pools[i].key, std::make_pair(li, static_cast<int>(i)));
    }
  }
}

void resolve_load_balancers(Resolver& rs) {
  Model& m = rs.model;
  // Public IPs that name the frontend they serve (the back-reference): never a NIC ip configuration.
  for (std::size_t p = 0; p < m.public_ips.size(); ++p) {
    const auto& pip = m.public_ips[p];
    if (!pip.attached_ip_configuration.set()) continue;
    auto it = rs.lb_frontends.find(pip.attached_ip_configuration.id);
    if (it == rs.lb_frontends.end()) continue;
    auto& fe = m.load_balancers[it->second.first].frontends[it->second.second];
    if (!fe.public_ip.set()) fe.public_ip = Ref{pip.key, static_cast<int>(p)};
  }
  for (std::size_t l = 0; l < m.load_balancers.size(); ++l) {
    auto& lb = m.load_balancers[l];
    const int li = static_cast<int>(l);
    for (auto& fe : lb.frontends) {
      rs.resolve(fe.public_ip, ResourceKind::kPublicIp, fe.where, fe.flattened, "/publicIPAddress/id");
      rs.resolve(fe.subnet, ResourceKind::kSubnet, fe.where, fe.flattened, "/subnet/id", false);
    }
    for (auto& r : lb.rules) {
      rs.resolve_child(r.frontend, rs.lb_frontends, "frontend IP configuration", li, r.where, r.flattened,
                       "/frontendIPConfiguration/id");
      for (std::size_t i = 0; i < r.backend_pools.size(); ++i) {
        const std::string field =
            i == 0 && r.backend_pool_singular
                ? std::string("/backendAddressPool/id")
                : fmt::format("/backendAddressPools/{}/id", i - (r.backend_pool_singular ? 1 : 0));
        rs.resolve_child(r.backend_pools[i], rs.lb_pools, "backend address pool", li, r.where, r.flattened, field);
      }
      // A pool only known at deployment (a variable's id in a plan, `reference()` in a template) can be any pool
      // of this load balancer (a rule's pools are its own load balancer's): read as all of them, which never
      // hides an exposure (docs/model.md, "Unknown values"). The importer has warned at the field.
      if (std::any_of(r.backend_pools.begin(), r.backend_pools.end(), [](const Ref& p) { return is_unknown(p); })) {
        std::vector<Ref> pools;
        for (const Ref& p : r.backend_pools) {
          if (!is_unknown(p)) pools.push_back(p);
        }
        for (std::size_t k = 0; k < lb.backend_pools.size(); ++k) {
          const bool named = std::any_of(pools.begin(), pools.end(),
                                         [&](const Ref& p) { return p.index == li && p.child == static_cast<int>(k); });
          if (!named) pools.push_back(Ref{lb.backend_pools[k].key, li, static_cast<int>(k)});
        }
        r.backend_pools = std::move(pools);
      }
    }
    for (auto& r : lb.nat_rules) {
      rs.resolve_child(r.frontend, rs.lb_frontends, "frontend IP configuration", li, r.where, r.flattened,
                       "/frontendIPConfiguration/id");
      rs.resolve_child(r.backend_pool, rs.lb_pools, "backend address pool", li, r.where, r.flattened,
                       "/backendAddressPool/id");
    }
  }
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    auto& nic = m.nics[n];
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      auto& cfg = nic.ip_configurations[c];
      const IpConfigIndex at{static_cast<int>(n), static_cast<int>(c)};
      for (std::size_t i = 0; i < cfg.lb_backend_pools.size(); ++i) {
        auto& ref = cfg.lb_backend_pools[i];
        rs.resolve_child(ref, rs.lb_pools, "backend address pool", -1, cfg.where, cfg.flattened,
                         fmt::format("/loadBalancerBackendAddressPools/{}/id", i));
        if (ref.child >= 0) m.load_balancers[ref.index].backend_pools[ref.child].members.push_back(at);
      }
      for (std::size_t i = 0; i < cfg.lb_inbound_nat_rules.size(); ++i) {
        auto& ref = cfg.lb_inbound_nat_rules[i];
        rs.resolve_child(ref, rs.lb_nat_rules, "inbound NAT rule", -1, cfg.where, cfg.flattened,
                         fmt::format("/loadBalancerInboundNatRules/{}/id", i));
        if (ref.child >= 0) m.load_balancers[ref.index].nat_rules[ref.child].targets.push_back(at);
      }
    }
  }
  // Deterministic member order: NIC key, then ip configuration name; one entry per ip configuration.
  auto order = [&m](std::vector<IpConfigIndex>& v) {
    auto key = [&m](const IpConfigIndex& x) {
      const auto& nic = m.nics[x.nic];
      return std::tie(nic.key, nic.ip_configurations[x.ip_configuration].name);
    };
    std::sort(v.begin(), v.end(), [&](const IpConfigIndex& a, const IpConfigIndex& b) { return key(a) < key(b); });
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  for (auto& lb : m.load_balancers) {
    for (auto& pool : lb.backend_pools) order(pool.members);
    for (auto& r : lb.nat_rules) order(r.targets);
  }
}

}  // namespace exposim::model
