// Public IPs, network interfaces and virtual machines: SKU names, ip configuration ids, and their part of validation
// (NICs' and VMs' references, public IPs shared by two NICs).
#include "model/compute.h"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/resolver.h"

namespace exposim::model {

const char* to_string(Sku s) { return s == Sku::kBasic ? "Basic" : "Standard"; }

const char* to_string(OsType t) {
  switch (t) {
    case OsType::kLinux: return "linux";
    case OsType::kWindows: return "windows";
    case OsType::kUnknown: break;
  }
  return "unknown";
}

std::string ip_configuration_id(const NetworkInterface& nic, const IpConfiguration& cfg) {
  return cfg.id.empty() ? nic.id + "/ipConfigurations/" + cfg.name : cfg.id;
}

void drop_derivable_id(const NetworkInterface& nic, IpConfiguration& cfg) {
  if (cfg.id.empty() || nic.id.empty()) return;
  std::string written = std::move(cfg.id);
  cfg.id = std::string();
  if (ip_configuration_id(nic, cfg) != written) cfg.id = std::move(written);  // not derivable: kept
}

/// Fills the resolver's index of ip configurations by id.
void index_ip_configurations(Resolver& rs) {
  const Model& m = rs.model;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
      const auto& key = m.nics[n].ip_configurations[c].key;
      if (!key.empty()) rs.ip_configs.emplace(key, std::make_pair(static_cast<int>(n), static_cast<int>(c)));
    }
  }
}

void resolve_nics(Resolver& rs) {
  Model& m = rs.model;
  // Public IPs that name their ip configuration.
  for (std::size_t p = 0; p < m.public_ips.size(); ++p) {
    auto& pip = m.public_ips[p];
    if (!pip.attached_ip_configuration.set()) continue;
    auto it = rs.ip_configs.find(pip.attached_ip_configuration.id);
    if (it == rs.ip_configs.end()) continue;  // attached to something not modelled (LB, gateway) or absent
    auto& cfg = m.nics[it->second.first].ip_configurations[it->second.second];
    if (!cfg.public_ip.set()) cfg.public_ip = Ref{pip.key, static_cast<int>(p)};
  }
  for (auto& nic : m.nics) {
    rs.resolve(nic.nsg, ResourceKind::kNetworkSecurityGroup, nic.where, nic.flattened, "/networkSecurityGroup/id");
    rs.resolve(nic.virtual_machine, ResourceKind::kVirtualMachine, nic.where, nic.flattened, "/virtualMachine/id",
               false);
    for (auto& cfg : nic.ip_configurations) {
      rs.resolve(cfg.subnet, ResourceKind::kSubnet, cfg.where, cfg.flattened, "/subnet/id");
      rs.resolve(cfg.public_ip, ResourceKind::kPublicIp, cfg.where, cfg.flattened, "/publicIPAddress/id");
      for (std::size_t a = 0; a < cfg.asgs.size(); ++a) {
        rs.resolve(cfg.asgs[a], ResourceKind::kApplicationSecurityGroup, cfg.where, cfg.flattened,
                   fmt::format("/applicationSecurityGroups/{}/id", a));
      }
      if (cfg.public_ip.resolved()) {
        const auto& pip = m.public_ips[cfg.public_ip.index];
        if (pip.family != cfg.family) {
          rs.diags.error("family-mismatch", cfg.where,
                         fmt::format("ip configuration '{}' is {} but public IP '{}' is {}", cfg.name,
                                     cfg.family == IpFamily::kV4 ? "IPv4" : "IPv6", pip.name,
                                     pip.family == IpFamily::kV4 ? "IPv4" : "IPv6"));
        }
      }
      if (cfg.private_ip && cfg.private_ip->family() != cfg.family) {
        rs.diags.error("family-mismatch", cfg.where,
                       fmt::format("ip configuration '{}' has address '{}' of the other IP version", cfg.name,
                                   cfg.private_ip->to_string()));
      }
    }
  }
}

/// A public IP that ip configurations of two NICs reference (Azure allows one): the public IP's own
/// `ipConfiguration` back-reference, when it names one of them, picks the owner and the others lose it;
/// otherwise all keep it. One `conflicting-reference` warning per public IP either way.
void check_shared_public_ips(Resolver& rs) {
  Model& m = rs.model;
  std::map<int, std::vector<std::pair<int, int>>> users;  // public IP -> (nic, ip configuration)
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
      const auto& cfg = m.nics[n].ip_configurations[c];
      if (cfg.public_ip.resolved()) users[cfg.public_ip.index].emplace_back(static_cast<int>(n), static_cast<int>(c));
    }
  }
  for (const auto& [p, list] : users) {
    std::set<int> nics;
    for (const auto& u : list) nics.insert(u.first);
    if (nics.size() < 2) continue;
    const auto& pip = m.public_ips[p];
    std::vector<std::string> names;
    const std::pair<int, int>* owner = nullptr;
    for (const auto& u : list) {
      const auto& cfg = m.nics[u.first].ip_configurations[u.second];
      names.push_back(fmt::format("'{}' of NIC '{}'", cfg.name, m.nics[u.first].name));
      if (pip.attached_ip_configuration.set() && cfg.key == pip.attached_ip_configuration.id) owner = &u;
    }
    std::string message = fmt::format(
        "public IP '{}' is referenced by ip configurations {} of different NICs; "
        "Azure allows one",
        pip.name, fmt::join(names, " and "));
    if (owner != nullptr) {
      const auto& cfg = m.nics[owner->first].ip_configurations[owner->second];
      message += fmt::format(
          ": its own 'ipConfiguration' names '{}' of NIC '{}', which keeps it; the others are "
          "analysed without it",
          cfg.name, m.nics[owner->first].name);
      for (const auto& u : list) {
        if (&u != owner && u.first != owner->first) m.nics[u.first].ip_configurations[u.second].public_ip = Ref{};
      }
    } else {
      message += ": nothing says which one owns it, so each is analysed with it";
    }
    rs.diags.warning("conflicting-reference", pip.where, std::move(message));
  }
}

void resolve_vms(Resolver& rs) {
  Model& m = rs.model;
  for (std::size_t v = 0; v < m.vms.size(); ++v) {
    auto& vm = m.vms[v];
    for (std::size_t i = 0; i < vm.network_interfaces.size(); ++i) {
      auto& ref = vm.network_interfaces[i];
      rs.resolve(ref, ResourceKind::kNetworkInterface, vm.where, vm.flattened,
                 fmt::format("/networkProfile/networkInterfaces/{}/id", i), false);
      if (ref.resolved()) {
        auto& nic = m.nics[ref.index];
        if (!nic.virtual_machine.set()) nic.virtual_machine = Ref{vm.key, static_cast<int>(v)};
      }
    }
  }
}

/// Ids that their parent's id and their name give back are dropped once nothing resolves by them any more:
/// at 100k NICs they cost tens of megabytes (docs/performance.md).
void drop_derivable_ids(Model& m) {
  for (auto& nic : m.nics) {
    for (auto& cfg : nic.ip_configurations) drop_derivable_id(nic, cfg);
  }
}

}  // namespace exposim::model
