// Scale set expansion: the instance NICs (input or synthesised) that stand for a scale set's instances; and the
// inbound NAT pools that reach them, resolved by validation.
#include "model/scale_set.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "model/model.h"
#include "model/resolver.h"

namespace exposim::model {
namespace {

/// The instance number of a NIC key `<scale set key>/virtualmachines/<i>/networkinterfaces/<name>`, or -1
/// when `key` is not such a NIC of the scale set (-2: under the scale set, instance not a number).
int instance_of(std::string_view key, std::string_view scale_set_key) {
  constexpr std::string_view kVms = "/virtualmachines/";
  constexpr std::string_view kNics = "/networkinterfaces/";
  if (key.size() <= scale_set_key.size() || key.substr(0, scale_set_key.size()) != scale_set_key) return -1;
  key.remove_prefix(scale_set_key.size());
  if (key.substr(0, kVms.size()) != kVms) return -1;
  key.remove_prefix(kVms.size());
  const auto slash = key.find('/');
  if (slash == std::string_view::npos || key.substr(slash, kNics.size()) != kNics) return -1;
  int i = -1;
  const auto digits = key.substr(0, slash);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
  if (ec != std::errc{} || end != digits.data() + digits.size() || i < 0) return -2;
  return i;
}

/// `budget`: instance ip configurations that may still be synthesised (kMaxSynthesisedIpConfigurations).
void synthesise(Model& m, int si, Diagnostics& diags, std::size_t& budget) {
  ScaleSet& s = m.scale_sets[si];  // stays put: only other vectors grow below
  s.synthesised = true;
  if (s.nic_configurations.empty()) return;  // no network profile: nothing to reach
  std::size_t per_instance = 0;
  for (const auto& nc : s.nic_configurations) per_instance += nc.ip_configurations.size();
  if (s.capacity_unknown) {
    // Every port an inbound NAT pool of the profile can hand out (pool ranges are one port per instance).
    int ports = 1;
    for (const auto& nc : s.nic_configurations) {
      for (const auto& ic : nc.ip_configurations) {
        for (const auto& ref : ic.lb_inbound_nat_pools) {
          for (const auto& lb : m.load_balancers) {
            for (const auto& pool : lb.nat_pools) {
              if (pool.key != canonical_id(ref.id) || pool.frontend_port_range_end < pool.frontend_port_range_start) {
                continue;
              }
              ports = std::max(ports, pool.frontend_port_range_end - pool.frontend_port_range_start + 1);
            }
          }
        }
      }
    }
    s.capacity = ports;
  }
  int n = std::min(s.capacity, kMaxScaleSetInstances);
  if (per_instance > 0) n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(n), budget / per_instance));
  if (n < s.capacity) {
    SourceLocation at = s.where;
    at.pointer += "/sku/capacity";
    diags.warning("scale-set-capacity-capped", at,
                  n > 0 ? fmt::format("scale set '{}' has capacity {}; only instances 0..{} are analysed", s.name,
                                      s.capacity, n - 1)
                        : fmt::format("scale set '{}' has capacity {}; no instance is analysed (more than {} instance "
                                      "ip configurations in all)",
                                      s.name, s.capacity, kMaxSynthesisedIpConfigurations));
  }
  budget -= static_cast<std::size_t>(n) * per_instance;
  for (int i = 0; i < n; ++i) {
    VirtualMachine vm;
    vm.id = fmt::format("{}/virtualMachines/{}", s.id, i);
    vm.key = canonical_id(vm.id);
    vm.name = fmt::format("{}_{}", s.name, i);
    vm.location = s.location;
    vm.where = s.where;
    vm.flattened = s.flattened;
    std::set<std::string> nic_keys;
    for (const auto& nc : s.nic_configurations) {
      NetworkInterface nic;
      nic.id = fmt::format("{}/networkInterfaces/{}", vm.id, nc.name);
      nic.key = canonical_id(nic.id);
      if (!nic_keys.insert(nic.key).second) continue;  // a repeated name: the importer reported it
      nic.name = nc.name;
      nic.location = s.location;
      nic.where = nc.where;
      nic.flattened = nc.flattened;
      nic.nsg = Ref{nc.nsg.id};
      nic.enable_ip_forwarding = nc.enable_ip_forwarding;
      nic.enable_ip_forwarding_where = nc.where;  // the configuration, which holds `enableIPForwarding`
      nic.virtual_machine = Ref{vm.key};
      nic.scale_set = si;
      nic.scale_set_instance = i;
      std::set<std::string> cfg_keys;
      for (const auto& c : nc.ip_configurations) {
        IpConfiguration cfg;
        cfg.name = c.name;
        cfg.id = fmt::format("{}/ipConfigurations/{}", nic.id, c.name);
        cfg.key = canonical_id(cfg.id);
        if (!cfg_keys.insert(cfg.key).second) continue;
        cfg.family = c.family;
        cfg.primary = c.primary;
        cfg.subnet = Ref{c.subnet.id};
        for (const auto& a : c.asgs) cfg.asgs.push_back(Ref{a.id});
        for (const auto& p : c.lb_backend_pools) cfg.lb_backend_pools.push_back(Ref{p.id});
        for (const auto& p : c.lb_inbound_nat_pools) cfg.lb_inbound_nat_pools.push_back(Ref{p.id});
        cfg.where = c.where;
        cfg.flattened = c.flattened;
        if (c.public_ip) {
          PublicIp pip;
          pip.id = fmt::format("{}/publicIPAddresses/{}", cfg.id, c.public_ip->name);
          pip.key = canonical_id(pip.id);
          pip.name = c.public_ip->name;
          pip.location = s.location;
          pip.where = c.public_ip->where;
          pip.sku = c.public_ip->sku;
          pip.family = c.family;
          pip.static_allocation = c.public_ip->sku == Sku::kStandard;
          cfg.public_ip = Ref{pip.key};
          m.public_ips.push_back(std::move(pip));
        }
        nic.ip_configurations.push_back(std::move(cfg));
      }
      vm.network_interfaces.push_back(Ref{nic.key});
      s.instance_nics.push_back(static_cast<int>(m.nics.size()));
      m.nics.push_back(std::move(nic));
    }
    m.vms.push_back(std::move(vm));
  }
}

