// Operations of `exposim whatif` on an imported model (model/edit.h).
#include "model/edit.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "model/ascii.h"
#include "model/suggest.h"

namespace exposim::model {

const char* to_string(EditKind k) {
  switch (k) {
    case EditKind::kAddNsgRule: return "add-nsg-rule";
    case EditKind::kRemoveNsgRule: return "remove-nsg-rule";
    case EditKind::kModifyNsgRule: return "modify-nsg-rule";
    case EditKind::kAttachNsg: return "attach-nsg";
    case EditKind::kDetachNsg: return "detach-nsg";
    case EditKind::kAddPublicIp: return "add-public-ip";
    case EditKind::kRemovePublicIp: return "remove-public-ip";
    case EditKind::kAddFirewallRule: return "add-firewall-rule";
    case EditKind::kRemoveFirewallRule: return "remove-firewall-rule";
    case EditKind::kModifyFirewallRule: return "modify-firewall-rule";
    case EditKind::kAddRoute: return "add-route";
    case EditKind::kRemoveRoute: return "remove-route";
    case EditKind::kModifyRoute: return "modify-route";
    case EditKind::kSetPublicNetworkAccess: return "set-public-network-access";
    case EditKind::kGrantJit: return "grant-jit";
    case EditKind::kAddAdminRule: return "add-admin-rule";
    case EditKind::kRemoveAdminRule: return "remove-admin-rule";
    case EditKind::kModifyAdminRule: return "modify-admin-rule";
  }
  return "?";
}

namespace {

using ascii::iequals;

/// The index of the item named `name` (canonical id, or name case-insensitively; `also` may accept other
/// spellings), or -1 with an error.
template <typename T, typename Also>
int find_in(const std::vector<T>& items, const std::string& name, const char* what, const SourceLocation& where,
            Diagnostics& diags, Also also) {
  const std::string key = canonical_id(name);
  std::vector<int> hits;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].key == key) return static_cast<int>(i);
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (iequals(items[i].name, name) || also(items[i], key)) hits.push_back(static_cast<int>(i));
  }
  if (hits.size() == 1) return hits.front();
  if (hits.empty()) {
    diags.error(
        "change-target-unknown", where,
        with_suggestion(fmt::format("no {} named '{}' in the inputs (give its name or resource id)", what, name), name,
                        names_of(items)));
  } else {
    diags.error("change-ambiguous", where,
                fmt::format("{} {} resources are named '{}': give the resource id, e.g. '{}'", hits.size(), what, name,
                            items[hits.front()].id));
  }
  return -1;
}

template <typename T>
int find_in(const std::vector<T>& items, const std::string& name, const char* what, const SourceLocation& where,
            Diagnostics& diags) {
  return find_in(items, name, what, where, diags, [](const T&, const std::string&) { return false; });
}

/// The name that follows `/segment/` in canonical id `key` (up to the next '/'), or "" when it has none.
std::string edit_id_segment(std::string_view key, std::string_view segment) {
  for (std::size_t at = key.find(segment); at != std::string_view::npos; at = key.find(segment, at + 1)) {
    const std::size_t from = at + segment.size();
    if (at == 0 || key[at - 1] != '/' || from >= key.size() || key[from] != '/') continue;
    std::string_view rest = key.substr(from + 1);
    return std::string(rest.substr(0, rest.find('/')));
  }
  return "";
}

/// The resource group prefix of an id ("/subscriptions/s/resourceGroups/g"), or "" when it has none.
std::string group_prefix(const std::string& id) {
  const std::string lower = canonical_id(id);
  const auto p = lower.find("/providers/");
  return p == std::string::npos ? std::string() : id.substr(0, p);
}

class Editor {
 public:
  Editor(Model& m, const Edit& e, Diagnostics& d, std::vector<Changed>& c) : m_(m), e_(e), diags_(d), changed_(c) {}

  bool run() {
    switch (e_.kind) {
      case EditKind::kAddNsgRule:
      case EditKind::kRemoveNsgRule:
      case EditKind::kModifyNsgRule: return nsg_rule();
      case EditKind::kAttachNsg:
      case EditKind::kDetachNsg: return attach_nsg();
      case EditKind::kAddPublicIp:
      case EditKind::kRemovePublicIp: return public_ip();
      case EditKind::kAddFirewallRule:
      case EditKind::kRemoveFirewallRule:
      case EditKind::kModifyFirewallRule: return firewall_rule();
      case EditKind::kAddRoute:
      case EditKind::kRemoveRoute:
      case EditKind::kModifyRoute: return route();
      case EditKind::kSetPublicNetworkAccess: return public_network_access();
      case EditKind::kGrantJit: return jit();
      case EditKind::kAddAdminRule:
      case EditKind::kRemoveAdminRule:
      case EditKind::kModifyAdminRule: return admin_rule();
    }
    return false;
  }

