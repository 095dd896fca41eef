// The facts the network recommendations share (solver/recommendations/network_facts.h).
#include "solver/recommendations/network_facts.h"
#include "solver/analysis.h"
#include "solver/network.h"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "model/ascii.h"
#include "solver/firewall.h"
#include "solver/load_balancer.h"
#include "solver/words.h"

namespace exposim::solver::recommendations {

namespace {

using model::ResourceKind;

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

/// The VNet of the subnet a reference names, or -1.
int vnet_of_subnet(const model::Model& m, const model::Ref& subnet) {
  return subnet.resolved() ? m.subnets[subnet.index].vnet.index : -1;
}

}  // namespace

std::vector<std::vector<std::string>> ingress_reasons(const model::Model& m) {
  std::vector<std::vector<std::string>> out(m.nics.size());
  for (std::size_t n = 0; n < m.nics.size(); ++n) out[n].resize(m.nics[n].ip_configurations.size());
  auto note = [&](const model::IpConfigIndex& x, std::string why) {
    if (x.nic < 0 || x.nic >= static_cast<int>(out.size())) return;
    auto& slot = out[x.nic].at(x.ip_configuration);
    if (slot.empty()) slot = std::move(why);
  };
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& nic = m.nics[n];
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& pip = nic.ip_configurations[c].public_ip;
      if (!pip.set()) continue;
      const std::string name = pip.resolved() ? m.public_ips[pip.index].name : pip.id.str();
      const std::string sku = pip.resolved() ? fmt::format(" ({} SKU)", model::to_string(m.public_ips[pip.index].sku))
                                             : std::string(" (not in the input)");
      note({static_cast<int>(n), static_cast<int>(c)}, "public IP " + quoted(name) + sku);
    }
  }
  for (std::size_t l = 0; l < m.load_balancers.size(); ++l) {
    const auto& lb = m.load_balancers[l];
    for (const auto& t : lb_targets(m, static_cast<int>(l))) {
      const char* what = t.kind == LbTarget::Kind::kRule      ? "load-balancing rule"
                         : t.kind == LbTarget::Kind::kNatRule ? "inbound NAT rule"
                                                              : "inbound NAT pool";
      const std::string& rule = t.kind == LbTarget::Kind::kRule      ? lb.rules[t.rule].name
                                : t.kind == LbTarget::Kind::kNatRule ? lb.nat_rules[t.rule].name
                                                                     : lb.nat_pools[t.rule].name;
      note(t.x, fmt::format("public load balancer {} ({} SKU) {} {}", quoted(lb.name), model::to_string(lb.sku), what,
                            quoted(rule)));
    }
  }
  std::map<model::IpAddress, std::vector<model::IpConfigIndex>> by_address;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (cfgs[c].private_ip) by_address[*cfgs[c].private_ip].push_back({static_cast<int>(n), static_cast<int>(c)});
    }
  }
  auto configs_at = [&](const std::optional<model::IpAddress>& a) -> const std::vector<model::IpConfigIndex>& {
    static const std::vector<model::IpConfigIndex> kNone;
    const auto it = a ? by_address.find(*a) : by_address.end();
    return it == by_address.end() ? kNone : it->second;
  };
  for (const auto& g : m.application_gateways) {
    const bool public_frontend =
        std::any_of(g.frontends.begin(), g.frontends.end(), [](const auto& f) { return f.public_ip.set(); });
    if (!public_frontend) continue;
    for (const auto& pool : g.backend_pools) {
      const std::string why =
          fmt::format("backend pool {} of application gateway {}", quoted(pool.name), quoted(g.name));
      for (const auto& x : pool.members) note(x, why);
      for (const auto& a : pool.addresses) {
        for (const auto& x : configs_at(a.ip)) note(x, why);
      }
    }
  }
  for (const auto& fw : m.firewalls) {
    for (const auto& at : fw.order) {
      const auto& rule = rule_at(m, fw, at);
      if (rule.kind != model::FirewallRuleKind::kNat || !rule.translated_address) continue;
      for (const auto& x : configs_at(rule.translated_address)) {
        note(x, fmt::format("DNAT rule {} of firewall {}", quoted(rule.name), quoted(fw.name)));
      }
    }
  }
  return out;
}