/// Instance NICs from the input (`az vmss nic list`) name a VM `<scale set id>/virtualMachines/<i>` that such
/// exports lack: it is added (named `<scale set name>_<i>`) unless the input has it, so that reports name the
/// instance and the NICs' `virtualMachine` references resolve.
void add_instance_vms(Model& m, int si, std::set<std::string>& vm_keys) {
  const ScaleSet& s = m.scale_sets[si];
  for (int n : s.instance_nics) {
    auto& nic = m.nics[n];
    if (nic.scale_set_instance < 0) continue;
    const std::string id = fmt::format("{}/virtualMachines/{}", s.id, nic.scale_set_instance);
    std::string key = canonical_id(id);
    if (nic.virtual_machine.set() && nic.virtual_machine.id != key) continue;  // names another VM: keep it
    nic.virtual_machine = Ref{key};
    if (!vm_keys.insert(key).second) continue;  // in the input, or added for another NIC of the instance
    VirtualMachine vm;
    vm.id = id;
    vm.key = std::move(key);
    vm.name = fmt::format("{}_{}", s.name, nic.scale_set_instance);
    vm.location = s.location;
    vm.where = nic.where;
    vm.flattened = nic.flattened;
    m.vms.push_back(std::move(vm));
  }
}

}  // namespace

void expand_scale_sets(Model& m, Diagnostics& diags) {
  std::unordered_map<std::string_view, int> nic_by_key;  // input NICs only: synthesis comes after every lookup
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    m.nics[n].scale_set = -1;  // found again below, also for NICs synthesised by an earlier run
    m.nics[n].scale_set_instance = -1;
    nic_by_key.emplace(m.nics[n].key, static_cast<int>(n));
  }
  for (std::size_t si = 0; si < m.scale_sets.size(); ++si) {
    auto& s = m.scale_sets[si];
    s.instance_nics.clear();
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      const int i = instance_of(m.nics[n].key, s.key);
      if (i == -1) continue;
      m.nics[n].scale_set = static_cast<int>(si);
      m.nics[n].scale_set_instance = i < 0 ? -1 : i;
      s.instance_nics.push_back(static_cast<int>(n));
    }
    // Flexible orchestration: instances are ordinary VMs that name their scale set; their NICs are the
    // instances' (no instance number: NAT pools do not apply to them).
    for (const auto& vm : m.vms) {
      if (vm.scale_set.id != s.key) continue;
      for (const auto& ref : vm.network_interfaces) {
        auto it = nic_by_key.find(ref.id);
        if (it == nic_by_key.end() || m.nics[it->second].scale_set >= 0) continue;
        m.nics[it->second].scale_set = static_cast<int>(si);
        s.instance_nics.push_back(it->second);
      }
    }
  }
  // Synthesis last: it grows m.nics, which the views in nic_by_key point into.
  std::size_t budget = kMaxSynthesisedIpConfigurations;
  std::set<std::string> vm_keys;
  for (const auto& vm : m.vms) vm_keys.insert(vm.key);
  for (std::size_t si = 0; si < m.scale_sets.size(); ++si) {
    const auto& s = m.scale_sets[si];
    if (!s.instance_nics.empty()) {
      if (!s.synthesised) add_instance_vms(m, static_cast<int>(si), vm_keys);
    } else if (!s.synthesised) {
      synthesise(m, static_cast<int>(si), diags, budget);
    }
  }
}