 private:
  bool fail(const char* code, std::string message) {
    diags_.error(code, e_.where, std::move(message));
    return false;
  }
  void mark(ResourceKind kind, const std::string& key) { changed_.push_back(Changed{kind, key}); }

  /// Adds, removes or replaces the item named `name` of `items` (add: `value` must not exist yet).
  template <typename T>
  bool edit_list(std::vector<T>& items, const std::optional<T>& value, const std::string& name, const char* what,
                 const std::string& owner) {
    auto named = [&](const std::string& n) {
      return std::find_if(items.begin(), items.end(), [&](const T& x) { return iequals(x.name, n); });
    };
    const bool add =
        e_.kind == EditKind::kAddNsgRule || e_.kind == EditKind::kAddFirewallRule || e_.kind == EditKind::kAddRoute;
    if (add) {
      if (named(value->name) != items.end()) {
        return fail("change-invalid",
                    fmt::format("{} already has a {} named '{}' (use a modify operation)", owner, what, value->name));
      }
      items.push_back(*value);
      return true;
    }
    auto it = named(name);
    if (it == items.end()) {
      return fail("change-target-unknown",
                  with_suggestion(fmt::format("{} has no {} named '{}'", owner, what, name), name, names_of(items)));
    }
    if (value) {
      *it = *value;
    } else {
      items.erase(it);
    }
    return true;
  }

  bool nsg_rule() {
    const int i = find_nsg(m_, e_.nsg, e_.where, diags_);
    if (i < 0) return false;
    auto& nsg = m_.nsgs[i];
    std::optional<SecurityRule> rule = e_.security_rule;
    if (rule) {
      rule->id = nsg.id + "/securityRules/" + rule->name;
      if (rule->where.file.empty()) rule->where = e_.where;
    }
    if (e_.kind != EditKind::kAddNsgRule) {
      auto it = std::find_if(nsg.rules.begin(), nsg.rules.end(),
                             [&](const SecurityRule& r) { return iequals(r.name, e_.rule); });
      if (it != nsg.rules.end() && it->is_default) {
        return fail("change-invalid", fmt::format("rule '{}' of network security group '{}' is one of Azure's default "
                                                  "rules, which cannot be removed or changed",
                                                  it->name, nsg.name));
      }
    }
    if (e_.kind == EditKind::kAddNsgRule && std::any_of(nsg.rules.begin(), nsg.rules.end(), [&](const SecurityRule& r) {
          return iequals(r.name, rule->name);
        })) {
      return fail("change-invalid", fmt::format("network security group '{}' already has a rule named '{}' (use "
                                                "modify-nsg-rule)",
                                                nsg.name, rule->name));
    }
    if (!edit_list(nsg.rules, rule, e_.rule, "security rule", fmt::format("network security group '{}'", nsg.name))) {
      return false;
    }
    mark(ResourceKind::kNetworkSecurityGroup, nsg.key);
    return true;
  }

  int find_subnet(const std::string& name) {
    return find_in(m_.subnets, name, "subnet", e_.where, diags_, [](const Subnet& s, const std::string& key) {
      // "vnet/subnet": the key ends with "/virtualnetworks/vnet/subnets/subnet".
      const auto slash = key.find('/');
      if (slash == std::string::npos || key.find('/', slash + 1) != std::string::npos) return false;
      const std::string tail = "/virtualnetworks/" + key.substr(0, slash) + "/subnets/" + key.substr(slash + 1);
      return s.key.ends_with(tail);
    });
  }
  int find_nic(const std::string& name) { return find_in(m_.nics, name, "network interface", e_.where, diags_); }

  /// Forgets the NSGs that list `key` among their subnets or NICs (back-references would attach them again).
  void drop_back_references(const std::string& key, bool subnet) {
    for (auto& nsg : m_.nsgs) {
      auto& refs = subnet ? nsg.subnets : nsg.network_interfaces;
      const auto before = refs.size();
      std::erase_if(refs, [&](const Ref& r) { return r.id == key; });
      if (refs.size() != before) mark(ResourceKind::kNetworkSecurityGroup, nsg.key);
    }
  }

