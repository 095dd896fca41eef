// The validation pass: reference resolution, platform defaults, consistency checks, graph building.
#include "model/validate.h"

#include "model/resolver.h"
#include "model/unknown.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace exposim::model {
namespace {

SecurityRule make_default(std::string name, int priority, Direction dir, Access access, AddressMatch src,
                          AddressMatch dst) {
  SecurityRule r;
  r.name = std::move(name);
  r.priority = priority;
  r.direction = dir;
  r.access = access;
  r.protocols = kAllProtocols;
  r.source = std::move(src);
  r.destination = std::move(dst);
  r.source_ports = PortSet::all();
  r.destination_ports = PortSet::all();
  r.is_default = true;
  return r;
}

AddressMatch any() {
  AddressMatch m;
  m.any = true;
  return m;
}
AddressMatch tag(ServiceTag t) {
  AddressMatch m;
  m.tags.push_back(t);
  return m;
}

template <typename T>
void drop_duplicates(std::vector<T>& items, const char* what, Diagnostics& diags, std::set<std::string>& seen) {
  std::vector<T> kept;
  kept.reserve(items.size());
  for (auto& item : items) {
    if (item.key.empty()) {
      kept.push_back(std::move(item));
      continue;
    }
    if (!seen.insert(item.key).second) {
      diags.warning("duplicate-resource", item.where,
                    fmt::format("{} '{}' is defined more than once; keeping the first definition", what, item.name));
      continue;
    }
    kept.push_back(std::move(item));
  }
  items = std::move(kept);
}

class Validator {
 public:
  Validator(Model& m, Diagnostics& d, const ValidateOptions& o) : m_(m), diags_(d), opt_(o) {}

  void run() {
    std::set<std::string> seen;
    // Scale sets first: their synthesised instances are NICs, VMs and public IPs like any other.
    drop_duplicates(m_.scale_sets, noun(ResourceKind::kScaleSet), diags_, seen);
    expand_scale_sets(m_, diags_);
    for_each_kind([&](const auto& row) {
      if (row.kind != ResourceKind::kScaleSet) drop_duplicates(m_.*row.items, row.noun, diags_, seen);
    });
    if (opt_.allow_missing) assume_listed_subnets();
    build_vertices();
    resolve_subnets();
    resolve_back_references();
    resolve_nics();
    check_shared_public_ips();
    resolve_vms();
    resolve_load_balancers();
    resolve_scale_sets();
    resolve_private_endpoints();
    resolve_firewalls();
    resolve_gateways();
    resolve_virtual_wans();
    resolve_peerings();
    finish_nsgs();
    report_missing();
    build_edges(m_);
    drop_derivable_ids();
  }

 private:
  /// A subnet missing from a partial input, that an ip configuration in the input references and an NSG or route
  /// table in the input lists (`properties.subnets`): an assumed subnet, so that the NSG still filters the
  /// subnet's NICs and the route table still routes them (resolve_back_references attaches them).
  void assume_listed_subnets() {
    std::set<std::string_view> present, used, listed;
    for (const auto& s : m_.subnets) present.insert(s.key);
    for (const auto& nic : m_.nics) {
      for (const auto& cfg : nic.ip_configurations) {
        if (cfg.subnet.set() && !is_unknown(cfg.subnet)) used.insert(cfg.subnet.id);
      }
    }
    std::vector<std::string> wanted;
    auto want = [&](const std::vector<Ref>& refs) {
      for (const auto& r : refs) {
        if (used.count(r.id) && !present.count(r.id) && listed.insert(r.id).second) wanted.push_back(r.id);
      }
    };
    for (const auto& nsg : m_.nsgs) want(nsg.subnets);
    for (const auto& rt : m_.route_tables) want(rt.subnets);
    for (const auto& id : wanted) {
      Subnet s;
      s.id = id;
      s.key = id;
      const auto cut = id.rfind("/subnets/");
      s.name = cut == std::string::npos ? id : id.substr(cut + 9);
      if (cut != std::string::npos) s.vnet.id = id.substr(0, cut);
      s.location = std::string(kAssumedLocation);
      m_.subnets.push_back(std::move(s));
    }
  }

  void build_vertices() {
    model::build_vertices(m_);
    for (std::size_t l = 0; l < m_.load_balancers.size(); ++l) {
      const auto& lb = m_.load_balancers[l];
      const int li = static_cast<int>(l);
      for (std::size_t i = 0; i < lb.frontends.size(); ++i) {
        if (!lb.frontends[i].key.empty())
          frontends_.emplace(lb.frontends[i].key, std::make_pair(li, static_cast<int>(i)));
      }
      for (std::size_t i = 0; i < lb.backend_pools.size(); ++i) {
        if (!lb.backend_pools[i].key.empty())
          pools_.emplace(lb.backend_pools[i].key, std::make_pair(li, static_cast<int>(i)));
      }
      for (std::size_t i = 0; i < lb.nat_rules.size(); ++i) {
        if (!lb.nat_rules[i].key.empty())
          nat_rules_.emplace(lb.nat_rules[i].key, std::make_pair(li, static_cast<int>(i)));
      }
      for (std::size_t i = 0; i < lb.nat_pools.size(); ++i) {
        if (!lb.nat_pools[i].key.empty())
          nat_pools_.emplace(lb.nat_pools[i].key, std::make_pair(li, static_cast<int>(i)));
      }
    }
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      for (std::size_t c = 0; c < m_.nics[n].ip_configurations.size(); ++c) {
        const auto& key = m_.nics[n].ip_configurations[c].key;
        if (!key.empty()) ip_configs_.emplace(key, std::make_pair(static_cast<int>(n), static_cast<int>(c)));
      }
    }
  }

