// The model back to Azure resource JSON (importers/azure/resource_writer.h, importers/azure/resource_json.h).
#include "importers/azure/resource_writer.h"

#include "importers/azure/resource_json.h"

#include <algorithm>

#include <fmt/format.h>

namespace exposim::importers::azure {

using nlohmann::ordered_json;

namespace {

std::string port_text(const model::Interval<std::uint16_t>& iv) {
  return iv.lo == iv.hi ? std::to_string(iv.lo) : fmt::format("{}-{}", iv.lo, iv.hi);
}

/// `single` when the set is one range ("*" for every port), else `plural` with one entry per range.
void put_ports(ordered_json& o, const char* single, const char* plural, const model::PortSet& ports) {
  if (ports.is_all()) {
    o[single] = "*";
  } else if (ports.size() == 1) {
    o[single] = port_text(ports.intervals().front());
  } else {
    ordered_json list = ordered_json::array();
    for (const auto& iv : ports.intervals()) list.push_back(port_text(iv));
    o[plural] = std::move(list);
  }
}

const char* tag_text(model::ServiceTag t) {
  switch (t) {
    case model::ServiceTag::kInternet: return "Internet";
    case model::ServiceTag::kVirtualNetwork: return "VirtualNetwork";
    case model::ServiceTag::kAzureLoadBalancer: return "AzureLoadBalancer";
    case model::ServiceTag::kOther: break;
  }
  return "";
}

void put_addresses(ordered_json& o, const char* single, const char* plural, const char* asgs,
                   const model::AddressMatch& a) {
  std::vector<std::string> items;
  if (a.any) items.emplace_back("*");
  for (const auto& p : a.prefixes) items.push_back(p.to_string());
  for (const auto t : a.tags) {
    if (t != model::ServiceTag::kOther) items.emplace_back(tag_text(t));
  }
  for (const auto& t : a.other_tags) items.push_back(t);
  if (items.size() == 1) {
    o[single] = items.front();
  } else if (!items.empty()) {
    o[plural] = items;
  }
  if (!a.asgs.empty()) {
    ordered_json list = ordered_json::array();
    for (const auto& r : a.asgs) list.push_back({{"id", r.id}});
    o[asgs] = std::move(list);
  }
}

ordered_json ref_json(const model::Ref& r) { return ordered_json{{"id", r.id}}; }

const char* nsg_protocol(model::ProtocolMask m) {
  using model::Protocol;
  if (m == model::bit(Protocol::kTcp)) return "Tcp";
  if (m == model::bit(Protocol::kUdp)) return "Udp";
  if (m == model::bit(Protocol::kIcmp)) return "Icmp";
  if (m == model::bit(Protocol::kEsp)) return "Esp";
  if (m == model::bit(Protocol::kAh)) return "Ah";
  return "*";
}

ordered_json fw_addresses(const model::FirewallAddresses& a) {
  ordered_json list = ordered_json::array();
  if (a.any) list.push_back("*");
  for (const auto& p : a.prefixes) list.push_back(p.to_string());
  for (const auto& u : a.unresolved) list.push_back(u);
  return list;
}

ordered_json fw_groups(const model::FirewallAddresses& a) {
  ordered_json list = ordered_json::array();
  for (const auto& g : a.ip_groups) list.push_back(g.id);
  return list;
}

ordered_json collection_json(const model::FirewallRuleCollection& c, bool classic) {
  ordered_json rules = ordered_json::array();
  for (const auto& r : c.rules) rules.push_back(firewall_rule_json(r, classic));
  const char* action = c.action == model::FirewallAction::kDnat    ? "Dnat"
                       : c.action == model::FirewallAction::kAllow ? "Allow"
                                                                   : "Deny";
  if (classic) {
    return ordered_json{{"name", c.name},
                        {"properties", {{"priority", c.priority}, {"action", {{"type", action}}}, {"rules", rules}}}};
  }
  return ordered_json{
      {"ruleCollectionType", c.kind == model::FirewallRuleKind::kNat ? "FirewallPolicyNatRuleCollection"
                                                                     : "FirewallPolicyFilterRuleCollection"},
      {"name", c.name},
      {"priority", c.priority},
      {"action", {{"type", action}}},
      {"rules", rules}};
}

const char* paas_type(model::PaasKind k) {
  switch (k) {
    case model::PaasKind::kStorage: return "Microsoft.Storage/storageAccounts";
    case model::PaasKind::kKeyVault: return "Microsoft.KeyVault/vaults";
    case model::PaasKind::kSqlServer: return "Microsoft.Sql/servers";
    case model::PaasKind::kCosmosDb: return "Microsoft.DocumentDB/databaseAccounts";
    case model::PaasKind::kAppService: return "Microsoft.Web/sites";
    case model::PaasKind::kSqlManagedInstance: return "Microsoft.Sql/managedInstances";
  }
  return "";
}

/// A SQL managed instance's public data endpoint as written back: on unless known to be off.
bool data_endpoint_enabled(const model::PaasService& s) {
  return s.public_data_endpoint_enabled.unknown || !s.public_data_endpoint_enabled.is(false);
}

template <typename T>
const T* by_key(const std::vector<T>& items, const std::string& key) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.key == key; });
  return it == items.end() ? nullptr : &*it;
}