  /// The NSG that applies to a subnet or NIC: its own reference, else an NSG listing it.
  std::string nsg_key_of(const Ref& own, const std::string& key, bool subnet) const {
    if (own.set()) return own.id;
    for (const auto& nsg : m_.nsgs) {
      for (const auto& r : subnet ? nsg.subnets : nsg.network_interfaces) {
        if (r.id == key) return nsg.key;
      }
    }
    return "";
  }

  bool attach_nsg() {
    const bool attach = e_.kind == EditKind::kAttachNsg;
    int nsg = -1;
    if (attach && (nsg = find_nsg(m_, e_.nsg, e_.where, diags_)) < 0) return false;
    Ref* slot = nullptr;
    std::string key;
    std::string what;
    ResourceKind kind = ResourceKind::kSubnet;
    if (!e_.subnet.empty()) {
      const int s = find_subnet(e_.subnet);
      if (s < 0) return false;
      slot = &m_.subnets[s].nsg;
      key = m_.subnets[s].key;
      what = fmt::format("subnet '{}'", m_.subnets[s].name);
    } else {
      const int n = find_nic(e_.nic);
      if (n < 0) return false;
      slot = &m_.nics[n].nsg;
      key = m_.nics[n].key;
      what = fmt::format("network interface '{}'", m_.nics[n].name);
      kind = ResourceKind::kNetworkInterface;
    }
    const bool subnet = kind == ResourceKind::kSubnet;
    if (!attach && nsg_key_of(*slot, key, subnet).empty()) {
      return fail("change-invalid", fmt::format("{} has no network security group to detach", what));
    }
    drop_back_references(key, subnet);
    *slot = attach ? Ref{m_.nsgs[nsg].key, -1} : Ref{};
    mark(kind, key);
    return true;
  }

  IpConfiguration* ip_configuration(NetworkInterface& nic) {
    if (nic.ip_configurations.empty()) {
      fail("change-invalid", fmt::format("network interface '{}' has no ip configuration", nic.name));
      return nullptr;
    }
    if (e_.ip_configuration.empty()) {
      for (auto& c : nic.ip_configurations) {
        if (c.primary) return &c;
      }
      return &nic.ip_configurations.front();
    }
    for (auto& c : nic.ip_configurations) {
      if (iequals(c.name, e_.ip_configuration) || c.key == canonical_id(e_.ip_configuration)) return &c;
    }
    fail("change-target-unknown",
         with_suggestion(
             fmt::format("network interface '{}' has no ip configuration named '{}'", nic.name, e_.ip_configuration),
             e_.ip_configuration, names_of(nic.ip_configurations)));
    return nullptr;
  }

  bool public_ip() {
    const int n = find_nic(e_.nic);
    if (n < 0) return false;
    auto& nic = m_.nics[n];
    IpConfiguration* cfg = ip_configuration(nic);
    if (cfg == nullptr) return false;
    if (e_.kind == EditKind::kRemovePublicIp) {
      bool had = cfg->public_ip.set();
      for (auto& pip : m_.public_ips) {
        if (pip.attached_ip_configuration.id == cfg->key) {
          pip.attached_ip_configuration = Ref{};
          had = true;
          mark(ResourceKind::kPublicIp, pip.key);
        }
      }
      if (!had) {
        return fail("change-invalid", fmt::format("ip configuration '{}' of network interface '{}' has no public IP",
                                                  cfg->name, nic.name));
      }
      cfg->public_ip = Ref{};
      mark(ResourceKind::kNetworkInterface, nic.key);
      return true;
    }
    const bool has = cfg->public_ip.set() || std::any_of(m_.public_ips.begin(), m_.public_ips.end(), [&](auto& p) {
                       return p.attached_ip_configuration.id == cfg->key;
                     });
    if (has) {
      return fail("change-invalid", fmt::format("ip configuration '{}' of network interface '{}' already has a public "
                                                "IP (remove it first)",
                                                cfg->name, nic.name));
    }
    int p = -1;
    if (e_.public_ip) {
      PublicIp pip = *e_.public_ip;
      pip.id = group_prefix(nic.id) + "/providers/Microsoft.Network/publicIPAddresses/" + pip.name;
      pip.key = canonical_id(pip.id);
      if (pip.where.file.empty()) pip.where = e_.where;
      if (std::any_of(m_.public_ips.begin(), m_.public_ips.end(), [&](auto& x) { return x.key == pip.key; })) {
        return fail("change-invalid",
                    fmt::format("public IP '{}' already exists (name it as a string to attach it)", pip.id));
      }
      if (pip.family != cfg->family) {
        return fail("change-invalid", fmt::format("public IP '{}' is {} but ip configuration '{}' is {}", pip.name,
                                                  pip.family == IpFamily::kV4 ? "IPv4" : "IPv6", cfg->name,
                                                  cfg->family == IpFamily::kV4 ? "IPv4" : "IPv6"));
      }
      m_.public_ips.push_back(std::move(pip));
      p = static_cast<int>(m_.public_ips.size()) - 1;
    } else {
      p = find_in(m_.public_ips, e_.public_ip_name, "public IP address", e_.where, diags_);
      if (p < 0) return false;
      const auto& key = m_.public_ips[p].key;
      for (const auto& other : m_.nics) {
        for (const auto& c : other.ip_configurations) {
          if (c.public_ip.id == key) {
            return fail("change-invalid", fmt::format("public IP '{}' is already used by ip configuration '{}' of "
                                                      "network interface '{}'",
                                                      m_.public_ips[p].name, c.name, other.name));
          }
        }
      }
      const auto& attached = m_.public_ips[p].attached_ip_configuration;
      if (attached.set() && attached.id != cfg->key) {
        return fail("change-invalid",
                    fmt::format("public IP '{}' is already attached to '{}'", m_.public_ips[p].name, attached.id));
      }
    }
    cfg->public_ip = Ref{m_.public_ips[p].key, -1};
    mark(ResourceKind::kPublicIp, m_.public_ips[p].key);
    mark(ResourceKind::kNetworkInterface, nic.key);
    return true;
  }

