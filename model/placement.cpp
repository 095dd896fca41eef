// The subnets and virtual networks a resource sits in (model/placement.h).
#include "model/placement.h"

#include <algorithm>

namespace exposim::model {
namespace {

void add_once(std::vector<int>& to, int i) {
  if (std::find(to.begin(), to.end(), i) == to.end()) to.push_back(i);
}

void add_subnet(const Ref& subnet, Placement& p) {
  if (subnet.resolved()) add_once(p.subnets, subnet.index);
}

/// The subnets of every item of `items` (ip configurations, frontends).
template <typename Items>
void add_subnets(const Items& items, Placement& p) {
  for (const auto& c : items) add_subnet(c.subnet, p);
}

}  // namespace

std::optional<GraphVertex> Placement::frame() const {
  if (!subnets.empty()) return GraphVertex{ResourceKind::kSubnet, subnets.front()};
  if (!vnets.empty()) return GraphVertex{ResourceKind::kVirtualNetwork, vnets.front()};
  return std::nullopt;
}

Placement placement(const Model& m, ResourceKind kind, int index, int ip_configuration) {
  Placement p;
  const Ref* own_vnet = nullptr;
  switch (kind) {
    case ResourceKind::kSubnet: own_vnet = &m.subnets[index].vnet; break;
    case ResourceKind::kNetworkInterface: {
      const auto& configs = m.nics[index].ip_configurations;
      if (ip_configuration >= 0) {
        add_subnet(configs[ip_configuration].subnet, p);
      } else {
        add_subnets(configs, p);
      }
      break;
    }
    case ResourceKind::kLoadBalancer: add_subnets(m.load_balancers[index].frontends, p); break;
    case ResourceKind::kFirewall: add_subnets(m.firewalls[index].ip_configurations, p); break;
    case ResourceKind::kBastionHost:
      add_subnets(m.bastion_hosts[index].ip_configurations, p);
      own_vnet = &m.bastion_hosts[index].virtual_network;
      break;
    case ResourceKind::kApplicationGateway:
      add_subnets(m.application_gateways[index].gateway_ip_configurations, p);
      break;
    case ResourceKind::kPrivateEndpoint: add_subnet(m.private_endpoints[index].subnet, p); break;
    default: break;
  }
  for (const int s : p.subnets) {
    if (m.subnets[s].vnet.resolved()) add_once(p.vnets, m.subnets[s].vnet.index);
  }
  if (own_vnet != nullptr && own_vnet->resolved()) add_once(p.vnets, own_vnet->index);
  return p;
}

}  // namespace exposim::model