ordered_json head(const model::ResourceBase& r, const char* type) {
  ordered_json o{{"id", r.id}, {"name", r.name}, {"type", type}};
  if (!r.location.empty()) o["location"] = r.location;
  return o;
}

}  // namespace

ordered_json security_rule_json(const model::SecurityRule& r) {
  ordered_json p;
  p["protocol"] = nsg_protocol(r.protocols);
  put_ports(p, "sourcePortRange", "sourcePortRanges", r.source_ports);
  put_ports(p, "destinationPortRange", "destinationPortRanges", r.destination_ports);
  put_addresses(p, "sourceAddressPrefix", "sourceAddressPrefixes", "sourceApplicationSecurityGroups", r.source);
  put_addresses(p, "destinationAddressPrefix", "destinationAddressPrefixes", "destinationApplicationSecurityGroups",
                r.destination);
  p["access"] = r.access == model::Access::kAllow ? "Allow" : "Deny";
  p["priority"] = r.priority;
  p["direction"] = r.direction == model::Direction::kInbound ? "Inbound" : "Outbound";
  return ordered_json{{"name", r.name}, {"properties", std::move(p)}};
}

namespace {

/// One side of an admin rule: `sources` or `destinations` entries (absent: any address).
ordered_json admin_addresses_json(const model::AddressMatch& a) {
  ordered_json list = ordered_json::array();
  const auto entry = [&](const std::string& prefix, const char* type) {
    list.push_back(ordered_json{{"addressPrefix", prefix}, {"addressPrefixType", type}});
  };
  if (a.any) entry("*", "IPPrefix");
  for (const auto& p : a.prefixes) entry(p.to_string(), "IPPrefix");
  for (const auto t : a.tags) {
    if (t != model::ServiceTag::kOther) entry(tag_text(t), "ServiceTag");
  }
  for (const auto& t : a.other_tags) entry(t, "ServiceTag");
  return list;
}

/// Admin rule port ranges: a list, empty for every port.
ordered_json admin_ports_json(const model::PortSet& ports) {
  ordered_json list = ordered_json::array();
  if (ports.is_all()) return list;
  for (const auto& iv : ports.intervals()) list.push_back(port_text(iv));
  return list;
}

}  // namespace

ordered_json admin_rule_json(const model::AdminRule& a) {
  const model::SecurityRule& r = a.rule;
  ordered_json p;
  p["access"] = model::to_string(a.access);
  p["priority"] = r.priority;
  p["direction"] = r.direction == model::Direction::kInbound ? "Inbound" : "Outbound";
  const char* protocol = nsg_protocol(r.protocols);
  p["protocol"] = std::string_view(protocol) == "*" ? "Any" : protocol;
  p["sources"] = admin_addresses_json(r.source);
  p["destinations"] = admin_addresses_json(r.destination);
  p["sourcePortRanges"] = admin_ports_json(r.source_ports);
  p["destinationPortRanges"] = admin_ports_json(r.destination_ports);
  return ordered_json{{"id", a.id},
                      {"name", a.name},
                      {"type", "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules"},
                      {"kind", "Custom"},
                      {"properties", std::move(p)}};
}