  bool firewall_rule() {
    std::vector<FirewallRuleCollection>* collections = nullptr;
    std::string owner;
    if (!e_.firewall_policy.empty()) {
      const int p = find_firewall_policy(m_, e_.firewall_policy, e_.where, diags_);
      if (p < 0) return false;
      auto& policy = m_.firewall_policies[p];
      auto g = std::find_if(policy.groups.begin(), policy.groups.end(),
                            [&](auto& x) { return iequals(x.name, e_.group) || x.key == canonical_id(e_.group); });
      if (g == policy.groups.end()) {
        return fail("change-target-unknown",
                    with_suggestion(fmt::format("firewall policy '{}' has no rule collection group named '{}'",
                                                policy.name, e_.group),
                                    e_.group, names_of(policy.groups)));
      }
      collections = &g->collections;
      owner = fmt::format("firewall policy '{}', group '{}'", policy.name, g->name);
      mark(ResourceKind::kFirewallPolicy, policy.key);
    } else {
      const int f = find_firewall(m_, e_.firewall, e_.where, diags_);
      if (f < 0) return false;
      collections = &m_.firewalls[f].classic;
      owner = fmt::format("firewall '{}'", m_.firewalls[f].name);
      mark(ResourceKind::kFirewall, m_.firewalls[f].key);
    }
    auto c =
        std::find_if(collections->begin(), collections->end(), [&](auto& x) { return iequals(x.name, e_.collection); });
    if (c == collections->end()) {
      changed_.pop_back();
      return fail("change-target-unknown",
                  with_suggestion(fmt::format("{} has no rule collection named '{}'", owner, e_.collection),
                                  e_.collection, names_of(*collections)));
    }
    if (e_.firewall_rule && (e_.firewall_rule->kind == FirewallRuleKind::kNat) != (c->kind == FirewallRuleKind::kNat)) {
      changed_.pop_back();
      return fail("change-invalid",
                  fmt::format("rule '{}' is a {} rule but collection '{}' holds {} rules", e_.firewall_rule->name,
                              to_string(e_.firewall_rule->kind), c->name, to_string(c->kind)));
    }
    if (!edit_list(c->rules, e_.firewall_rule, e_.rule, "rule", fmt::format("{}, collection '{}'", owner, c->name))) {
      changed_.pop_back();
      return false;
    }
    return true;
  }

  bool route() {
    const int t = find_route_table(m_, e_.route_table, e_.where, diags_);
    if (t < 0) return false;
    auto& rt = m_.route_tables[t];
    if (!edit_list(rt.routes, e_.route, e_.rule, "route", fmt::format("route table '{}'", rt.name))) return false;
    mark(ResourceKind::kRouteTable, rt.key);
    return true;
  }