  /// Resolves `ref` to a resource of `kind`. A missing target is an error (a warning with
  /// allow_missing, when `decides_exposure`), or a warning when it does not change any answer.
  /// `field` is the JSON pointer below the object's property bag ("/networkSecurityGroup/id"); the bag is
  /// "/properties" unless the object is `flattened` (az CLI output).
  void resolve(Ref& ref, ResourceKind kind, const SourceLocation& where, bool flattened, std::string_view field,
               bool decides_exposure = true) {
    if (!ref.set()) return;
    if (is_unknown(ref)) {  // only known at deployment: reported by the importer, read as a missing target
      ref.index = -1;
      return;
    }
    auto v = m_.find(ref.id);
    if (v && v->kind == kind) {
      ref.index = v->index;
      return;
    }
    ref.index = -1;
    SourceLocation at = where;
    at.pointer += flattened ? std::string(field) : "/properties" + std::string(field);
    const std::string what = v ? fmt::format("'{}' is a {}, expected a {}", ref.id, to_string(v->kind), to_string(kind))
                               : fmt::format("'{}' is not in the input", ref.id);
    if (!decides_exposure) {
      // Nothing the user must act on: the answer is the same whatever the resource is (a --verbose note).
      const bool hint = !v && (kind == ResourceKind::kSubnet || kind == ResourceKind::kNetworkInterface);
      diags_.add({Severity::kNote, "missing-reference", at,
                  fmt::format("referenced {} {}{}", to_string(kind), what,
                              hint ? "; this does not change the analysis (add the file that declares it to the "
                                     "input to include it)"
                                   : "")});
    } else if (opt_.allow_missing && !v) {
      note_missing(ref.id, kind, at);
    } else if (!v) {
      diags_.error("dangling-reference", at,
                   fmt::format("referenced {} {}: add the file that declares it to the input, or pass "
                               "--allow-missing to analyse it as {}",
                               to_string(kind), what, assumption(kind)));
    } else {
      diags_.error("dangling-reference", at, fmt::format("referenced {} {}", to_string(kind), what));
    }
  }

  /// The worst case consistent with the input that a missing resource of `kind` is analysed as.
  static const char* assumption(ResourceKind kind) {
    switch (kind) {
      case ResourceKind::kNetworkSecurityGroup: return "admitting everything";
      case ResourceKind::kSubnet: return "a subnet with no NSG and no route table";
      case ResourceKind::kPublicIp: return "a Basic public IP of unknown address";
      case ResourceKind::kRouteTable:
        return "a route table whose routes divert nothing and put every address into the VirtualNetwork tag";
      case ResourceKind::kVirtualNetwork: return "a virtual network whose address space is its known subnets' prefixes";
      default: return "absent";
    }
  }

  /// A resource referenced but not in the input (`--allow-missing`), with the places that reference it.
  struct Missing {
    ResourceKind kind;
    std::vector<SourceLocation> referrers;
  };
  std::map<std::string, Missing> missing_;  // by canonical id

  void note_missing(const std::string& id, ResourceKind kind, const SourceLocation& at) {
    auto& m = missing_.try_emplace(id, Missing{kind, {}}).first->second;
    m.referrers.push_back(at);
  }

  /// One `missing-reference` warning naming every missing resource once, with its referrers and the assumption
  /// taken, at the first reference; and the virtual networks the importer assumed for subnets of a missing one.
  void report_missing() {
    std::vector<std::string> items;
    const SourceLocation* first = nullptr;
    for (const auto& vnet : m_.vnets) {
      if (!is_assumed(vnet)) continue;
      std::vector<std::string> subnets;
      for (const auto& r : vnet.subnets) {
        if (r.resolved()) subnets.push_back(fmt::format("'{}'", m_.subnets[r.index].name));
      }
      items.push_back(fmt::format("virtual network '{}' (parent of subnet {}; analysed as {})", vnet.id,
                                  fmt::join(subnets, ", "), assumption(ResourceKind::kVirtualNetwork)));
      if (first == nullptr || vnet.where < *first) first = &vnet.where;
    }
    for (const auto& subnet : m_.subnets) {
      if (!is_assumed(subnet)) continue;
      std::vector<std::string> by;
      const SourceLocation* lister = nullptr;
      if (subnet.nsg.resolved()) {
        by.push_back(fmt::format("NSG '{}'", m_.nsgs[subnet.nsg.index].name));
        lister = &m_.nsgs[subnet.nsg.index].where;
      }
      if (subnet.route_table.resolved()) {
        by.push_back(fmt::format("route table '{}'", m_.route_tables[subnet.route_table.index].name));
        if (lister == nullptr) lister = &m_.route_tables[subnet.route_table.index].where;
      }
      if (lister != nullptr && (first == nullptr || *lister < *first)) first = lister;
      items.push_back(fmt::format("subnet '{}' (listed by {}: its NICs in the input are filtered and routed by it)",
                                  subnet.id, fmt::join(by, " and ")));
    }
    for (const auto& [id, m] : missing_) {
      std::vector<std::string> where;
      for (const auto& r : m.referrers) where.push_back(format_location(r));
      items.push_back(fmt::format("{} '{}' (referenced at {}; {})", to_string(m.kind), id, fmt::join(where, ", "),
                                  m.kind == ResourceKind::kNetworkSecurityGroup
                                      ? std::string("assuming it admits everything")
                                      : fmt::format("analysed as {}", assumption(m.kind))));
      for (const auto& r : m.referrers) {
        if (first == nullptr || r < *first) first = &r;
      }
    }
    if (items.empty() || first == nullptr) return;
    diags_.warning("missing-reference", *first,
                   fmt::format("{} resource{} not in the input, analysed as the worst case consistent with it: {}",
                               items.size(), items.size() == 1 ? "" : "s", fmt::join(items, "; ")));
  }

  void resolve_subnets() {
    for (std::size_t i = 0; i < m_.subnets.size(); ++i) {
      auto& s = m_.subnets[i];
      if (is_assumed(s)) {  // its virtual network is not in the input either (or it would list the subnet)
        if (auto v = m_.find(s.vnet.id); v && v->kind == ResourceKind::kVirtualNetwork) s.vnet.index = v->index;
      } else {
        resolve(s.vnet, ResourceKind::kVirtualNetwork, s.where, true, "/id");
      }
      resolve(s.nsg, ResourceKind::kNetworkSecurityGroup, s.where, s.flattened, "/networkSecurityGroup/id");
      resolve(s.route_table, ResourceKind::kRouteTable, s.where, s.flattened, "/routeTable/id");
      if (s.vnet.resolved()) {
        Ref r{s.key, static_cast<int>(i)};
        m_.vnets[s.vnet.index].subnets.push_back(r);
      }
    }
  }