ordered_json route_json(const model::Route& r) {
  ordered_json p{{"addressPrefix", r.prefix_text}, {"nextHopType", model::to_string(r.next_hop)}};
  if (r.next_hop_ip) p["nextHopIpAddress"] = r.next_hop_ip->to_string();
  return ordered_json{{"name", r.name}, {"properties", std::move(p)}};
}

ordered_json firewall_rule_json(const model::FirewallRule& r, bool classic) {
  using model::FirewallRuleKind;
  using model::Protocol;
  ordered_json o;
  o["name"] = r.name;
  if (!classic) {
    o["ruleType"] = r.kind == FirewallRuleKind::kNat       ? "NatRule"
                    : r.kind == FirewallRuleKind::kNetwork ? "NetworkRule"
                                                           : "ApplicationRule";
  }
  o["sourceAddresses"] = fw_addresses(r.sources);
  if (!r.sources.ip_groups.empty()) o["sourceIpGroups"] = fw_groups(r.sources);
  if (r.kind == FirewallRuleKind::kApplication) {
    ordered_json protocols = ordered_json::array();
    for (const auto& iv : r.destination_ports.intervals()) {
      for (std::uint32_t p = iv.lo; p <= iv.hi; ++p) {
        protocols.push_back({{"protocolType", p == 80 ? "Http" : "Https"}, {"port", p}});
      }
    }
    o["protocols"] = std::move(protocols);
    o["targetFqdns"] = r.destination_fqdns;
    return o;
  }
  ordered_json protocols = ordered_json::array();
  if (r.protocols & model::bit(Protocol::kTcp)) protocols.push_back("TCP");
  if (r.protocols & model::bit(Protocol::kUdp)) protocols.push_back("UDP");
  if (r.protocols & model::bit(Protocol::kIcmp)) protocols.push_back("ICMP");
  o[classic ? "protocols" : "ipProtocols"] = std::move(protocols);
  o["destinationAddresses"] = fw_addresses(r.destinations);
  if (!r.destinations.ip_groups.empty()) o["destinationIpGroups"] = fw_groups(r.destinations);
  ordered_json ports = ordered_json::array();
  for (const auto& iv : r.destination_ports.intervals())
    ports.push_back(r.destination_ports.is_all() ? "*" : port_text(iv));
  o["destinationPorts"] = std::move(ports);
  if (r.kind == FirewallRuleKind::kNetwork && !r.destination_fqdns.empty()) o["destinationFqdns"] = r.destination_fqdns;
  if (r.kind == FirewallRuleKind::kNat) {
    if (r.translated_address) o["translatedAddress"] = r.translated_address->to_string();
    if (!r.translated_fqdn.empty()) o["translatedFqdn"] = r.translated_fqdn;
    if (r.translated_port != 0) o["translatedPort"] = std::to_string(r.translated_port);
  }
  return o;
}