NetworkFacts::NetworkFacts(const model::Model& m, const Analysis& a)
    : vm_nics_(m.vms.size()),
      vm_exposures_(m.vms.size()),
      nic_exposures_(m.nics.size()),
      vm_bastion_(m.vms.size(), false),
      ingress_(ingress_reasons(m)) {
  for (std::size_t v = 0; v < m.vms.size(); ++v) {
    for (const auto& r : m.vms[v].network_interfaces) {
      if (r.resolved()) vm_nics_[v].push_back(r.index);
    }
  }
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const int v = m.nics[n].virtual_machine.index;
    if (v >= 0 && v < static_cast<int>(vm_nics_.size())) vm_nics_[v].push_back(static_cast<int>(n));
  }
  std::vector<int> owner(m.nics.size(), -1);
  for (std::size_t v = 0; v < vm_nics_.size(); ++v) {
    auto& nics = vm_nics_[v];
    std::sort(nics.begin(), nics.end());
    nics.erase(std::unique(nics.begin(), nics.end()), nics.end());
    for (int n : nics) owner[n] = static_cast<int>(v);
  }
  for (std::size_t i = 0; i < a.exposures.size(); ++i) {
    const auto& e = a.exposures[i];
    if (e.target_kind != ResourceKind::kNetworkInterface || e.nic < 0) continue;
    const int v = e.vm >= 0 ? e.vm : owner[e.nic];
    if (e.via == Via::kBastion) {
      if (v >= 0) vm_bastion_[v] = true;
      continue;
    }
    nic_exposures_[e.nic].push_back(i);
    if (v >= 0) vm_exposures_[v].push_back(i);
  }
}

const std::string& NetworkFacts::ingress(const model::IpConfigIndex& x) const {
  return ingress_.at(x.nic).at(x.ip_configuration);
}

std::string protocol_name(model::Protocol p) { return upper(model::to_string(p)); }

std::string describe_entry(const model::Model& m, const Exposure& e) {
  const std::string pip = e.public_ip >= 0  ? quoted(m.public_ips[e.public_ip].name)
                          : e.entry_address ? e.entry_address->to_string()
                                            : std::string("of unknown address");
  switch (e.via) {
    case Via::kPublicIp: return "public IP " + pip;
    case Via::kLoadBalancer:
    case Via::kLoadBalancerNat: {
      const auto& lb = m.load_balancers.at(e.load_balancer);
      std::string rule;
      for (const auto& h : e.path) {
        if (h.kind != HopKind::kLoadBalancer || h.rule < 0) continue;
        const std::string_view scope = h.scope;
        rule = scope == "inbound-nat"        ? " inbound NAT rule " + quoted(lb.nat_rules.at(h.rule).name)
               : scope == "inbound-nat-pool" ? " inbound NAT pool " + quoted(lb.nat_pools.at(h.rule).name)
                                             : " rule " + quoted(lb.rules.at(h.rule).name);
      }
      return fmt::format("load balancer {}{} (frontend port {})", quoted(lb.name), rule,
                         model::to_string(e.entry_ports));
    }
    case Via::kFirewallDnat: {
      const auto& fw = m.firewalls.at(e.gateway);
      const std::string rule =
          e.gateway_rule >= 0 ? " DNAT rule " + quoted(rule_at(m, fw, fw.order.at(e.gateway_rule)).name) : "";
      return fmt::format("firewall {}{} on public IP {} (public port {})", quoted(fw.name), rule, pip,
                         model::to_string(e.entry_ports));
    }
    case Via::kApplicationGateway: {
      const auto& g = m.application_gateways.at(e.gateway);
      const std::string listener =
          e.gateway_rule >= 0 ? " listener " + quoted(g.listeners.at(e.gateway_rule).name) : std::string();
      return fmt::format("application gateway {}{} (port {})", quoted(g.name), listener,
                         model::to_string(e.entry_ports));
    }
    case Via::kBastion: return "Azure Bastion " + quoted(m.bastion_hosts.at(e.gateway).name);
    case Via::kPaasPublic: return "the public endpoint";
    case Via::kAppliance: return "network virtual appliance " + quoted(m.nics.at(e.gateway).name);
  }
  return "?";
}

std::string describe_sources(const Exposure& e) {
  if (e.any_source) return "the internet";
  const auto cidrs = model::to_cidr_strings(e.sources);
  if (cidrs.size() <= 3) return fmt::format("{}", fmt::join(cidrs, ", "));
  return fmt::format("{}, {}, ... ({} ranges)", cidrs[0], cidrs[1], cidrs.size());
}

std::string describe_exposure(const model::Model& m, const Exposure& e, const model::PortSet& ports) {
  const std::string what = model::has_ports(e.protocol)
                               ? protocol_name(e.protocol) + " " + model::to_string(ports.empty() ? e.ports : ports)
                               : protocol_name(e.protocol);
  return fmt::format("{} reachable from {} through {}", what, describe_sources(e), describe_entry(m, e));
}

