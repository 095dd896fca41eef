// The network recommendations decided from properties, with reachability for context (docs/recommendations.md):
// NSG presence (EXP-NET-003, 004, 006), IP forwarding (007), DDoS protection (008), the default route through an
// Azure Firewall (009), WAF (011), public IPs on NICs (012), adaptive network hardening (013, not decidable) and
// Defender for Servers (014).
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/ascii.h"
#include "solver/analysis.h"
#include "solver/recommendations/context.h"
#include "solver/recommendations/network_facts.h"

namespace exposim::solver::recommendations {

namespace {

using model::ResourceKind;

/// How one VM stands with respect to NSGs: the first ingress path of an ip configuration (empty: none), and the ip
/// configurations with no NSG on their NIC nor their subnet (`unknown`: a subnet not in the input, whose NSG cannot
/// be read).
struct NsgCoverage {
  std::string ingress;
  bool facing{false};
  std::vector<std::string> bare;
  std::vector<std::string> unknown;
  model::SourceLocation where;  // of the first bare ip configuration
};

NsgCoverage nsg_coverage(const Context& ctx, const NetworkFacts& facts, int vm) {
  NsgCoverage c;
  for (int n : facts.vm_nics(vm)) {
    const auto& nic = ctx.model.nics[n];
    for (std::size_t i = 0; i < nic.ip_configurations.size(); ++i) {
      const auto& cfg = nic.ip_configurations[i];
      const auto& why = facts.ingress({n, static_cast<int>(i)});
      if (!why.empty() && c.ingress.empty()) c.ingress = why;
      if (nic.nsg.set()) continue;
      const std::string what = fmt::format("ip configuration {} of {}", quoted(cfg.name), quoted(nic.name));
      if (!cfg.subnet.resolved()) {
        c.unknown.push_back(what + " (subnet not in the input)");
        continue;
      }
      const auto& subnet = ctx.model.subnets[cfg.subnet.index];
      if (subnet.nsg.set()) continue;
      if (c.bare.empty()) c.where = located(cfg.where, nic.where);
      c.bare.push_back(fmt::format("{} in subnet {}", what, quoted(subnet.name)));
    }
  }
  c.facing = !c.ingress.empty() || !facts.vm_exposures(vm).empty();
  if (c.ingress.empty() && c.facing) {
    c.ingress = describe_entry(ctx.model, ctx.analysis.exposures[facts.vm_exposures(vm).front()]);
  }
  return c;
}

void nsg_finding(Context& ctx, const NetworkFacts& facts, std::string_view id, int vm, const NsgCoverage& c,
                 bool applies) {
  const bool exposed = !facts.vm_exposures(vm).empty();
  if (!applies) {
    auto& f = ctx.add(id, FindingStatus::kNotApplicable, ResourceKind::kVirtualMachine, vm);
    f.exposed = exposed;
    f.summary = facts.vm_nics(vm).empty() ? "no network interface of the machine in the input"
                : c.facing                ? "internet-facing through " + c.ingress
                                          : "no internet ingress path (no public IP, public load balancer, application "
                                            "gateway or DNAT rule leads to it)";
    return;
  }
  const auto status = !c.bare.empty()      ? FindingStatus::kUnhealthy
                      : !c.unknown.empty() ? FindingStatus::kUndecidable
                                           : FindingStatus::kHealthy;
  auto& f = ctx.add(id, status, ResourceKind::kVirtualMachine, vm);
  f.exposed = exposed;
  f.exposures = facts.vm_exposures(vm);
  const std::string facing = c.facing ? "internet-facing through " + c.ingress : "no internet ingress path";
  if (status == FindingStatus::kUnhealthy) {
    f.where = c.where;
    f.properties.push_back({"properties.networkSecurityGroup.id", "absent", c.where});
    std::string open;
    if (c.facing) {
      open = exposed ? "; reachable without any filter"
                     : "; nothing reachable (a Standard SKU entry is closed by default)";
    }
    f.summary =
        fmt::format("{}; no NSG on the network interface nor the subnet of {}{}", facing, join_limited(c.bare), open);
  } else if (status == FindingStatus::kUndecidable) {
    f.summary = fmt::format("{}; no NSG on the network interface of {}", facing, join_limited(c.unknown));
  } else {
    f.summary = facing + "; every ip configuration has an NSG on its network interface or subnet";
  }
}

void evaluate_subnet_nsgs(Context& ctx) {
  // The exposures of ip configurations by subnet, and the ip configurations reached.
  std::vector<std::vector<std::size_t>> by_subnet(ctx.model.subnets.size());
  std::vector<std::set<std::pair<int, int>>> reached(ctx.model.subnets.size());
  for (std::size_t i = 0; i < ctx.analysis.exposures.size(); ++i) {
    const auto& e = ctx.analysis.exposures[i];
    if (e.target_kind != ResourceKind::kNetworkInterface || e.nic < 0 || e.via == Via::kBastion) continue;
    const int s = ctx.model.nics[e.nic].ip_configurations[e.ip_configuration].subnet.index;
    if (s < 0) continue;
    by_subnet[s].push_back(i);
    reached[s].insert({e.nic, e.ip_configuration});
  }
  for (std::size_t si = 0; si < ctx.model.subnets.size(); ++si) {
    const auto& s = ctx.model.subnets[si];
    const int index = static_cast<int>(si);
    if (reserved_subnet(s)) {
      auto& f = ctx.add("EXP-NET-006", FindingStatus::kNotApplicable, ResourceKind::kSubnet, index);
      f.summary = fmt::format("{} is reserved for an Azure service", s.name);
      continue;
    }
    auto& f = ctx.add("EXP-NET-006", s.nsg.set() ? FindingStatus::kHealthy : FindingStatus::kUnhealthy,
                      ResourceKind::kSubnet, index);
    const std::size_t count = reached[si].size();
    f.exposed = count > 0;
    if (s.nsg.set()) {
      f.summary =
          "network security group " + quoted(s.nsg.resolved() ? ctx.model.nsgs[s.nsg.index].name : s.nsg.id.str());
      continue;
    }
    f.exposures = by_subnet[si];
    f.properties.push_back({"properties.networkSecurityGroup.id", "absent", s.where});
    f.summary = count == 0 ? std::string("no network security group")
                           : fmt::format(
                                 "no network security group; hosts {} ip configuration{} reachable from the "
                                 "internet",
                                 count, count == 1 ? "" : "s");
  }
}

/// The private addresses of NIC `nic` that a route table's route names as its next hop.
std::vector<std::string> routes_to(const model::Model& m, const model::NetworkInterface& nic) {
  std::vector<std::string> out;
  for (const auto& rt : m.route_tables) {
    for (const auto& r : rt.routes) {
      if (r.next_hop != model::NextHopType::kVirtualAppliance || !r.next_hop_ip) continue;
      for (const auto& c : nic.ip_configurations) {
        if (c.private_ip == r.next_hop_ip) {
          out.push_back(fmt::format("route {} ({}) of route table {}", quoted(r.name), r.prefix_text, quoted(rt.name)));
        }
      }
    }
  }
  return out;
}

void evaluate_ip_forwarding(Context& ctx, const NetworkFacts& facts) {
  std::vector<bool> of_vm(ctx.model.nics.size(), false);
  std::vector<std::vector<std::size_t>> through(ctx.model.nics.size());  // exposures through an appliance NIC
  for (std::size_t i = 0; i < ctx.analysis.exposures.size(); ++i) {
    const auto& e = ctx.analysis.exposures[i];
    if (e.via == Via::kAppliance && e.gateway >= 0) through[e.gateway].push_back(i);
  }
  for (std::size_t v = 0; v < ctx.model.vms.size(); ++v) {
    for (int n : facts.vm_nics(static_cast<int>(v))) of_vm[n] = true;
  }
  for (std::size_t ni = 0; ni < ctx.model.nics.size(); ++ni) {
    const auto& nic = ctx.model.nics[ni];
    const int index = static_cast<int>(ni);
    if (!of_vm[ni] && nic.scale_set < 0) continue;  // a NIC of no machine: private endpoints, detached NICs
    auto& f = ctx.add("EXP-NET-007", nic.enable_ip_forwarding ? FindingStatus::kUnhealthy : FindingStatus::kHealthy,
                      ResourceKind::kNetworkInterface, index);
    f.where = located(nic.enable_ip_forwarding_where, nic.where);
    f.properties.push_back({"properties.enableIPForwarding", nic.enable_ip_forwarding ? "true" : "false", f.where});
    std::vector<std::size_t> reached = facts.nic_exposures(index);
    reached.insert(reached.end(), through[ni].begin(), through[ni].end());
    std::sort(reached.begin(), reached.end());
    reached.erase(std::unique(reached.begin(), reached.end()), reached.end());
    f.exposed = !reached.empty();
    if (!nic.enable_ip_forwarding) {
      f.summary = "IP forwarding disabled";
      continue;
    }
    f.exposures = reached;
    const auto routes = routes_to(ctx.model, nic);
    f.summary =
        fmt::format("IP forwarding enabled; {}; {}",
                    routes.empty() ? std::string("no route names its address as next hop (not an intended appliance)")
                                   : "an intended appliance: " + join_limited(routes),
                    reached.empty() ? "not reachable from the internet" : "reachable from the internet");
  }
}

bool ddos_enabled_on(const model::PublicIp& p) {
  return !p.ddos_protection_mode.unknown && p.ddos_protection_mode.value &&
         model::ascii::iequals(*p.ddos_protection_mode.value, "Enabled");
}

void evaluate_ddos(Context& ctx) {
  const auto& m = ctx.model;
  std::vector<std::vector<std::size_t>> by_vnet(m.vnets.size());
  for (std::size_t i = 0; i < ctx.analysis.exposures.size(); ++i) {
    const auto& e = ctx.analysis.exposures[i];
    bool appgw = false;
    const int v = entry_vnet(m, e, appgw);
    if (v < 0 || (ctx.options.strict_ddos && !appgw)) continue;
    by_vnet[v].push_back(i);
  }
  for (std::size_t vi = 0; vi < m.vnets.size(); ++vi) {
    const auto& vnet = m.vnets[vi];
    const int index = static_cast<int>(vi);
    const char* scope = ctx.options.strict_ddos ? "application gateway public IP" : "public IP";
    if (by_vnet[vi].empty()) {
      auto& f = ctx.add("EXP-NET-008", FindingStatus::kNotApplicable, ResourceKind::kVirtualNetwork, index);
      f.summary = fmt::format("no {} of the virtual network is reachable from the internet", scope);
      continue;
    }
    std::set<int> pips;
    for (std::size_t i : by_vnet[vi]) pips.insert(ctx.analysis.exposures[i].public_ip);
    const bool plan = vnet.enable_ddos_protection.is(true) && !vnet.ddos_protection_plan.unknown &&
                      vnet.ddos_protection_plan.value && !vnet.ddos_protection_plan.value->empty();
    std::vector<std::string> unprotected;
    for (int p : pips) {
      if (!ddos_enabled_on(m.public_ips[p])) unprotected.push_back(quoted(m.public_ips[p].name));
    }
    const bool healthy = plan || unprotected.empty();
    auto& f = ctx.add("EXP-NET-008", healthy ? FindingStatus::kHealthy : FindingStatus::kUnhealthy,
                      ResourceKind::kVirtualNetwork, index);
    f.exposed = true;
    f.exposures = by_vnet[vi];
    f.properties.push_back({"properties.enableDdosProtection", setting_text(vnet.enable_ddos_protection),
                            located(vnet.enable_ddos_protection.where, vnet.where)});
    f.properties.push_back({"properties.ddosProtectionPlan.id", setting_text(vnet.ddos_protection_plan),
                            located(vnet.ddos_protection_plan.where, vnet.where)});
    const std::string names = [&] {
      std::vector<std::string> all;
      for (int p : pips) all.push_back(quoted(m.public_ips[p].name));
      return join_limited(all, 5);
    }();
    if (plan) {
      f.summary = fmt::format("DDoS network protection plan on the virtual network covers {} {}", scope, names);
    } else if (healthy) {
      f.summary = fmt::format("DDoS IP protection enabled on every reachable {} ({})", scope, names);
    } else {
      f.where = located(vnet.enable_ddos_protection.where, vnet.where);
      f.summary = fmt::format(
          "reachable {} {} without DDoS protection: no protection plan on the virtual network "
          "and no IP protection on {}",
          scope, names, join_limited(unprotected, 5));
    }
  }
}

void evaluate_default_routes(Context& ctx) {
  for (std::size_t si = 0; si < ctx.model.subnets.size(); ++si) {
    const auto& s = ctx.model.subnets[si];
    const int index = static_cast<int>(si);
    if (reserved_subnet(s)) {
      auto& f = ctx.add("EXP-NET-009", FindingStatus::kNotApplicable, ResourceKind::kSubnet, index);
      f.summary = fmt::format("{} is reserved for an Azure service", s.name);
      continue;
    }
    const auto d = default_route(ctx.model, index);
    auto& f = ctx.add("EXP-NET-009", d.firewall >= 0 ? FindingStatus::kHealthy : FindingStatus::kUnhealthy,
                      ResourceKind::kSubnet, index);
    if (d.route.user && d.route.route_table >= 0) {
      const auto& rt = ctx.model.route_tables[d.route.route_table];
      f.where = d.route.route >= 0 ? rt.routes[d.route.route].where : rt.where;
    }
    f.summary = d.firewall >= 0 ? fmt::format("internet traffic goes to Azure Firewall {} by {}",
                                              quoted(ctx.model.firewalls[d.firewall].name), d.text)
                                : fmt::format("internet traffic does not go through an Azure Firewall: {}", d.text);
  }
}

void evaluate_waf(Context& ctx) {
  const auto& m = ctx.model;
  std::vector<std::vector<std::size_t>> own(m.application_gateways.size());  // a listener reached
  for (std::size_t i = 0; i < ctx.analysis.exposures.size(); ++i) {
    const auto& e = ctx.analysis.exposures[i];
    if (e.target_kind == ResourceKind::kApplicationGateway && e.target >= 0) own[e.target].push_back(i);
  }
  for (std::size_t gi = 0; gi < m.application_gateways.size(); ++gi) {
    const auto& g = m.application_gateways[gi];
    const int index = static_cast<int>(gi);
    auto& f = ctx.add("EXP-NET-011", g.waf_configured ? FindingStatus::kHealthy : FindingStatus::kUnhealthy,
                      ResourceKind::kApplicationGateway, index);
    f.where = located(g.waf_where, g.where);
    f.properties.push_back({"properties.webApplicationFirewallConfiguration",
                            g.waf_configured ? fmt::format("mode {}", model::to_string(g.waf_mode)) : "absent",
                            f.where});
    f.exposures = own[gi];
    f.exposed = !f.exposures.empty();
    const std::string reach = f.exposed ? "a listener is reachable from the internet" : "no listener reachable";
    if (!g.waf_configured) {
      f.summary =
          "no web application firewall (neither webApplicationFirewallConfiguration nor firewallPolicy); " + reach;
    } else if (g.waf_mode == model::WafMode::kDetection) {
      f.summary = "web application firewall in Detection mode: it only logs, blocks nothing; " + reach;
    } else {
      f.summary = fmt::format("web application firewall configured (mode {}); {}", model::to_string(g.waf_mode), reach);
    }
  }
}

void evaluate_nic_public_ips(Context& ctx, const NetworkFacts& facts) {
  const auto& m = ctx.model;
  for (std::size_t ni = 0; ni < m.nics.size(); ++ni) {
    const auto& nic = m.nics[ni];
    const int index = static_cast<int>(ni);
    bool any = false;
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& cfg = nic.ip_configurations[c];
      if (!cfg.public_ip.set()) continue;
      any = true;
      auto& f = ctx.add("EXP-NET-012", FindingStatus::kUnhealthy, ResourceKind::kNetworkInterface, index);
      f.where = located(cfg.where, nic.where);
      const std::string pip =
          cfg.public_ip.resolved() ? m.public_ips[cfg.public_ip.index].name : cfg.public_ip.id.str();
      f.properties.push_back(
          {"properties.ipConfigurations[].properties.publicIPAddress.id", cfg.public_ip.id, f.where});
      for (std::size_t i : facts.nic_exposures(index)) {
        const auto& e = ctx.analysis.exposures[i];
        if (e.ip_configuration == static_cast<int>(c) && e.via == Via::kPublicIp) f.exposures.push_back(i);
      }
      f.exposed = !f.exposures.empty();
      f.summary = fmt::format("ip configuration {} has public IP {}; {}", quoted(cfg.name), quoted(pip),
                              f.exposed ? "reachable from the internet through it" : "nothing reachable through it");
    }
    if (!any) {
      auto& f = ctx.add("EXP-NET-012", FindingStatus::kHealthy, ResourceKind::kNetworkInterface, index);
      f.summary = "no public IP on any ip configuration";
    }
  }
}

void evaluate_hardening(Context& ctx, const NetworkFacts& facts) {
  for (std::size_t vi = 0; vi < ctx.model.vms.size(); ++vi) {
    const int v = static_cast<int>(vi);
    const auto c = nsg_coverage(ctx, facts, v);
    auto& f = ctx.add("EXP-NET-013", c.facing ? FindingStatus::kUndecidable : FindingStatus::kNotApplicable,
                      ResourceKind::kVirtualMachine, v);
    f.exposed = !facts.vm_exposures(v).empty();
    f.summary = c.facing ? "adaptive network hardening learns the rules from observed traffic: not decidable before "
                           "deployment"
                         : "not internet-facing";
  }
}

void evaluate_defender_for_servers(Context& ctx) {
  const auto& m = ctx.model;
  bool found = false;
  for (std::size_t pi = 0; pi < m.defender_plans.size(); ++pi) {
    const auto& p = m.defender_plans[pi];
    if (!model::ascii::iequals(p.name, "VirtualMachines")) continue;
    found = true;
    const bool on = model::ascii::iequals(p.pricing_tier, "Standard");
    auto& f = ctx.add("EXP-NET-014", on ? FindingStatus::kHealthy : FindingStatus::kUnhealthy,
                      ResourceKind::kDefenderPlan, static_cast<int>(pi));
    f.where = located(p.pricing_tier_where, p.where);
    f.properties.push_back({"properties.pricingTier", p.pricing_tier.empty() ? "absent" : p.pricing_tier, f.where});
    f.summary = on ? fmt::format("Defender for Servers on (pricing tier Standard{})",
                                 p.sub_plan.empty() ? "" : ", plan " + p.sub_plan)
                   : fmt::format("Defender for Servers off (pricing tier {})",
                                 p.pricing_tier.empty() ? "absent" : p.pricing_tier);
  }
  if (found || m.vms.empty()) return;
  // Not in the design: one finding about no resource (a subscription setting; kind kInternet, index -1).
  auto& f = ctx.add("EXP-NET-014", FindingStatus::kUndecidable, ResourceKind::kInternet, -1);
  f.summary = "the design does not say; Defender for Servers is a subscription setting";
}

}  // namespace