  /// NSGs and route tables may name their subnets and NICs instead of the other way round.
  void resolve_back_references() {
    for (std::size_t i = 0; i < m_.nsgs.size(); ++i) {
      auto& nsg = m_.nsgs[i];
      for (auto& ref : nsg.subnets) {
        auto v = m_.find(ref.id);
        if (!v || v->kind != ResourceKind::kSubnet) continue;  // partial exports: the subnet may be elsewhere
        ref.index = v->index;
        attach(m_.subnets[v->index].nsg, nsg, i, m_.subnets[v->index].where, "network security group");
      }
      for (auto& ref : nsg.network_interfaces) {
        auto v = m_.find(ref.id);
        if (!v || v->kind != ResourceKind::kNetworkInterface) continue;
        ref.index = v->index;
        attach(m_.nics[v->index].nsg, nsg, i, m_.nics[v->index].where, "network security group");
      }
    }
    for (std::size_t i = 0; i < m_.route_tables.size(); ++i) {
      auto& rt = m_.route_tables[i];
      for (auto& ref : rt.subnets) {
        auto v = m_.find(ref.id);
        if (!v || v->kind != ResourceKind::kSubnet) continue;
        ref.index = v->index;
        attach(m_.subnets[v->index].route_table, rt, i, m_.subnets[v->index].where, "route table");
      }
    }
  }

  template <typename R>
  void attach(Ref& forward, const R& target, std::size_t index, const SourceLocation& where, const char* what) {
    if (!forward.set()) {
      forward.id = target.key;
      forward.index = static_cast<int>(index);
    } else if (forward.id != target.key) {
      diags_.warning("inconsistent-reference", where,
                     fmt::format("{} '{}' lists this resource, but it references '{}'", what, target.name, forward.id));
    }
  }

  void resolve_nics() {
    // Public IPs that name their ip configuration.
    for (std::size_t p = 0; p < m_.public_ips.size(); ++p) {
      auto& pip = m_.public_ips[p];
      if (!pip.attached_ip_configuration.set()) continue;
      auto it = ip_configs_.find(pip.attached_ip_configuration.id);
      if (it == ip_configs_.end()) continue;  // attached to something not modelled (LB, gateway) or absent
      auto& cfg = m_.nics[it->second.first].ip_configurations[it->second.second];
      if (!cfg.public_ip.set()) cfg.public_ip = Ref{pip.key, static_cast<int>(p)};
    }
    for (auto& nic : m_.nics) {
      resolve(nic.nsg, ResourceKind::kNetworkSecurityGroup, nic.where, nic.flattened, "/networkSecurityGroup/id");
      resolve(nic.virtual_machine, ResourceKind::kVirtualMachine, nic.where, nic.flattened, "/virtualMachine/id",
              false);
      for (auto& cfg : nic.ip_configurations) {
        resolve(cfg.subnet, ResourceKind::kSubnet, cfg.where, cfg.flattened, "/subnet/id");
        resolve(cfg.public_ip, ResourceKind::kPublicIp, cfg.where, cfg.flattened, "/publicIPAddress/id");
        for (std::size_t a = 0; a < cfg.asgs.size(); ++a) {
          resolve(cfg.asgs[a], ResourceKind::kApplicationSecurityGroup, cfg.where, cfg.flattened,
                  fmt::format("/applicationSecurityGroups/{}/id", a));
        }
        if (cfg.public_ip.resolved()) {
          const auto& pip = m_.public_ips[cfg.public_ip.index];
          if (pip.family != cfg.family) {
            diags_.error("family-mismatch", cfg.where,
                         fmt::format("ip configuration '{}' is {} but public IP '{}' is {}", cfg.name,
                                     cfg.family == IpFamily::kV4 ? "IPv4" : "IPv6", pip.name,
                                     pip.family == IpFamily::kV4 ? "IPv4" : "IPv6"));
          }
        }
        if (cfg.private_ip && cfg.private_ip->family() != cfg.family) {
          diags_.error("family-mismatch", cfg.where,
                       fmt::format("ip configuration '{}' has address '{}' of the other IP version", cfg.name,
                                   cfg.private_ip->to_string()));
        }
      }
    }
  }