  bool public_network_access() {
    const int s = find_in(m_.paas_services, e_.service, "PaaS service", e_.where, diags_);
    if (s < 0) return false;
    m_.paas_services[s].public_network_access = e_.access;
    mark(ResourceKind::kPaasService, m_.paas_services[s].key);
    return true;
  }

  /// A security admin rule of a rule collection: the rules are resources of their own (Model::admin_rules), the
  /// collection's by their `collection` reference; an added rule goes last, a modified one keeps its place.
  bool admin_rule() {
    const int c =
        find_admin_rule_collection(m_, e_.network_manager, e_.admin_configuration, e_.collection, e_.where, diags_);
    if (c < 0) return false;
    const auto& col = m_.admin_rule_collections[c];
    const std::string& wanted = e_.kind == EditKind::kAddAdminRule ? e_.admin_rule->name : e_.rule;
    std::vector<std::string> names;
    auto found = m_.admin_rules.end();
    for (auto it = m_.admin_rules.begin(); it != m_.admin_rules.end(); ++it) {
      if (it->collection.id != col.key) continue;
      names.push_back(it->name);
      if (iequals(it->name, wanted)) found = it;
    }
    const std::string owner = fmt::format("security admin rule collection '{}'", col.name);
    if (e_.kind == EditKind::kAddAdminRule) {
      if (found != m_.admin_rules.end()) {
        return fail("change-invalid",
                    fmt::format("{} already has a rule named '{}' (use modify-admin-rule)", owner, wanted));
      }
    } else if (found == m_.admin_rules.end()) {
      return fail("change-target-unknown",
                  with_suggestion(fmt::format("{} has no rule named '{}'", owner, wanted), wanted, names));
    }
    std::string key;
    if (e_.kind == EditKind::kRemoveAdminRule) {
      key = found->key;
      m_.admin_rules.erase(found);
    } else {
      AdminRule r = *e_.admin_rule;
      r.id = col.id + "/rules/" + r.name;
      r.key = canonical_id(r.id);
      r.collection = Ref{col.key, -1};
      r.rule.id = r.id;
      r.rule.name = r.name;
      if (r.where.file.empty()) r.where = e_.where;
      r.rule.where = r.where;
      key = r.key;
      if (found != m_.admin_rules.end()) {
        *found = std::move(r);
      } else {
        m_.admin_rules.push_back(std::move(r));
      }
    }
    mark(ResourceKind::kAdminRule, key);
    return true;
  }