void evaluate_nsg_presence(Context& ctx, const NetworkFacts& facts) {
  const bool net003 = !ctx.skipped("EXP-NET-003");
  const bool net004 = !ctx.skipped("EXP-NET-004");
  if (net003 || net004) {
    for (std::size_t vi = 0; vi < ctx.model.vms.size(); ++vi) {
      const int v = static_cast<int>(vi);
      const auto c = nsg_coverage(ctx, facts, v);
      const bool has_nics = !facts.vm_nics(v).empty();
      if (net003) nsg_finding(ctx, facts, "EXP-NET-003", v, c, has_nics && c.facing);
      if (net004) nsg_finding(ctx, facts, "EXP-NET-004", v, c, has_nics && !c.facing);
    }
  }
  if (!ctx.skipped("EXP-NET-006")) evaluate_subnet_nsgs(ctx);
}

void evaluate_posture(Context& ctx, const NetworkFacts& facts) {
  if (!ctx.skipped("EXP-NET-007")) evaluate_ip_forwarding(ctx, facts);
  if (!ctx.skipped("EXP-NET-008")) evaluate_ddos(ctx);
  if (!ctx.skipped("EXP-NET-009")) evaluate_default_routes(ctx);
  if (!ctx.skipped("EXP-NET-011")) evaluate_waf(ctx);
  if (!ctx.skipped("EXP-NET-012")) evaluate_nic_public_ips(ctx, facts);
  if (!ctx.skipped("EXP-NET-013")) evaluate_hardening(ctx, facts);
  if (!ctx.skipped("EXP-NET-014")) evaluate_defender_for_servers(ctx);
}

}  // namespace exposim::solver::recommendations