ordered_json resource_json(const model::Model& m, const model::Changed& c) {
  using K = model::ResourceKind;
  switch (c.kind) {
    case K::kNetworkSecurityGroup: {
      const auto* nsg = by_key(m.nsgs, c.key);
      if (nsg == nullptr) break;
      ordered_json o = head(*nsg, "Microsoft.Network/networkSecurityGroups");
      ordered_json rules = ordered_json::array();
      for (const auto& r : nsg->rules) {
        if (!r.is_default) rules.push_back(security_rule_json(r));
      }
      o["properties"]["securityRules"] = std::move(rules);
      return o;
    }
    case K::kSubnet: {
      const auto* s = by_key(m.subnets, c.key);
      if (s == nullptr) break;
      ordered_json o = head(*s, "Microsoft.Network/virtualNetworks/subnets");
      ordered_json& p = o["properties"];
      if (s->prefixes.size() == 1) {
        p["addressPrefix"] = s->prefixes.front().to_string();
      } else {
        ordered_json list = ordered_json::array();
        for (const auto& x : s->prefixes) list.push_back(x.to_string());
        p["addressPrefixes"] = std::move(list);
      }
      if (s->nsg.set()) p["networkSecurityGroup"] = ref_json(s->nsg);
      if (s->route_table.set()) p["routeTable"] = ref_json(s->route_table);
      return o;
    }
    case K::kNetworkInterface: {
      const auto* nic = by_key(m.nics, c.key);
      if (nic == nullptr) break;
      ordered_json o = head(*nic, "Microsoft.Network/networkInterfaces");
      ordered_json& p = o["properties"];
      if (nic->nsg.set()) p["networkSecurityGroup"] = ref_json(nic->nsg);
      if (nic->virtual_machine.set()) p["virtualMachine"] = ref_json(nic->virtual_machine);
      if (nic->enable_ip_forwarding) p["enableIPForwarding"] = true;
      ordered_json cfgs = ordered_json::array();
      for (const auto& cfg : nic->ip_configurations) {
        ordered_json cp;
        if (cfg.private_ip) {
          cp["privateIPAddress"] = cfg.private_ip->to_string();
          cp["privateIPAllocationMethod"] = "Static";
        } else {
          cp["privateIPAllocationMethod"] = "Dynamic";
        }
        cp["privateIPAddressVersion"] = cfg.family == model::IpFamily::kV4 ? "IPv4" : "IPv6";
        cp["primary"] = cfg.primary;
        if (cfg.subnet.set()) cp["subnet"] = ref_json(cfg.subnet);
        if (cfg.public_ip.set()) cp["publicIPAddress"] = ref_json(cfg.public_ip);
        auto list = [&](const char* key, const std::vector<model::Ref>& refs) {
          if (refs.empty()) return;
          ordered_json l = ordered_json::array();
          for (const auto& r : refs) l.push_back(ref_json(r));
          cp[key] = std::move(l);
        };
        list("applicationSecurityGroups", cfg.asgs);
        list("loadBalancerBackendAddressPools", cfg.lb_backend_pools);
        list("loadBalancerInboundNatRules", cfg.lb_inbound_nat_rules);
        list("applicationGatewayBackendAddressPools", cfg.ag_backend_pools);
        cfgs.push_back(
            {{"id", model::ip_configuration_id(*nic, cfg)}, {"name", cfg.name}, {"properties", std::move(cp)}});
      }
      p["ipConfigurations"] = std::move(cfgs);
      return o;
    }
    case K::kPublicIp: {
      const auto* pip = by_key(m.public_ips, c.key);
      if (pip == nullptr) break;
      ordered_json o = head(*pip, "Microsoft.Network/publicIPAddresses");
      o["sku"] = {{"name", model::to_string(pip->sku)}};
      ordered_json& p = o["properties"];
      p["publicIPAddressVersion"] = pip->family == model::IpFamily::kV4 ? "IPv4" : "IPv6";
      p["publicIPAllocationMethod"] = pip->static_allocation ? "Static" : "Dynamic";
      if (pip->address) p["ipAddress"] = pip->address->to_string();
      if (pip->attached_ip_configuration.set()) p["ipConfiguration"] = ref_json(pip->attached_ip_configuration);
      return o;
    }
    case K::kRouteTable: {
      const auto* rt = by_key(m.route_tables, c.key);
      if (rt == nullptr) break;
      ordered_json o = head(*rt, "Microsoft.Network/routeTables");
      ordered_json routes = ordered_json::array();
      for (const auto& r : rt->routes) routes.push_back(route_json(r));
      o["properties"]["disableBgpRoutePropagation"] = rt->disable_bgp_route_propagation;
      o["properties"]["routes"] = std::move(routes);
      return o;
    }
    case K::kFirewallPolicy: {
      const auto* policy = by_key(m.firewall_policies, c.key);
      if (policy == nullptr) break;
      ordered_json o = head(*policy, "Microsoft.Network/firewallPolicies");
      ordered_json& p = o["properties"];
      if (policy->base_policy.set()) p["basePolicy"] = ref_json(policy->base_policy);
      p["threatIntelMode"] = model::to_string(policy->threat_intel);
      ordered_json groups = ordered_json::array();
      for (const auto& g : policy->groups) {
        ordered_json cols = ordered_json::array();
        for (const auto& col : g.collections) cols.push_back(collection_json(col, false));
        groups.push_back({{"id", g.id},
                          {"name", g.name},
                          {"properties", {{"priority", g.priority}, {"ruleCollections", std::move(cols)}}}});
      }
      p["ruleCollectionGroups"] = std::move(groups);
      return o;
    }
    case K::kFirewall: {
      const auto* fw = by_key(m.firewalls, c.key);
      if (fw == nullptr) break;
      ordered_json o = head(*fw, "Microsoft.Network/azureFirewalls");
      ordered_json& p = o["properties"];
      p["sku"] = {{"name", fw->sku_name}, {"tier", fw->tier}};
      p["threatIntelMode"] = model::to_string(fw->threat_intel);
      ordered_json cfgs = ordered_json::array();
      for (const auto& cfg : fw->ip_configurations) {
        ordered_json cp;
        if (cfg.private_ip) cp["privateIPAddress"] = cfg.private_ip->to_string();
        if (cfg.subnet.set()) cp["subnet"] = ref_json(cfg.subnet);
        if (cfg.public_ip.set()) cp["publicIPAddress"] = ref_json(cfg.public_ip);
        cfgs.push_back({{"name", cfg.name}, {"properties", std::move(cp)}});
      }
      p["ipConfigurations"] = std::move(cfgs);
      if (fw->policy.set()) p["firewallPolicy"] = ref_json(fw->policy);
      if (fw->virtual_hub.set()) p["virtualHub"] = ref_json(fw->virtual_hub);
      const std::pair<model::FirewallRuleKind, const char*> arrays[] = {
          {model::FirewallRuleKind::kNat, "natRuleCollections"},
          {model::FirewallRuleKind::kNetwork, "networkRuleCollections"},
          {model::FirewallRuleKind::kApplication, "applicationRuleCollections"}};
      for (const auto& [kind, key] : arrays) {
        ordered_json cols = ordered_json::array();
        for (const auto& col : fw->classic) {
          if (col.kind == kind) cols.push_back(collection_json(col, true));
        }
        p[key] = std::move(cols);
      }
      return o;
    }
    case K::kPaasService: {
      const auto* s = by_key(m.paas_services, c.key);
      if (s == nullptr) break;
      ordered_json o = head(*s, paas_type(s->kind));
      if (s->kind == model::PaasKind::kSqlManagedInstance) {  // no publicNetworkAccess: the data endpoint
        o["properties"]["publicDataEndpointEnabled"] = data_endpoint_enabled(*s);
        return o;
      }
      o["properties"]["publicNetworkAccess"] =
          s->public_network_access == model::PublicNetworkAccess::kEnabled    ? "Enabled"
          : s->public_network_access == model::PublicNetworkAccess::kDisabled ? "Disabled"
                                                                              : "SecuredByPerimeter";
      return o;
    }
    case K::kAdminRule: {
      const auto* r = by_key(m.admin_rules, c.key);
      if (r == nullptr) break;
      return admin_rule_json(*r);
    }
    default: break;
  }
  return nullptr;
}

std::string changed_resources_json(const model::Model& m, const std::vector<model::Changed>& changed) {
  ordered_json list = ordered_json::array();
  for (const auto& c : changed) {
    auto j = resource_json(m, c);
    if (!j.is_null()) list.push_back(std::move(j));
  }
  return list.dump(2) + "\n";
}

}  // namespace exposim::importers::azure