std::vector<std::string> deciding_rules(const model::Model& m, const Exposure& e) {
  std::vector<std::string> out;
  for (const auto& h : e.path) {
    if (h.kind == HopKind::kNsg && h.resource >= 0 && h.rule >= 0) {
      const auto& nsg = m.nsgs.at(h.resource);
      out.push_back(fmt::format("rule {} of NSG {}", quoted(nsg.rules.at(h.rule).name), quoted(nsg.name)));
    } else if (h.kind == HopKind::kNoNsg) {
      out.push_back(fmt::format("no NSG on the {}", h.scope));
    }
  }
  return out;
}

std::string join_limited(const std::vector<std::string>& lines, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < limit; ++i) out += (i ? "; " : "") + lines[i];
  if (lines.size() > limit) out += fmt::format("; and {} more", lines.size() - limit);
  return out;
}

DefaultRoute default_route(const model::Model& m, int subnet) {
  // A public address standing for the internet: the route to it is the subnet's effective default route unless a
  // more specific route covers it.
  static const auto kInternetAddress = *model::IpAddress::parse("8.8.8.8");
  DefaultRoute d;
  d.route = choose_route(m, subnet, kInternetAddress);
  d.text = route_text(m, d.route);
  const bool to_appliance =
      d.route.next_hop == model::NextHopType::kVirtualAppliance || std::string_view(d.route.system) == "virtual-hub";
  if (!to_appliance || !d.route.next_hop_ip) return d;
  const int fw = firewall_at(m, *d.route.next_hop_ip);
  if (fw < 0) return d;
  if (model::hub_of_firewall(m, fw) >= 0) {
    d.firewall = fw;  // a secured virtual hub's firewall: the hub's route reaches it
    return d;
  }
  const int from = subnet >= 0 ? m.subnets[subnet].vnet.index : -1;
  const int fw_subnet = firewall_subnet(m.firewalls[fw]);
  const int to = fw_subnet >= 0 ? m.subnets[fw_subnet].vnet.index : -1;
  if (from >= 0 && to >= 0 && (from == to || peering_connects(m, from, to, true))) d.firewall = fw;
  return d;
}

bool reserved_subnet(const model::Subnet& s) {
  static constexpr std::array<std::string_view, 5> kReserved = {"gatewaysubnet", "azurefirewallsubnet",
                                                                "azurefirewallmanagementsubnet", "azurebastionsubnet",
                                                                "routeserversubnet"};
  const std::string name = model::ascii::lower(s.name);
  return std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end();
}

int entry_vnet(const model::Model& m, const Exposure& e, bool& appgw) {
  appgw = false;
  if (e.public_ip < 0) return -1;  // a PaaS endpoint, a secured hub's address, an unknown address
  switch (e.via) {
    case Via::kApplicationGateway:
      appgw = true;
      for (const auto& c : m.application_gateways.at(e.gateway).gateway_ip_configurations) {
        if (vnet_of_subnet(m, c.subnet) >= 0) return vnet_of_subnet(m, c.subnet);
      }
      return -1;
    case Via::kFirewallDnat: {
      const int s = firewall_subnet(m.firewalls.at(e.gateway));
      return s >= 0 ? m.subnets[s].vnet.index : -1;
    }
    case Via::kAppliance: {
      for (const auto& c : m.nics.at(e.gateway).ip_configurations) {
        if (c.public_ip.index == e.public_ip) return vnet_of_subnet(m, c.subnet);
      }
      return -1;
    }
    case Via::kBastion:
    case Via::kPaasPublic: return -1;
    case Via::kPublicIp:
    case Via::kLoadBalancer:
    case Via::kLoadBalancerNat: break;
  }
  switch (e.target_kind) {
    case ResourceKind::kNetworkInterface:
      return vnet_of_subnet(m, m.nics.at(e.nic).ip_configurations.at(e.ip_configuration).subnet);
    case ResourceKind::kFirewall: {
      const int s = firewall_subnet(m.firewalls.at(e.target));
      return s >= 0 ? m.subnets[s].vnet.index : -1;
    }
    case ResourceKind::kApplicationGateway:
      appgw = true;
      for (const auto& c : m.application_gateways.at(e.target).gateway_ip_configurations) {
        if (vnet_of_subnet(m, c.subnet) >= 0) return vnet_of_subnet(m, c.subnet);
      }
      return -1;
    default: return -1;  // a Bastion host's own address: never an exposure
  }
}

}  // namespace exposim::solver::recommendations