  /// A public IP that ip configurations of two NICs reference (Azure allows one): the public IP's own
  /// `ipConfiguration` back-reference, when it names one of them, picks the owner and the others lose it;
  /// otherwise all keep it. One `conflicting-reference` warning per public IP either way.
  void check_shared_public_ips() {
    std::map<int, std::vector<std::pair<int, int>>> users;  // public IP -> (nic, ip configuration)
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      for (std::size_t c = 0; c < m_.nics[n].ip_configurations.size(); ++c) {
        const auto& cfg = m_.nics[n].ip_configurations[c];
        if (cfg.public_ip.resolved()) users[cfg.public_ip.index].emplace_back(static_cast<int>(n), static_cast<int>(c));
      }
    }
    for (const auto& [p, list] : users) {
      std::set<int> nics;
      for (const auto& u : list) nics.insert(u.first);
      if (nics.size() < 2) continue;
      const auto& pip = m_.public_ips[p];
      std::vector<std::string> names;
      const std::pair<int, int>* owner = nullptr;
      for (const auto& u : list) {
        const auto& cfg = m_.nics[u.first].ip_configurations[u.second];
        names.push_back(fmt::format("'{}' of NIC '{}'", cfg.name, m_.nics[u.first].name));
        if (pip.attached_ip_configuration.set() && cfg.key == pip.attached_ip_configuration.id) owner = &u;
      }
      std::string message = fmt::format(
          "public IP '{}' is referenced by ip configurations {} of different NICs; "
          "Azure allows one",
          pip.name, fmt::join(names, " and "));
      if (owner != nullptr) {
        const auto& cfg = m_.nics[owner->first].ip_configurations[owner->second];
        message += fmt::format(
            ": its own 'ipConfiguration' names '{}' of NIC '{}', which keeps it; the others are "
            "analysed without it",
            cfg.name, m_.nics[owner->first].name);
        for (const auto& u : list) {
          if (&u != owner && u.first != owner->first) m_.nics[u.first].ip_configurations[u.second].public_ip = Ref{};
        }
      } else {
        message += ": nothing says which one owns it, so each is analysed with it";
      }
      diags_.warning("conflicting-reference", pip.where, std::move(message));
    }
  }

  void resolve_vms() {
    for (std::size_t v = 0; v < m_.vms.size(); ++v) {
      auto& vm = m_.vms[v];
      for (std::size_t i = 0; i < vm.network_interfaces.size(); ++i) {
        auto& ref = vm.network_interfaces[i];
        resolve(ref, ResourceKind::kNetworkInterface, vm.where, vm.flattened,
                fmt::format("/networkProfile/networkInterfaces/{}/id", i), false);
        if (ref.resolved()) {
          auto& nic = m_.nics[ref.index];
          if (!nic.virtual_machine.set()) nic.virtual_machine = Ref{vm.key, static_cast<int>(v)};
        }
      }
    }
  }

  using ChildIndex = std::unordered_map<std::string_view, std::pair<int, int>>;

  /// Resolves a reference to a child of a load balancer (frontend, backend pool, inbound NAT rule) to the
  /// load balancer (`index`) and the child (`child`). `owner` >= 0 requires the child to belong to that
  /// load balancer. A missing child is an error, or with allow_missing a warning: exposure through it cannot
  /// be computed (its frontend is unknown) and is not reported.
  void resolve_child(Ref& ref, const ChildIndex& children, const char* what, int owner, const SourceLocation& where,
                     bool flattened, std::string_view field) {
    if (!ref.set()) return;
    auto it = children.find(ref.id);
    if (it != children.end() && (owner < 0 || it->second.first == owner)) {
      ref.index = it->second.first;
      ref.child = it->second.second;
      return;
    }
    ref.index = -1;
    ref.child = -1;
    SourceLocation at = where;
    at.pointer += flattened ? std::string(field) : "/properties" + std::string(field);
    if (it != children.end()) {
      diags_.error("dangling-reference", at,
                   fmt::format("referenced {} '{}' belongs to another load balancer", what, ref.id));
    } else if (opt_.allow_missing) {
      diags_.warning(
          "missing-reference", at,
          fmt::format("referenced {} '{}' is not in the input; exposure through it is not reported", what, ref.id));
    } else {
      diags_.error("dangling-reference", at, fmt::format("referenced {} '{}' is not in the input", what, ref.id));
    }
  }

  void resolve_load_balancers() {
    // Public IPs that name the frontend they serve (the back-reference): never a NIC ip configuration.
    for (std::size_t p = 0; p < m_.public_ips.size(); ++p) {
      const auto& pip = m_.public_ips[p];
      if (!pip.attached_ip_configuration.set()) continue;
      auto it = frontends_.find(pip.attached_ip_configuration.id);
      if (it == frontends_.end()) continue;
      auto& fe = m_.load_balancers[it->second.first].frontends[it->second.second];
      if (!fe.public_ip.set()) fe.public_ip = Ref{pip.key, static_cast<int>(p)};
    }
    for (std::size_t l = 0; l < m_.load_balancers.size(); ++l) {
      auto& lb = m_.load_balancers[l];
      const int li = static_cast<int>(l);
      for (auto& fe : lb.frontends) {
        resolve(fe.public_ip, ResourceKind::kPublicIp, fe.where, fe.flattened, "/publicIPAddress/id");
        resolve(fe.subnet, ResourceKind::kSubnet, fe.where, fe.flattened, "/subnet/id", false);
      }
      for (auto& r : lb.rules) {
        resolve_child(r.frontend, frontends_, "frontend IP configuration", li, r.where, r.flattened,
                      "/frontendIPConfiguration/id");
        for (std::size_t i = 0; i < r.backend_pools.size(); ++i) {
          const std::string field =
              i == 0 && r.backend_pool_singular
                  ? std::string("/backendAddressPool/id")
                  : fmt::format("/backendAddressPools/{}/id", i - (r.backend_pool_singular ? 1 : 0));
          resolve_child(r.backend_pools[i], pools_, "backend address pool", li, r.where, r.flattened, field);
        }
      }
      for (auto& r : lb.nat_rules) {
        resolve_child(r.frontend, frontends_, "frontend IP configuration", li, r.where, r.flattened,
                      "/frontendIPConfiguration/id");
        resolve_child(r.backend_pool, pools_, "backend address pool", li, r.where, r.flattened,
                      "/backendAddressPool/id");
      }
    }
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      auto& nic = m_.nics[n];
      for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
        auto& cfg = nic.ip_configurations[c];
        const IpConfigIndex at{static_cast<int>(n), static_cast<int>(c)};
        for (std::size_t i = 0; i < cfg.lb_backend_pools.size(); ++i) {
          auto& ref = cfg.lb_backend_pools[i];
          resolve_child(ref, pools_, "backend address pool", -1, cfg.where, cfg.flattened,
                        fmt::format("/loadBalancerBackendAddressPools/{}/id", i));
          if (ref.child >= 0) m_.load_balancers[ref.index].backend_pools[ref.child].members.push_back(at);
        }
        for (std::size_t i = 0; i < cfg.lb_inbound_nat_rules.size(); ++i) {
          auto& ref = cfg.lb_inbound_nat_rules[i];
          resolve_child(ref, nat_rules_, "inbound NAT rule", -1, cfg.where, cfg.flattened,
                        fmt::format("/loadBalancerInboundNatRules/{}/id", i));
          if (ref.child >= 0) m_.load_balancers[ref.index].nat_rules[ref.child].targets.push_back(at);
        }
      }
    }
    // Deterministic member order: NIC key, then ip configuration name; one entry per ip configuration.
    auto order = [this](std::vector<IpConfigIndex>& v) {
      auto key = [this](const IpConfigIndex& x) {
        const auto& nic = m_.nics[x.nic];
        return std::tie(nic.key, nic.ip_configurations[x.ip_configuration].name);
      };
      std::sort(v.begin(), v.end(), [&](const IpConfigIndex& a, const IpConfigIndex& b) { return key(a) < key(b); });
      v.erase(std::unique(v.begin(), v.end()), v.end());
    };
    for (auto& lb : m_.load_balancers) {
      for (auto& pool : lb.backend_pools) order(pool.members);
      for (auto& r : lb.nat_rules) order(r.targets);
    }
  }

  /// Inbound NAT pools (scale sets): their frontends, and the instance ip configurations listing them.
  /// An ip configuration that also lists an inbound NAT rule of the pool's load balancer is reached through
  /// that rule instead: Azure derives one rule per instance from the pool (`<pool>.<instance>`), and an
  /// export of instance NICs lists those.
  void resolve_scale_sets() {
    // Instance NICs by position after duplicates were dropped.
    for (auto& s : m_.scale_sets) s.instance_nics.clear();
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      const int si = m_.nics[n].scale_set;
      if (si >= 0) m_.scale_sets[si].instance_nics.push_back(static_cast<int>(n));
    }
    for (std::size_t l = 0; l < m_.load_balancers.size(); ++l) {
      for (auto& p : m_.load_balancers[l].nat_pools) {
        resolve_child(p.frontend, frontends_, "frontend IP configuration", static_cast<int>(l), p.where, p.flattened,
                      "/frontendIPConfiguration/id");
      }
    }
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      auto& nic = m_.nics[n];
      for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
        auto& cfg = nic.ip_configurations[c];
        for (std::size_t i = 0; i < cfg.lb_inbound_nat_pools.size(); ++i) {
          auto& ref = cfg.lb_inbound_nat_pools[i];
          resolve_child(ref, nat_pools_, "inbound NAT pool", -1, cfg.where, cfg.flattened,
                        fmt::format("/loadBalancerInboundNatPools/{}/id", i));
          if (ref.child < 0) continue;
          auto& pool = m_.load_balancers[ref.index].nat_pools[ref.child];
          if (nic.scale_set_instance < 0) {
            SourceLocation at = cfg.where;
            at.pointer += cfg.flattened ? "/loadBalancerInboundNatPools" : "/properties/loadBalancerInboundNatPools";
            diags_.warning("inconsistent-reference", at,
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
    for (auto& lb : m_.load_balancers) {
      for (auto& pool : lb.nat_pools) {
        auto key = [this](const LbNatPoolMember& x) {
          const auto& nic = m_.nics[x.target.nic];
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
          diags_.warning(
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

  /// Private endpoints: their subnet, NICs and targets. None of these decides internet exposure (a private
  /// endpoint never adds any, docs/model.md#private-endpoints-and-paas-public-endpoints), so a missing one is a
  /// warning. Fills PaasService::private_endpoints and the endpoint's private IPs from its NICs.
  void resolve_private_endpoints() {
    for (std::size_t i = 0; i < m_.private_endpoints.size(); ++i) {
      auto& pe = m_.private_endpoints[i];
      resolve(pe.subnet, ResourceKind::kSubnet, pe.where, pe.flattened, "/subnet/id", false);
      for (std::size_t n = 0; n < pe.network_interfaces.size(); ++n) {
        auto& ref = pe.network_interfaces[n];
        resolve(ref, ResourceKind::kNetworkInterface, pe.where, pe.flattened,
                fmt::format("/networkInterfaces/{}/id", n), false);
        if (!ref.resolved()) continue;
        for (const auto& cfg : m_.nics[ref.index].ip_configurations) {
          if (cfg.private_ip) pe.private_ips.push_back(*cfg.private_ip);
        }
      }
      std::sort(pe.private_ips.begin(), pe.private_ips.end());
      pe.private_ips.erase(std::unique(pe.private_ips.begin(), pe.private_ips.end()), pe.private_ips.end());
      for (auto& c : pe.connections) {
        if (c.target.id.find("/providers/microsoft.network/privatelinkservices/") != std::string::npos) {
          // A customer's Private Link service (behind an internal load balancer), not a PaaS service: saying
          // "paas-service ... is not in the input" would be wrong when the template holds it.
          SourceLocation at = c.where;
          at.pointer += c.flattened ? "/privateLinkServiceId" : "/properties/privateLinkServiceId";
          diags_.add({Severity::kNote, "unmodelled-feature", at,
                      fmt::format("private endpoint '{}' connects to Private Link service '{}', which is not "
                                  "modelled; a private endpoint adds no internet exposure",
                                  pe.name, c.target.id)});
          continue;
        }
        resolve(c.target, ResourceKind::kPaasService, c.where, c.flattened, "/privateLinkServiceId", false);
        if (!c.target.resolved()) continue;
        auto& list = m_.paas_services[c.target.index].private_endpoints;
        if (list.empty() || list.back() != static_cast<int>(i)) list.push_back(static_cast<int>(i));
      }
    }
  }

  void resolve_firewalls() {
    auto resolve_addresses = [&](FirewallAddresses& a, const SourceLocation& where) {
      for (auto& ref : a.ip_groups) resolve(ref, ResourceKind::kIpGroup, where, true, "", false);
    };
    auto resolve_rules = [&](std::vector<FirewallRuleCollection>& collections) {
      for (auto& c : collections) {
        for (auto& r : c.rules) {
          resolve_addresses(r.sources, r.where);
          resolve_addresses(r.destinations, r.where);
        }
      }
    };
    for (auto& p : m_.firewall_policies) {
      resolve(p.base_policy, ResourceKind::kFirewallPolicy, p.where, p.flattened, "/basePolicy/id", false);
      std::set<std::string> present;
      for (auto& g : p.groups) {
        present.insert(g.key);
        resolve_rules(g.collections);
      }
      for (const auto& ref : p.listed_groups) {
        if (present.count(ref.id) == 0) {
          diags_.warning(
              "missing-reference", p.where,
              fmt::format("firewall policy '{}' lists rule collection group '{}', which is not in the input: "
                          "its rules are unknown and exposure through them is not reported",
                          p.name, ref.id));
        }
      }
    }
    for (auto& fw : m_.firewalls) {
      for (auto& c : fw.ip_configurations) {
        resolve(c.subnet, ResourceKind::kSubnet, c.where, c.flattened, "/subnet/id", false);
        resolve(c.public_ip, ResourceKind::kPublicIp, c.where, c.flattened, "/publicIPAddress/id", false);
      }
      place_firewall_address(fw);
      resolve(fw.policy, ResourceKind::kFirewallPolicy, fw.where, fw.flattened, "/firewallPolicy/id", false);
      resolve_rules(fw.classic);
      order_firewall(fw);
    }
  }

  /// A firewall whose ip configurations state no private address (templates never do: Azure assigns it) gets
  /// the fourth address of its subnet, the first that Azure hands out (x.x.x.4), as a placeholder, so that a
  /// route to that address is a route to the firewall.
  void place_firewall_address(Firewall& fw) {
    for (const auto& c : fw.ip_configurations) {
      if (c.private_ip) return;
    }
    for (auto& c : fw.ip_configurations) {
      if (!c.subnet.resolved()) continue;
      for (const auto& p : m_.subnets[c.subnet.index].prefixes) {
        if (p.address.family() != model::IpFamily::kV4 || p.length > 29) continue;
        c.private_ip = model::IpAddress::v4(p.address.v4_bits() + 4);
        c.placeholder = true;
        diags_.add({Severity::kNote, "placeholder-address", c.where,
                    fmt::format("firewall '{}' has no private IP address in the input: taken as {}, the first address "
                                "Azure assigns in subnet '{}' ({})",
                                fw.name, c.private_ip->to_string(), m_.subnets[c.subnet.index].name, p.to_string())});
        return;
      }
      return;
    }
  }

  /// The policy and its ancestors through `basePolicy`, root first; a cycle is an error and cuts the chain.
  std::vector<int> policy_chain(const Firewall& fw) {
    std::vector<int> chain;
    std::set<int> seen;
    for (int p = fw.policy.index; p >= 0; p = m_.firewall_policies[p].base_policy.index) {
      if (!seen.insert(p).second) {
        const auto& policy = m_.firewall_policies[p];
        diags_.error("policy-cycle", policy.where,
                     fmt::format("firewall policy '{}' is its own ancestor through 'basePolicy'", policy.name));
        break;
      }
      chain.push_back(p);
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  /// Azure's processing order: every DNAT rule, then network rules, then application rules; within a
  /// type, a parent policy's groups before the child's, then group, collection and rule order.
  void order_firewall(Firewall& fw) {
    fw.order.clear();
    const bool policy = fw.policy.resolved();
    if (policy && !fw.classic.empty()) {
      diags_.warning("firewall-classic-and-policy", fw.where,
                     fmt::format("firewall '{}' has both a firewall policy and classic rule collections; Azure uses "
                                 "the policy, and so does exposim",
                                 fw.name));
    }
    const std::vector<int> chain = policy ? policy_chain(fw) : std::vector<int>{};
    auto by_priority = [](const auto& items) {
      std::vector<int> idx(items.size());
      for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
      std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return items[a].priority < items[b].priority; });
      return idx;
    };
    for (auto kind : {FirewallRuleKind::kNat, FirewallRuleKind::kNetwork, FirewallRuleKind::kApplication}) {
      auto add = [&](int p, int g, const std::vector<FirewallRuleCollection>& collections) {
        for (int c : by_priority(collections)) {
          const auto& rules = collections[c].rules;
          for (std::size_t r = 0; r < rules.size(); ++r) {
            if (rules[r].kind == kind) fw.order.push_back(FirewallRulePosition{p, g, c, static_cast<int>(r)});
          }
        }
      };
      if (!policy) {
        add(-1, -1, fw.classic);
        continue;
      }
      for (int p : chain) {
        const auto& groups = m_.firewall_policies[p].groups;
        for (int g : by_priority(groups)) add(p, g, groups[g].collections);
      }
    }
  }

  /// Virtual WAN: hubs, their WAN and firewall, the children that name their hub, spoke networks. None of
  /// these references decides exposure (hub routing is not applied), so a missing target is a warning; a
  /// spoke network elsewhere (another subscription) is normal and not reported. Then one warning per hub
  /// says what is not modelled (docs/model.md, "Virtual WAN").
  void resolve_virtual_wans() {
    for (auto& hub : m_.virtual_hubs) {
      hub.connections.clear();
      hub.routing_intents.clear();
      hub.route_tables.clear();
      resolve(hub.virtual_wan, ResourceKind::kVirtualWan, hub.where, hub.flattened, "/virtualWan/id", false);
      resolve(hub.azure_firewall, ResourceKind::kFirewall, hub.where, hub.flattened, "/azureFirewall/id", false);
    }
    // A hub firewall (AZFW_Hub) may name its hub instead (`virtualHub`).
    for (std::size_t f = 0; f < m_.firewalls.size(); ++f) {
      auto v = m_.find(m_.firewalls[f].virtual_hub.id);
      if (!v || v->kind != ResourceKind::kVirtualHub) continue;
      m_.firewalls[f].virtual_hub.index = v->index;
      auto& hub = m_.virtual_hubs[v->index];
      if (!hub.azure_firewall.set()) hub.azure_firewall = Ref{m_.firewalls[f].key, static_cast<int>(f)};
    }
    auto parent = [&](Ref& hub, const ResourceBase& child, const char* what, std::vector<int> VirtualHub::*list,
                      int index) {
      auto v = m_.find(hub.id);
      if (v && v->kind == ResourceKind::kVirtualHub) {
        hub.index = v->index;
        (m_.virtual_hubs[v->index].*list).push_back(index);
      } else {
        diags_.warning(
            "missing-reference", child.where,
            fmt::format("{} '{}' belongs to virtual hub '{}', which is not in the input", what, child.name, hub.id));
      }
    };
    for (std::size_t i = 0; i < m_.hub_connections.size(); ++i) {
      auto& c = m_.hub_connections[i];
      parent(c.hub, c, "hub virtual network connection", &VirtualHub::connections, static_cast<int>(i));
      auto v = m_.find(c.remote_vnet.id);
      if (v && v->kind == ResourceKind::kVirtualNetwork) c.remote_vnet.index = v->index;
      // The associated route table decides the spoke's default route (model::hub_default_route).
      resolve(c.associated_route_table, ResourceKind::kHubRouteTable, c.where, c.flattened,
              "/routingConfiguration/associatedRouteTable/id", false);
    }
    for (std::size_t i = 0; i < m_.hub_routing_intents.size(); ++i) {
      auto& r = m_.hub_routing_intents[i];
      parent(r.hub, r, "routing intent", &VirtualHub::routing_intents, static_cast<int>(i));
      for (auto& p : r.policies) {
        auto v = m_.find(p.next_hop.id);
        if (v && v->kind == ResourceKind::kFirewall) p.next_hop.index = v->index;
      }
    }
    for (std::size_t i = 0; i < m_.hub_route_tables.size(); ++i) {
      auto& t = m_.hub_route_tables[i];
      parent(t.hub, t, "hub route table", &VirtualHub::route_tables, static_cast<int>(i));
    }
    for (const auto& hub : m_.virtual_hubs) {
      std::size_t spokes_here = 0;
      for (int c : hub.connections) spokes_here += m_.hub_connections[c].remote_vnet.resolved() ? 1 : 0;
      std::string intent;
      for (int r : hub.routing_intents) {
        for (const auto& p : m_.hub_routing_intents[r].policies) {
          const std::string hop = p.next_hop.resolved() ? m_.firewalls[p.next_hop.index].name : p.next_hop.id;
          if (p.internet) intent += fmt::format("; routing intent sends internet traffic to '{}'", hop);
          if (p.private_traffic) intent += fmt::format("; routing intent sends private traffic to '{}'", hop);
        }
      }
      diags_.warning(
          "unmodelled-feature", hub.where,
          fmt::format("virtual hub '{}' ({} spoke {}, {} in the input{}{}): applied are the 0.0.0.0/0 that routing "
                      "intent or a static route of the associated route table gives spokes with "
                      "enableInternetSecurity, the routes to the hub and between spokes, routing intent for private "
                      "traffic through the hub's Azure Firewall, and the hub firewall's DNAT; not modelled are route "
                      "propagation (propagatedRouteTables, labels), static routes other than 0.0.0.0/0, the "
                      "connections' static routes (vnetRoutes), branch (VPN, ExpressRoute) and BGP routes, and "
                      "routing intent to appliances other than an Azure Firewall",
                      hub.name, hub.connections.size(), hub.connections.size() == 1 ? "connection" : "connections",
                      spokes_here, hub.azure_firewall.set() ? ", secured by a firewall" : "", intent));
    }
  }

  /// Resolves a reference between children of one application gateway (`owner`); a missing child is an error.
  void resolve_in_gateway(Ref& ref, const std::unordered_map<std::string_view, int>& children, int owner,
                          const char* what, const SourceLocation& where, bool flattened, std::string_view field) {
    if (!ref.set()) return;
    if (auto it = children.find(ref.id); it != children.end()) {
      ref.index = owner;
      ref.child = it->second;
      return;
    }
    ref.index = -1;
    ref.child = -1;
    if (is_unknown(ref)) {
      // Only known at deployment (the importer warned `unknown-value`): the gateway's first child of that kind, a
      // documented assumption (docs/model.md, "Unknown values"); none when the gateway has none.
      for (const auto& [key, index] : children) {
        if (ref.child < 0 || index < ref.child) ref.child = index;
      }
      if (ref.child >= 0) ref.index = owner;
      return;
    }
    SourceLocation at = where;
    at.pointer += flattened ? std::string(field) : "/properties" + std::string(field);
    diags_.error("dangling-reference", at,
                 fmt::format("referenced {} '{}' is not in application gateway '{}'", what, ref.id,
                             m_.application_gateways[owner].name));
  }

  void resolve_gateways() {
    using RK = ResourceKind;
    for (auto& b : m_.bastion_hosts) {
      for (auto& c : b.ip_configurations) {
        resolve(c.subnet, RK::kSubnet, c.where, c.flattened, "/subnet/id");
        // The public IP resource only supplies the address: its absence changes no answer.
        resolve(c.public_ip, RK::kPublicIp, c.where, c.flattened, "/publicIPAddress/id", false);
      }
      resolve(b.virtual_network, RK::kVirtualNetwork, b.where, b.flattened, "/virtualNetwork/id");
    }
    for (std::size_t gi = 0; gi < m_.application_gateways.size(); ++gi) {
      auto& g = m_.application_gateways[gi];
      const int owner = static_cast<int>(gi);
      for (auto& c : g.gateway_ip_configurations) resolve(c.subnet, RK::kSubnet, c.where, c.flattened, "/subnet/id");
      for (auto& fe : g.frontends) {
        resolve(fe.public_ip, RK::kPublicIp, fe.where, fe.flattened, "/publicIPAddress/id", false);
        resolve(fe.subnet, RK::kSubnet, fe.where, fe.flattened, "/subnet/id", false);
      }
      // A listener whose frontend port is only known at deployment listens on every port: one frontend port of
      // unknown number stands for them; whose frontend IP configuration is, on the public one when there is one
      // (docs/model.md, "Unknown values"). Added before the indexes below, which point into the vectors.
      for (auto& l : g.listeners) {
        if (is_unknown(l.frontend_port)) {
          constexpr std::string_view kUnknownPort = "<frontend port only known at deployment>";
          if (std::none_of(g.frontend_ports.begin(), g.frontend_ports.end(),
                           [&](const AgFrontendPort& p) { return p.key == kUnknownPort; })) {
            AgFrontendPort p;
            p.name = p.id = p.key = std::string(kUnknownPort);
            p.unknown = true;
            p.where = l.where;
            g.frontend_ports.push_back(std::move(p));
          }
          l.frontend_port = Ref{std::string(kUnknownPort)};
        }
        if (is_unknown(l.frontend) && !g.frontends.empty()) {
          auto pub = std::find_if(g.frontends.begin(), g.frontends.end(),
                                  [](const AgFrontend& f) { return f.public_ip.set(); });
          l.frontend = Ref{pub != g.frontends.end() ? pub->key : g.frontends.front().key};
        }
      }
      auto index = [](const auto& children) {
        std::unordered_map<std::string_view, int> out;
        for (std::size_t i = 0; i < children.size(); ++i) out.emplace(children[i].key, static_cast<int>(i));
        return out;
      };
      const auto frontends = index(g.frontends);
      const auto ports = index(g.frontend_ports);
      const auto listeners = index(g.listeners);
      const auto pools = index(g.backend_pools);
      const auto settings = index(g.backend_settings);
      const auto maps = index(g.url_path_maps);
      for (auto& l : g.listeners) {
        resolve_in_gateway(l.frontend, frontends, owner, "frontend IP configuration", l.where, l.flattened,
                           "/frontendIPConfiguration/id");
        resolve_in_gateway(l.frontend_port, ports, owner, "frontend port", l.where, l.flattened, "/frontendPort/id");
      }
      auto target = [&](AgBackendTarget& t) {
        resolve_in_gateway(t.pool, pools, owner, "backend address pool", t.where, true, "/backendAddressPool/id");
        resolve_in_gateway(t.settings, settings, owner, "backend HTTP settings", t.where, true,
                           "/backendHttpSettings/id");
      };
      for (auto& map : g.url_path_maps) {
        resolve_in_gateway(map.default_target.pool, pools, owner, "backend address pool", map.default_target.where,
                           true, "/defaultBackendAddressPool/id");
        resolve_in_gateway(map.default_target.settings, settings, owner, "backend HTTP settings",
                           map.default_target.where, true, "/defaultBackendHttpSettings/id");
        for (auto& t : map.path_targets) target(t);
      }
      for (auto& r : g.rules) {
        resolve_in_gateway(r.listener, listeners, owner, "HTTP listener", r.where, r.flattened, "/httpListener/id");
        target(r.target);
        resolve_in_gateway(r.url_path_map, maps, owner, "URL path map", r.where, r.flattened, "/urlPathMap/id");
        r.targets.clear();
        if (r.url_path_map.child >= 0) {
          const auto& map = g.url_path_maps[r.url_path_map.child];
          r.targets.push_back(map.default_target);
          r.targets.insert(r.targets.end(), map.path_targets.begin(), map.path_targets.end());
        } else if (r.target.pool.set() || r.target.settings.set()) {
          r.targets.push_back(r.target);
        }
      }
      for (std::size_t p = 0; p < g.backend_pools.size(); ++p) {
        if (g.backend_pools[p].key.empty()) continue;
        ag_pools_.emplace(g.backend_pools[p].key, std::make_pair(owner, static_cast<int>(p)));
      }
    }
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      auto& nic = m_.nics[n];
      for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
        auto& cfg = nic.ip_configurations[c];
        for (std::size_t i = 0; i < cfg.ag_backend_pools.size(); ++i) {
          auto& ref = cfg.ag_backend_pools[i];
          resolve_child(ref, ag_pools_, "application gateway backend address pool", -1, cfg.where, cfg.flattened,
                        fmt::format("/applicationGatewayBackendAddressPools/{}/id", i));
          if (ref.child >= 0) {
            m_.application_gateways[ref.index].backend_pools[ref.child].members.push_back(
                IpConfigIndex{static_cast<int>(n), static_cast<int>(c)});
          }
        }
      }
    }
    for (auto& g : m_.application_gateways) {
      for (auto& pool : g.backend_pools) {
        auto& v = pool.members;
        auto key = [this](const IpConfigIndex& x) {
          const auto& nic = m_.nics[x.nic];
          return std::tie(nic.key, nic.ip_configurations[x.ip_configuration].name);
        };
        std::sort(v.begin(), v.end(), [&](const IpConfigIndex& a, const IpConfigIndex& b) { return key(a) < key(b); });
        v.erase(std::unique(v.begin(), v.end()), v.end());
      }
    }
  }

  void resolve_peerings() {
    for (auto& vnet : m_.vnets) {
      for (auto& p : vnet.peerings) {
        auto v = m_.find(p.remote_vnet.id);  // the remote may live in another subscription: absence is normal
        if (v && v->kind == ResourceKind::kVirtualNetwork) p.remote_vnet.index = v->index;
      }
    }
  }

  /// Ids that their parent's id and their name give back are dropped once nothing resolves by them any more:
  /// at 100k NICs they cost tens of megabytes (docs/performance.md).
  void drop_derivable_ids() {
    for (auto& nic : m_.nics) {
      for (auto& cfg : nic.ip_configurations) drop_derivable_id(nic, cfg);
    }
  }

  void finish_nsgs() {
    for (auto& nsg : m_.nsgs) {
      for (auto& rule : nsg.rules) {
        if (!rule.id.empty() && !nsg.id.empty()) {
          std::string written = std::move(rule.id);
          rule.id = std::string();
          if (security_rule_id(nsg, rule) != written) rule.id = std::move(written);  // not derivable: kept
        }
        for (auto* side : {&rule.source, &rule.destination}) {
          for (std::size_t a = 0; a < side->asgs.size(); ++a) {
            resolve(
                side->asgs[a], ResourceKind::kApplicationSecurityGroup, rule.where, rule.flattened,
                fmt::format("/{}ApplicationSecurityGroups/{}/id", side == &rule.source ? "source" : "destination", a));
          }
        }
      }
      const bool has_defaults = std::any_of(nsg.rules.begin(), nsg.rules.end(), [](auto& r) { return r.is_default; });
      if (!has_defaults) {
        for (auto& r : default_security_rules()) {
          r.where = nsg.where;
          nsg.rules.push_back(std::move(r));
        }
      }
      std::stable_sort(nsg.rules.begin(), nsg.rules.end(), [](const SecurityRule& a, const SecurityRule& b) {
        return std::tie(a.direction, a.priority) < std::tie(b.direction, b.priority);
      });
      for (std::size_t i = 1; i < nsg.rules.size(); ++i) {
        const auto& a = nsg.rules[i - 1];
        const auto& b = nsg.rules[i];
        if (a.direction == b.direction && a.priority == b.priority && b.priority != kUnknownAllowPriority) {
          diags_.error("duplicate-priority", b.where,
                       fmt::format("rules '{}' and '{}' of network security group '{}' share priority {} in the same "
                                   "direction",
                                   a.name, b.name, nsg.name, b.priority));
        }
      }
    }
  }

  Model& m_;
  Diagnostics& diags_;
  const ValidateOptions& opt_;
  std::unordered_map<std::string_view, std::pair<int, int>> ip_configs_;  // views into the model
  ChildIndex frontends_;                                                  // frontend key -> (load balancer, frontend)
  ChildIndex pools_;                                                      // backend pool key -> (load balancer, pool)
  ChildIndex nat_rules_;  // inbound NAT rule key -> (load balancer, rule)
  ChildIndex ag_pools_;   // application gateway backend pool key -> (gateway, pool)
  ChildIndex nat_pools_;  // inbound NAT pool key -> (load balancer, pool)
};

}  // namespace

std::vector<SecurityRule> default_security_rules() {
  using enum Direction;
  using enum Access;
  std::vector<SecurityRule> rules;
  rules.push_back(make_default("AllowVnetInBound", 65000, kInbound, kAllow, tag(ServiceTag::kVirtualNetwork),
                               tag(ServiceTag::kVirtualNetwork)));
  rules.push_back(make_default("AllowAzureLoadBalancerInBound", 65001, kInbound, kAllow,
                               tag(ServiceTag::kAzureLoadBalancer), any()));
  rules.push_back(make_default("DenyAllInBound", 65500, kInbound, kDeny, any(), any()));
  rules.push_back(make_default("AllowVnetOutBound", 65000, kOutbound, kAllow, tag(ServiceTag::kVirtualNetwork),
                               tag(ServiceTag::kVirtualNetwork)));
  rules.push_back(make_default("AllowInternetOutBound", 65001, kOutbound, kAllow, any(), tag(ServiceTag::kInternet)));
  rules.push_back(make_default("DenyAllOutBound", 65500, kOutbound, kDeny, any(), any()));
  return rules;
}

void validate(Model& model, Diagnostics& diags, const ValidateOptions& options) {
  Validator(model, diags, options).run();
}

}  // namespace exposim::model