  /// Just-in-time access as Defender for Cloud writes a granted request: an allow rule named
  /// "SecurityCenter-JITRule-…" at the first free inbound priority from 100, from the requested source to the
  /// VM's private addresses on the port, in every NSG on the VM's path (subnet and NIC).
  bool jit() {
    std::vector<int> nics;
    std::string what;
    if (!e_.vm.empty()) {
      const int v = find_in(m_.vms, e_.vm, "virtual machine", e_.where, diags_);
      if (v < 0) return false;
      const auto& vm = m_.vms[v];
      what = fmt::format("virtual machine '{}'", vm.name);
      for (std::size_t n = 0; n < m_.nics.size(); ++n) {
        const auto& nic = m_.nics[n];
        const bool listed = std::any_of(vm.network_interfaces.begin(), vm.network_interfaces.end(),
                                        [&](const Ref& r) { return r.id == nic.key; });
        if (listed || nic.virtual_machine.id == vm.key) nics.push_back(static_cast<int>(n));
      }
      if (nics.empty()) return fail("change-invalid", fmt::format("{} has no network interface in the inputs", what));
    } else {
      const int n = find_nic(e_.nic);
      if (n < 0) return false;
      nics.push_back(n);
      what = fmt::format("network interface '{}'", m_.nics[n].name);
    }
    std::set<std::string> nsg_keys;
    AddressMatch destination;
    for (const int n : nics) {
      const auto& nic = m_.nics[n];
      if (auto k = nsg_key_of(nic.nsg, nic.key, false); !k.empty()) nsg_keys.insert(k);
      for (const auto& cfg : nic.ip_configurations) {
        if (cfg.private_ip) {
          destination.prefixes.push_back(IpPrefix{*cfg.private_ip, cfg.family == IpFamily::kV4 ? 32 : 128});
        } else {
          destination.any = true;  // address not allocated yet: the rule names the VM's address, whatever it is
        }
        const auto s =
            std::find_if(m_.subnets.begin(), m_.subnets.end(), [&](auto& x) { return x.key == cfg.subnet.id; });
        if (s == m_.subnets.end()) continue;
        if (auto k = nsg_key_of(s->nsg, s->key, true); !k.empty()) nsg_keys.insert(k);
      }
    }
    if (destination.any) destination.prefixes.clear();
    std::vector<int> targets;
    for (const auto& key : nsg_keys) {
      const auto it = std::find_if(m_.nsgs.begin(), m_.nsgs.end(), [&](auto& x) { return x.key == key; });
      if (it == m_.nsgs.end()) {
        return fail("change-invalid",
                    fmt::format("{}: its network security group '{}' is not in the inputs, so the just-in-time rule "
                                "cannot be written",
                                what, key));
      }
      targets.push_back(static_cast<int>(it - m_.nsgs.begin()));
    }
    if (targets.empty()) {
      return fail(
          "change-invalid",
          fmt::format("{} has no network security group: just-in-time access needs one to write its rules", what));
    }
    for (const int t : targets) {
      auto& nsg = m_.nsgs[t];
      std::set<int> used;
      for (const auto& r : nsg.rules) {
        if (r.direction == Direction::kInbound) used.insert(r.priority);
      }
      int priority = 100;
      while (used.count(priority) != 0) ++priority;
      if (priority > 4096) {
        return fail("change-invalid",
                    fmt::format("network security group '{}' has no free inbound priority", nsg.name));
      }
      int n = 0;
      std::string name;
      do {
        name = fmt::format("SecurityCenter-JITRule-whatif-{}-{}", e_.jit_port, n++);
      } while (std::any_of(nsg.rules.begin(), nsg.rules.end(), [&](auto& r) { return iequals(r.name, name); }));
      SecurityRule r;
      r.name = name;
      r.id = nsg.id + "/securityRules/" + name;
      r.priority = priority;
      r.direction = Direction::kInbound;
      r.access = Access::kAllow;
      r.protocols = e_.jit_protocols;
      r.source = e_.jit_source;
      r.destination = destination;
      r.source_ports = PortSet::all();
      r.destination_ports = PortSet::single(e_.jit_port);
      r.is_jit = true;
      r.where = e_.where;
      nsg.rules.push_back(std::move(r));
      mark(ResourceKind::kNetworkSecurityGroup, nsg.key);
    }
    return true;
  }

  Model& m_;
  const Edit& e_;
  Diagnostics& diags_;
  std::vector<Changed>& changed_;
};

}  // namespace

int find_nsg(const Model& m, const std::string& name, const SourceLocation& where, Diagnostics& diags) {
  return find_in(m.nsgs, name, "network security group", where, diags);
}
int find_route_table(const Model& m, const std::string& name, const SourceLocation& where, Diagnostics& diags) {
  return find_in(m.route_tables, name, "route table", where, diags);
}
int find_firewall(const Model& m, const std::string& name, const SourceLocation& where, Diagnostics& diags) {
  return find_in(m.firewalls, name, "firewall", where, diags);
}
int find_firewall_policy(const Model& m, const std::string& name, const SourceLocation& where, Diagnostics& diags) {
  return find_in(m.firewall_policies, name, "firewall policy", where, diags);
}

int find_admin_rule_collection(const Model& m, const std::string& network_manager, const std::string& configuration,
                               const std::string& collection, const SourceLocation& where, Diagnostics& diags) {
  // Narrowed by the parents' names (in the collection's id, so that a parent missing from the input still counts).
  std::vector<AdminRuleCollection> candidates;
  std::vector<int> index;
  for (std::size_t i = 0; i < m.admin_rule_collections.size(); ++i) {
    const auto& c = m.admin_rule_collections[i];
    if (!network_manager.empty() && c.key != canonical_id(collection) &&
        edit_id_segment(c.key, "networkmanagers") != canonical_id(network_manager)) {
      continue;
    }
    if (!configuration.empty() && c.key != canonical_id(collection) &&
        edit_id_segment(c.key, "securityadminconfigurations") != canonical_id(configuration)) {
      continue;
    }
    candidates.push_back(c);
    index.push_back(static_cast<int>(i));
  }
  const int i = find_in(candidates, collection, "security admin rule collection", where, diags);
  return i < 0 ? -1 : index[i];
}

bool apply_edit(Model& m, const Edit& edit, Diagnostics& diags, std::vector<Changed>& changed) {
  std::vector<Changed> mine;
  // Every operation checks what it needs before it changes anything.
  if (!Editor(m, edit, diags, mine).run()) return false;
  changed.insert(changed.end(), mine.begin(), mine.end());
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  return true;
}

}  // namespace exposim::model