/// Inbound NAT pools (scale sets): their frontends, and the instance ip configurations listing them.
/// An ip configuration that also lists an inbound NAT rule of the pool's load balancer is reached through
/// that rule instead: Azure derives one rule per instance from the pool (`<pool>.<instance>`), and an
/// export of instance NICs lists those.
void resolve_scale_sets(Resolver& rs) {
  Model& m = rs.model;
  // Instance NICs by position after duplicates were dropped.
  for (auto& s : m.scale_sets) s.instance_nics.clear();
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const int si = m.nics[n].scale_set;
    if (si >= 0) m.scale_sets[si].instance_nics.push_back(static_cast<int>(n));
  }
  for (std::size_t l = 0; l < m.load_balancers.size(); ++l) {
    for (auto& p : m.load_balancers[l].nat_pools) {
      rs.resolve_child(p.frontend, rs.lb_frontends, "frontend IP configuration", static_cast<int>(l), p.where,
                       p.flattened, "/frontendIPConfiguration/id");
    }
  }
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    auto& nic = m.nics[n];
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      auto& cfg = nic.ip_configurations[c];
      for (std::size_t i = 0; i < cfg.lb_inbound_nat_pools.size(); ++i) {
        auto& ref = cfg.lb_inbound_nat_pools[i];
        rs.resolve_child(ref, rs.lb_nat_pools, "inbound NAT pool", -1, cfg.where, cfg.flattened,
                         fmt::format("/loadBalancerInboundNatPools/{}/id", i));
        if (ref.child < 0) continue;
        auto& pool = m.load_balancers[ref.index].nat_pools[ref.child];
        if (nic.scale_set_instance < 0) {
          SourceLocation at = cfg.where;
          at.pointer += cfg.flattened ? "/loadBalancerInboundNatPools" : "/properties/loadBalancerInboundNatPools";
          rs.diags.warning("inconsistent-reference", at,
                           fmt::format("ip configuration '{}' lists inbound NAT pool '{}', but its NIC is not a scale "
                                       "set instance (only those can use a pool): no port of the pool reaches it",
                                       cfg.name, pool.name));
          continue;
        }
        const int lb = ref.index;
        const bool derived = std::any_of(cfg.lb_inbound_nat_rules.begin(), cfg.lb_inbound_nat_rules.end(),
                                         [&](const Ref& r) { return r.index == lb; });
        if (!derived)
          pool.members.push_back(LbNatPoolMember{{static_cast<int>(n), static_cast<int>(c)}, nic.scale_set_instance});
      }
    }
  }
  for (auto& lb : m.load_balancers) {
    for (auto& pool : lb.nat_pools) {
      auto key = [&m](const LbNatPoolMember& x) {
        const auto& nic = m.nics[x.target.nic];
        return std::tie(x.instance, nic.key, nic.ip_configurations[x.target.ip_configuration].name);
      };
      std::sort(pool.members.begin(), pool.members.end(),
                [&](const LbNatPoolMember& a, const LbNatPoolMember& b) { return key(a) < key(b); });
      pool.members.erase(std::unique(pool.members.begin(), pool.members.end()), pool.members.end());
      // Instance i gets start + i: instances past the range get no port (Azure refuses to scale so far).
      const int size = pool.frontend_port_range_end - pool.frontend_port_range_start + 1;
      auto first = std::find_if(pool.members.begin(), pool.members.end(),
                                [&](const LbNatPoolMember& x) { return x.instance >= size; });
      if (first != pool.members.end()) {
        rs.diags.warning(
            "nat-pool-exhausted", pool.where,
            fmt::format("inbound NAT pool '{}' of load balancer '{}' has {} frontend {} ({}-{}): {} "
                        "instance ip {} from instance {} on get none and are not reached through it",
                        pool.name, lb.name, size, size == 1 ? "port" : "ports", pool.frontend_port_range_start,
                        pool.frontend_port_range_end, pool.members.end() - first,
                        pool.members.end() - first == 1 ? "configuration" : "configurations", first->instance));
      }
    }
  }
}

}  // namespace exposim::model
