// Azure Bastion: names of its SKUs, and its part of validation.
#include "model/bastion.h"

#include "model/resolver.h"

namespace exposim::model {

const char* to_string(BastionSku s) {
  switch (s) {
    case BastionSku::kDeveloper: return "Developer";
    case BastionSku::kBasic: return "Basic";
    case BastionSku::kStandard: return "Standard";
    case BastionSku::kPremium: return "Premium";
  }
  return "?";
}

/// Bastion hosts: their subnets, public IPs and (Developer SKU) virtual network.
void resolve_bastions(Resolver& rs) {
  Model& m = rs.model;
  using RK = ResourceKind;
  for (auto& b : m.bastion_hosts) {
    for (auto& c : b.ip_configurations) {
      rs.resolve(c.subnet, RK::kSubnet, c.where, c.flattened, "/subnet/id");
      // The public IP resource only supplies the address: its absence changes no answer.
      rs.resolve(c.public_ip, RK::kPublicIp, c.where, c.flattened, "/publicIPAddress/id", false);
    }
    rs.resolve(b.virtual_network, RK::kVirtualNetwork, b.where, b.flattened, "/virtualNetwork/id");
  }
}

}  // namespace exposim::model
