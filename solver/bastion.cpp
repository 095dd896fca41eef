// Azure Bastion (docs/model.md#azure-bastion): a Bastion host's own entry (443 through its subnet's NSG) and the
// sessions it opens to the ip configurations of its VNet and the VNets peered with it.
#include "solver/bastion.h"
#include "solver/address_space.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "solver/gateway_flows.h"
#include "solver/network.h"
#include "solver/nsg.h"
#include "solver/path.h"

namespace exposim::solver {
namespace forwarding_internal {

using model::Protocol;
using RK = model::ResourceKind;
using K = HopKind;

void Builder::bastion(int bi) {
  const auto& b = m_.bastion_hosts[bi];
  const model::BastionIpConfiguration* cfg = bastion_entry(b);
  const PortSet ports = bastion_ports(b);
  const IpSet internet = space_.internet(model::IpFamily::kV4);
  if (b.sku == model::BastionSku::kDeveloper) {
    // A shared Bastion reached through the portal: no public IP of its own, the VM's VNet only.
    const int vnet = b.virtual_network.index;
    if (vnet < 0) {
      findings_.warning("entry-subnet-unknown", b.where,
                        fmt::format("Bastion '{}' (Developer SKU): its virtual network is not in the input, so "
                                    "the VMs it reaches are not reported",
                                    b.name));
      return;
    }
    forward_bastion(bi, -1, bastion_vnets(m_, b), azure_platform_address(), -1, std::nullopt, Admitted{-1, internet},
                    internet, ports);
    return;
  }
  if (cfg == nullptr || !cfg->public_ip.set() || b.enable_private_only) return;  // private only: no internet entry
  const int pip = cfg->public_ip.index;
  const int subnet = cfg->subnet.index;
  const NsgSlot slot = subnet_nsg_slot(m_, cfg->subnet);
  const IpSet frontends = pip >= 0 && m_.public_ips[pip].address ? model::to_set(*m_.public_ips[pip].address) : IpSet{};
  const int vnet = vnet_of(m_, cfg->subnet);
  const std::set<int> vnets = bastion_vnets(m_, b);
  const IpSet inner = subnet_space(m_, subnet);
  if (inner.empty()) {
    findings_.warning("entry-subnet-unknown", b.where,
                      fmt::format("Bastion '{}': its subnet is not in the input (or has no prefix), so the address "
                                  "its sessions come from is unknown: the VMs it reaches are not reported",
                                  b.name));
  }
  PathEntry how;
  how.via = Via::kBastion;
  how.gateway = bi;
  how.public_ip = pip;
  const std::vector<Stage> stages = entry_point_path(m_, RK::kBastionHost, how);  // the host's own entry
  for (const auto& a : admitted(m_, space_, slot, subnet, frontends, internet, single(443))) {
    std::vector<Hop> path;
    for (const Stage& s : stages) {
      Hop h = hop_of(s);
      if (s.kind == K::kNsg && s.resource >= 0) h.rule = a.rule;  // the subnet's NSG on 443, decided
      path.push_back(h);
    }
    out_.own.push_back(own_exposure(RK::kBastionHost, bi, pip, single(443), a, internet, std::move(path)));
    if (inner.empty()) continue;  // the subnet is not in the input: the sessions' source is unknown
    forward_bastion(bi, pip, vnets, inner, vnet, first_address(m_, subnet), a, internet, ports);
  }
}

void Builder::forward_bastion(int bi, int pip, const std::set<int>& vnets, const IpSet& inner, int vnet,
                              const std::optional<model::IpAddress>& from, const Admitted& a, const IpSet& internet,
                              const PortSet& ports) {
  auto shared = std::make_shared<ForwardedEntry>();
  shared->via = Via::kBastion;
  shared->gateway = bi;
  shared->public_ip = pip;
  shared->inner_sources = inner;
  shared->inner_key = key_of(inner);
  shared->sources = a.sources;
  shared->any_source = a.sources == internet;
  shared->ports = ports;
  shared->entry_ports = single(443);
  shared->entry_nsg_rule = a.rule;  // the session's stages (solver/path.h) make its path
  for (const auto& x : ip_configurations_in(m_, vnets)) {
    // Routes on the AzureBastionSubnet are not supported by Azure: only the target's reply route can divert.
    forward(shared, x, path_breaks(m_, RK::kBastionHost, bi, vnet, from, x, std::nullopt, false));
  }
}

}  // namespace forwarding_internal

const model::BastionIpConfiguration* bastion_entry(const model::BastionHost& b) {
  const model::BastionIpConfiguration* cfg = nullptr;
  for (const auto& c : b.ip_configurations) {
    if (cfg == nullptr || (!cfg->public_ip.set() && c.public_ip.set())) cfg = &c;
  }
  return cfg;
}

std::set<int> bastion_vnets(const model::Model& m, const model::BastionHost& b) {
  std::set<int> vnets;
  if (b.sku == model::BastionSku::kDeveloper) {  // a shared Bastion: the VM's VNet only
    if (b.virtual_network.index >= 0) vnets.insert(b.virtual_network.index);
    return vnets;
  }
  const auto* cfg = bastion_entry(b);
  const int vnet = cfg != nullptr ? forwarding_internal::vnet_of(m, cfg->subnet) : -1;
  if (vnet < 0) return vnets;
  vnets.insert(vnet);
  for (std::size_t v = 0; v < m.vnets.size(); ++v) {
    if (peering_connects(m, vnet, static_cast<int>(v))) vnets.insert(static_cast<int>(v));
  }
  return vnets;
}

std::vector<model::IpConfigIndex> ip_configurations_in(const model::Model& m, const std::set<int>& vnets) {
  std::vector<model::IpConfigIndex> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& nic = m.nics[n];
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& cfg = nic.ip_configurations[c];
      if (cfg.family != model::IpFamily::kV4 || !cfg.subnet.resolved()) continue;
      if (vnets.count(m.subnets[cfg.subnet.index].vnet.index) == 0) continue;
      out.push_back({static_cast<int>(n), static_cast<int>(c)});
    }
  }
  return out;
}

PortSet bastion_ports(const model::BastionHost& b) {
  if (b.sku == model::BastionSku::kStandard || b.sku == model::BastionSku::kPremium) return PortSet::all();
  PortSet s;
  s.add(22, 22);
  s.add(3389, 3389);
  return s;
}

}  // namespace exposim::solver
