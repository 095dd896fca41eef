// NAT gateways and public IP prefixes: their part of validation (the references between subnets, NAT gateways,
// public IPs, prefixes and load balancer frontends), and the warning for inbound rules on a frontend that takes its
// addresses from a prefix.
#include "model/nat_gateway.h"

#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/resolver.h"

namespace exposim::model {
namespace {

/// Warns when an inbound rule of a load balancer uses a frontend that names a public IP prefix and no public IP:
/// Azure uses such a frontend for outbound rules only, so the rule admits nothing (docs/model.md, "NAT gateways and
/// public IP prefixes").
void warn_inbound_on_prefix_frontend(Resolver& rs, const LoadBalancer& lb, const Ref& frontend, const char* what,
                                     const std::string& name, const SourceLocation& where) {
  if (!frontend.resolved() || frontend.child < 0) return;
  const LbFrontend& fe = rs.model.load_balancers[frontend.index].frontends[frontend.child];
  if (!fe.public_ip_prefix.set() || fe.public_ip.set() || fe.subnet.set()) return;
  const Ref& prefix = fe.public_ip_prefix;
  rs.diags.warning("outbound-only-frontend", where,
                   fmt::format("load balancer '{}': {} '{}' uses frontend '{}', which takes its addresses from public "
                               "IP prefix '{}': Azure uses a prefix for outbound rules only, so nothing inbound is "
                               "reported through it",
                               lb.name, what, name, fe.name,
                               prefix.resolved() ? rs.model.public_ip_prefixes[prefix.index].name : prefix.id.str()));
}

}  // namespace

void resolve_nat_gateways(Resolver& rs) {
  Model& m = rs.model;
  // None of these references decides an inbound answer: a missing target is a note, never an error.
  for (auto& p : m.public_ips) {
    rs.resolve(p.prefix, ResourceKind::kPublicIpPrefix, p.where, p.flattened, "/publicIPPrefix/id", false);
  }
  for (std::size_t i = 0; i < m.public_ips.size(); ++i) {
    const Ref& prefix = m.public_ips[i].prefix;
    if (prefix.resolved()) m.public_ip_prefixes[prefix.index].public_ips.push_back(static_cast<int>(i));
  }
  for (auto& lb : m.load_balancers) {
    for (auto& fe : lb.frontends) {
      rs.resolve(fe.public_ip_prefix, ResourceKind::kPublicIpPrefix, fe.where, fe.flattened, "/publicIPPrefix/id",
                 false);
    }
    for (const auto& r : lb.rules) {
      warn_inbound_on_prefix_frontend(rs, lb, r.frontend, "load-balancing rule", r.name, r.where);
    }
    for (const auto& r : lb.nat_rules) {
      warn_inbound_on_prefix_frontend(rs, lb, r.frontend, "inbound NAT rule", r.name, r.where);
    }
    for (const auto& r : lb.nat_pools) {
      warn_inbound_on_prefix_frontend(rs, lb, r.frontend, "inbound NAT pool", r.name, r.where);
    }
  }
  for (auto& s : m.subnets) {
    rs.resolve(s.nat_gateway, ResourceKind::kNatGateway, s.where, s.flattened, "/natGateway/id", false);
  }
  for (std::size_t g = 0; g < m.nat_gateways.size(); ++g) {
    auto& gw = m.nat_gateways[g];
    for (std::size_t i = 0; i < gw.public_ips.size(); ++i) {
      rs.resolve(gw.public_ips[i], ResourceKind::kPublicIp, gw.where, gw.flattened,
                 fmt::format("/publicIpAddresses/{}/id", i), false);
    }
    for (std::size_t i = 0; i < gw.public_ip_prefixes.size(); ++i) {
      rs.resolve(gw.public_ip_prefixes[i], ResourceKind::kPublicIpPrefix, gw.where, gw.flattened,
                 fmt::format("/publicIpPrefixes/{}/id", i), false);
    }
    // The gateway's `subnets` is Azure's read-only mirror of the subnets' `natGateway`: a subnet it lists that
    // names no gateway is attached to it; one that names another is an `inconsistent-reference` warning.
    std::vector<Ref> missing;
    for (auto& ref : gw.subnets) {
      auto v = m.find(ref.id);
      if (!v || v->kind != ResourceKind::kSubnet) {
        missing.push_back(ref);
        continue;
      }
      rs.attach(m.subnets[v->index].nat_gateway, gw, g, m.subnets[v->index].where, "NAT gateway");
    }
    gw.subnets = std::move(missing);
  }
  // Every subnet attached to a gateway, in the Model's order, after those the gateway lists that are not in the input.
  for (std::size_t i = 0; i < m.subnets.size(); ++i) {
    const Ref& gw = m.subnets[i].nat_gateway;
    if (gw.resolved()) m.nat_gateways[gw.index].subnets.push_back(Ref{m.subnets[i].key, static_cast<int>(i)});
  }
}

}  // namespace exposim::model
