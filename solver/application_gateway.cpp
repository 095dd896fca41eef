// Application gateways (docs/model.md#application-gateways): a gateway's listeners (reached on a public frontend, or
// on a private frontend through a firewall DNAT rule), and the connections its request routing rules open to the
// backends of their pools (ip configurations, internal load balancer frontends, App Service sites).
#include "solver/application_gateway.h"
#include "solver/address_space.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/ascii.h"
#include "solver/analysis.h"
#include "solver/firewall.h"
#include "solver/gateway_flows.h"
#include "solver/load_balancer.h"
#include "solver/network.h"
#include "solver/network_manager.h"
#include "solver/nsg.h"
#include "solver/paas.h"
#include "solver/path.h"
#include "solver/ports_and_sources.h"
#include "solver/words.h"

namespace exposim::solver {
namespace forwarding_internal {

using model::Protocol;
using RK = model::ResourceKind;
using K = HopKind;

std::vector<model::IpConfigIndex> Builder::backends(int gi, int pool_index, int gateway_vnet,
                                                    std::vector<std::pair<int, int>>& balancers) {
  const auto& g = m_.application_gateways[gi];
  const auto& pool = g.backend_pools[pool_index];
  PoolBackends found = pool_backends(m_, g, pool_index, gateway_vnet);
  balancers = std::move(found.balancers);
  const auto& unresolved = found.unresolved;
  if (!unresolved.empty() && warned_.insert({gi, pool_index}).second) {
    std::string list;
    for (const auto& u : unresolved) list += (list.empty() ? "'" : ", '") + u + "'";
    findings_.warning("unresolved-backend", pool.where,
                      fmt::format("application gateway '{}': backend pool '{}' lists {}, not the address of any ip "
                                  "configuration or internal load balancer frontend in the input: exposure of {} "
                                  "is not reported",
                                  g.name, pool.name, list, unresolved.size() == 1 ? "that backend" : "those backends"));
  }
  for (const int site : found.sites) linked_site(gi, pool_index, site);
  return std::move(found.configs);
}

void Builder::linked_site(int gi, int pool_index, int site) {
  if (!sites_warned_.insert({gi, site}).second) return;
  const auto& g = m_.application_gateways[gi];
  const auto& pool = g.backend_pools[pool_index];
  const auto& s = m_.paas_services[site];
  const std::string host = s.host_name.empty() ? s.name + ".azurewebsites.net" : s.host_name;
  findings_.add({model::Severity::kNote, "gateway-backend-site", pool.where,
                 fmt::format("application gateway '{}': backend pool '{}' names App Service '{}' ({}): the site is "
                             "the gateway's backend",
                             g.name, pool.name, s.name, host)});
  if (s.public_network_access == model::PublicNetworkAccess::kDisabled) return;
  // The gateway reaches a public site from its own public addresses: a site admitting only those is behind it.
  IpSet gateway_addresses;
  for (const auto& fe : g.frontends) {
    if (fe.public_ip.resolved() && m_.public_ips[fe.public_ip.index].address) {
      gateway_addresses = gateway_addresses.unite(model::to_set(*m_.public_ips[fe.public_ip.index].address));
    }
  }
  const IpSet others = space_.internet(model::IpFamily::kV4).subtract(gateway_addresses);
  bool open = s.public_network_access == model::PublicNetworkAccess::kSecuredByPerimeter;
  for (const auto& d : paas_firewall(s, s.ip_rules, s.default_action, others)) {
    open = open || d.access == model::Access::kAllow;
  }
  if (!open) return;
  findings_.warning("waf-bypass", pool.where,
                    fmt::format("application gateway '{}' sends backend pool '{}' to App Service '{}' ({}), whose "
                                "public endpoint also admits internet clients directly: they can bypass the "
                                "gateway{}; restrict the site's access to the gateway",
                                g.name, pool.name, s.name, host,
                                g.waf_mode == model::WafMode::kOff ? "" : " and its web application firewall"));
}

void Builder::forward_gateway(const std::shared_ptr<const ForwardedEntry>& entry, const model::IpConfigIndex& x,
                              int vnet, int subnet, const std::optional<model::IpAddress>& to, int to_port) {
  forward(entry, x,
          path_breaks(m_, RK::kApplicationGateway, entry->gateway, vnet, first_address(m_, subnet), x, to, true), to,
          to_port);
}

void Builder::dnat_arrivals(const model::ApplicationGateway& g, const model::IpAddress& address, std::uint16_t port,
                            bool port_unknown, const NsgSlot& slot, int subnet, const IpSet& frontends, int admin_vnet,
                            std::vector<Arrival>& out) {
  const PortSet listen = port_unknown ? PortSet::all() : single(port);
  for (std::size_t f = 0; f < m_.firewalls.size(); ++f) {
    const auto& fw = m_.firewalls[f];
    if (fw.policy.set() && !fw.policy.resolved()) continue;  // its rules are unknown (warned by the analysis)
    const FirewallSide side = firewall_side(m_, fw);
    const auto pips = firewall_public_ips(m_, fw);
    for (const auto& match : dnat_matches(m_, fw, space_.internet())) {
      const auto& rule = rule_at(m_, fw, fw.order[match.position]);
      if (rule.translated_address != address) continue;
      if (rule.translated_port != 0 && !listen.contains(rule.translated_port)) continue;
      RouteChoice forward;
      if (const auto blocked = dnat_forward_blocks(m_, fw, side, address, subnet, forward)) {
        findings_.warning(
            "dnat-target-unreachable", rule.where,
            fmt::format("firewall '{}': DNAT rule '{}' translates to application gateway '{}' ({}), but "
                        "{}: not reported through the gateway",
                        fw.name, rule.name, g.name, address.to_string(), dnat_forward_text(m_, *blocked)));
        continue;
      }
      const PortSet ports = rule.translated_port != 0 ? single(rule.translated_port) : listen;
      // The gateway's admin stage over the firewall's SNAT addresses, as on a public frontend (Deny rules not
      // applied): an AlwaysAllow rule admits them past the gateway subnet's NSG, an Allow rule (or none) hands them
      // to it. Several SNAT addresses, one flow: it passes when any of them passes, so the decision taken (and
      // named in the path) is the most permissive, as explain shows it: the first AlwaysAllow, else the first.
      const AdminDecision* admin = nullptr;
      std::vector<AdminDecision> decisions;
      if (admin_vnet >= 0) {
        const PacketSet arriving(Cube{side.snat, IpSet::all(), model::bit(Protocol::kTcp), PortSet::all(), ports});
        decisions = decide_admin_at_entry(m_, admin_vnet, arriving, subnet, frontends, space_, true);
        for (const auto& d : decisions) {
          if (admin == nullptr ||
              (d.access == model::AdminAccess::kAlwaysAllow && admin->access != model::AdminAccess::kAlwaysAllow)) {
            admin = &d;
          }
        }
      }
      const bool skip_nsg = admin != nullptr && admin->access == model::AdminAccess::kAlwaysAllow;
      const auto passed =
          skip_nsg ? std::vector<Admitted>{} : admitted(m_, space_, slot, subnet, frontends, side.snat, ports);
      if (!skip_nsg && passed.empty()) continue;  // the gateway subnet's NSG refuses the firewall's addresses
      for (const auto& [pip, fw_address] : pips) {
        if (pip < 0) continue;  // a secured hub's address: not a resource (not modelled through a gateway)
        IpSet dst;
        dst.add(fw_address.value, fw_address.value);
        const IpSet internet = space_.internet(fw_address.family());
        const PacketSet to_pip = match.packets.intersect(
            PacketSet(Cube{internet, dst, model::bit(Protocol::kTcp), PortSet::all(), PortSet::all()}));
        for (const auto& flows : split_by_ports(to_pip, Protocol::kTcp)) {
          PortSet entry = flows.ports;
          if (rule.translated_port == 0) {  // the port is kept: only the listener's port reaches it
            entry = flows.ports.intersect(listen);
            if (entry.empty()) continue;
          }
          Arrival a;
          a.pip = pip;
          a.sources = flows.sources;
          a.any_source = flows.sources == internet;
          a.entry_ports = entry;
          a.dnat_firewall = static_cast<int>(f);
          a.dnat_rule = match.position;
          a.dnat_note = match.unresolved_source ? kUnresolvedSourceNote : "";
          a.nsg_rule = skip_nsg ? -1 : passed.front().rule;
          a.admin_rule = admin != nullptr ? admin->rule : -1;
          a.skip_nsg = skip_nsg;
          out.push_back(std::move(a));
        }
      }
    }
  }
}

void Builder::application_gateway(int gi) {
  const auto& g = m_.application_gateways[gi];
  const model::Ref subnet_ref = gateway_subnet(g);
  const int subnet = subnet_ref.index;
  const NsgSlot slot = subnet_nsg_slot(m_, subnet_ref);
  const int vnet = vnet_of(m_, subnet_ref);
  const IpSet inner = subnet_space(m_, subnet);
  if (inner.empty() && !g.rules.empty()) {
    findings_.warning("entry-subnet-unknown", g.where,
                      fmt::format("application gateway '{}': its subnet is not in the input (or has no prefix), so "
                                  "the address its backends see is unknown: its backends are not reported",
                                  g.name));
  }
  const IpSet frontends = gateway_frontend_addresses(m_, g);
  const int admin_vnet = gateway_admin_vnet(m_, gi, GatewayListeners::kPublicFrontends);
  const int dnat_admin_vnet = gateway_admin_vnet(m_, gi, GatewayListeners::kBehindDnat);
  // Said once per gateway: before the listeners for the public frontends' stage (as soon as it exists), else after
  // them for the stage behind DNAT rules, when a DNAT rule reaches a listener on a private frontend.
  auto admin_undecided = [&](int vnet) {
    findings_.warning(
        "admin-rules-undecided", g.where,
        fmt::format("application gateway '{}': virtual network '{}' has security admin rules, which Azure applies to "
                    "the gateway's subnet only if the gateway is deployed with network isolation, which the input "
                    "does not show: on its listeners' traffic their Allow and AlwaysAllow rules are applied, their "
                    "Deny rules are not",
                    g.name, m_.vnets[vnet].name));
  };
  if (admin_vnet >= 0) admin_undecided(admin_vnet);
  bool dnat_admin_used = false;
  for (std::size_t li = 0; li < g.listeners.size(); ++li) {
    const auto& l = g.listeners[li];
    if (l.frontend.child < 0 || l.frontend_port.child < 0) continue;
    const auto& fe = g.frontends[l.frontend.child];
    const std::uint16_t port = g.frontend_ports[l.frontend_port.child].port;
    const bool port_unknown = g.frontend_ports[l.frontend_port.child].unknown;  // every port
    const PortSet listen = port_unknown ? PortSet::all() : single(port);
    // Internet clients arrive at a public frontend directly, and at a private frontend only through a firewall
    // DNAT rule translating to it (the gateway's subnet NSG then sees the firewall's SNAT addresses).
    std::vector<Arrival> arrivals;
    if (fe.public_ip.set()) {
      const int pip = fe.public_ip.index;
      const auto family = pip >= 0 ? m_.public_ips[pip].family : model::IpFamily::kV4;
      const IpSet internet = space_.internet(family);
      // The clients the gateway subnet's NSG admits of `sources` on `ports`, after admin rule `admin_rule`.
      auto through_nsg = [&](const IpSet& sources, const PortSet& ports, int admin_rule) {
        for (const auto& a : admitted(m_, space_, slot, subnet, frontends, sources, ports)) {
          Arrival arrival;
          arrival.pip = pip;
          arrival.sources = a.sources;
          arrival.any_source = a.sources == internet;
          arrival.entry_ports = ports;
          arrival.nsg_rule = a.rule;
          arrival.admin_rule = admin_rule;
          arrivals.push_back(std::move(arrival));
        }
      };
      if (admin_vnet < 0) {
        through_nsg(internet, listen, -1);
      } else {
        // The admin stage first, its Deny rules left out (gateway_admin_vnet): AlwaysAllow admits past the NSG,
        // Allow (and what no rule matches) goes on to it.
        const PacketSet arriving(Cube{internet, IpSet::all(), model::bit(Protocol::kTcp), PortSet::all(), listen});
        for (const auto& d : decide_admin_at_entry(m_, admin_vnet, arriving, subnet, frontends, space_, true)) {
          for (const auto& flows : split_by_ports(d.packets, Protocol::kTcp)) {
            if (d.access != model::AdminAccess::kAlwaysAllow) {
              through_nsg(flows.sources, flows.ports, d.rule);
              continue;
            }
            Arrival arrival;
            arrival.pip = pip;
            arrival.sources = flows.sources;
            arrival.any_source = flows.sources == internet;
            arrival.entry_ports = flows.ports;
            arrival.admin_rule = d.rule;
            arrival.skip_nsg = true;
            arrivals.push_back(std::move(arrival));
          }
        }
      }
    } else if (fe.private_ip) {
      dnat_arrivals(g, *fe.private_ip, port, port_unknown, slot, subnet, frontends, dnat_admin_vnet, arrivals);
      dnat_admin_used = dnat_admin_used || (dnat_admin_vnet >= 0 && !arrivals.empty());
    }
    for (const auto& a : arrivals) {
      // The listener's own entry (solver/path.h), its NSG stage and DNAT rule decided.
      PathEntry how;
      how.via = Via::kApplicationGateway;
      how.gateway = gi;
      how.gateway_rule = static_cast<int>(li);
      how.public_ip = a.pip;
      how.frontend_port = port_unknown ? -1 : port;
      how.dnat_firewall = a.dnat_firewall;
      how.dnat_rule = a.dnat_rule;
      std::vector<Hop> path;
      for (const Stage& s : entry_point_path(m_, RK::kApplicationGateway, how)) {
        if (s.kind == K::kRoute) continue;  // the DNAT rule's forward route: it works (dnat_arrivals checked it)
        if (s.kind == K::kAdminRule) {
          path.push_back(admin_hop(s.resource, a.admin_rule));
          continue;
        }
        if ((s.kind == K::kNsg || s.kind == K::kNoNsg) && a.skip_nsg) continue;  // an AlwaysAllow admin rule
        Hop h = hop_of(s);
        if (s.kind == K::kNsg && s.resource >= 0) h.rule = a.nsg_rule;
        if (s.kind == K::kFirewall) h.note = a.dnat_note;
        path.push_back(h);
      }
      Exposure own = own_exposure(RK::kApplicationGateway, gi, a.pip, a.entry_ports, Admitted{a.nsg_rule, a.sources},
                                  IpSet{}, std::move(path));
      own.any_source = a.any_source;
      own.entry_ports = a.entry_ports;
      own.gateway_rule = static_cast<int>(li);
      out_.own.push_back(std::move(own));
      for (std::size_t ri = 0; ri < g.rules.size(); ++ri) {
        const auto& r = g.rules[ri];
        if (r.listener.child != static_cast<int>(li)) continue;
        for (std::size_t ti = 0; ti < r.targets.size(); ++ti) {
          const auto& t = r.targets[ti];
          if (t.pool.child < 0 || t.settings.child < 0) continue;
          const std::uint16_t backend_port = g.backend_settings[t.settings.child].port;
          const bool backend_unknown = g.backend_settings[t.settings.child].unknown;  // every port
          auto shared = std::make_shared<ForwardedEntry>();
          shared->via = Via::kApplicationGateway;
          shared->gateway = gi;
          shared->gateway_rule = static_cast<int>(li);
          shared->public_ip = a.pip;
          shared->inner_sources = inner;
          shared->inner_key = key_of(inner);
          shared->sources = a.sources;
          shared->any_source = a.any_source;
          shared->ports = backend_unknown ? PortSet::all() : single(backend_port);
          shared->entry_ports = a.entry_ports;
          shared->entry_nsg_rule = a.nsg_rule;
          shared->entry_admin_rule = a.admin_rule;
          shared->entry_skip_nsg = a.skip_nsg;
          shared->dnat_firewall = a.dnat_firewall;
          shared->dnat_rule = a.dnat_rule;
          shared->dnat_note = a.dnat_note;
          shared->routing_rule = static_cast<int>(ri);
          shared->routing_target = static_cast<int>(ti);
          shared->backend_port = backend_unknown ? -1 : backend_port;
          std::vector<std::pair<int, int>> balancers;
          for (const auto& x : backends(gi, t.pool.child, vnet, balancers)) {
            if (inner.empty()) continue;  // the gateway subnet is not in the input: the source is unknown
            forward_gateway(shared, x, vnet, subnet);
          }
          if (inner.empty()) continue;
          // A pool address that is an internal load balancer's frontend: the load balancer's rules for that
          // frontend and the settings' port (or HA ports) carry the connection on to their pool members.
          for (const auto& [l, fe] : balancers) {
            for (const auto& leg :
                 backend_unknown ? internal_lb_legs_any(m_, l, fe) : internal_lb_legs(m_, l, fe, backend_port)) {
              auto through = std::make_shared<ForwardedEntry>(*shared);
              through->ports = single(leg.backend_port);
              through->load_balancer = l;
              through->lb_rule = leg.rule;
              through->lb_frontend_port = leg.frontend_port;
              for (const auto& x : leg.members) {
                forward_gateway(through, x, vnet, subnet, m_.load_balancers[l].frontends[fe].private_ip,
                                backend_unknown ? leg.frontend_port : backend_port);
              }
            }
          }
        }
      }
    }
  }
  if (dnat_admin_used && admin_vnet < 0) admin_undecided(dnat_admin_vnet);  // the same VNet when both are set
}

}  // namespace forwarding_internal

model::Ref gateway_subnet(const model::ApplicationGateway& g) {
  for (const auto& c : g.gateway_ip_configurations) {
    if (c.subnet.set()) return c.subnet;
  }
  return {};
}

IpSet gateway_frontend_addresses(const model::Model& m, const model::ApplicationGateway& g) {
  IpSet frontends;
  for (const auto& fe : g.frontends) {
    if (fe.private_ip) frontends = frontends.unite(model::to_set(*fe.private_ip));
    if (fe.public_ip.resolved() && m.public_ips[fe.public_ip.index].address) {
      frontends = frontends.unite(model::to_set(*m.public_ips[fe.public_ip.index].address));
    }
  }
  return frontends;
}

int gateway_admin_vnet(const model::Model& m, int gateway, GatewayListeners which) {
  const auto& g = m.application_gateways[gateway];
  const int subnet = gateway_subnet(g).index;
  const int vnet = admin_rules_vnet(m, subnet);
  if (vnet < 0) return -1;
  PortSet ports;
  for (const auto& l : g.listeners) {
    if (l.frontend.child < 0 || l.frontend_port.child < 0) continue;
    const auto& fe = g.frontends[l.frontend.child];
    // A DNAT rule reaches a private frontend only (dnat_arrivals), on the listener's port.
    if (which == GatewayListeners::kPublicFrontends ? !fe.public_ip.set() : fe.public_ip.set() || !fe.private_ip) {
      continue;
    }
    const auto& fp = g.frontend_ports[l.frontend_port.child];
    ports = ports.unite(fp.unknown ? PortSet::all() : forwarding_internal::single(fp.port));
  }
  return admin_always_allow_at_entry(m, vnet, subnet, gateway_frontend_addresses(m, g), ports) ? vnet : -1;
}

namespace {

bool iequal(std::string_view a, std::string_view b) { return model::ascii::iequals(a, b); }

}  // namespace

int site_named(const model::Model& m, std::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);  // a fully qualified "name."
  if (host.empty()) return -1;
  // A host name only known at deployment, `reference('NAME').defaultHostName` (or `.hostNames[0]`): the site
  // NAME (or the last segment of a resource id).
  constexpr std::string_view kReference = "reference('";
  if (host.size() > kReference.size() && iequal(host.substr(0, kReference.size()), kReference)) {
    std::string_view name = host.substr(kReference.size());
    name = name.substr(0, name.find('\''));
    if (const auto slash = name.rfind('/'); slash != std::string_view::npos) name = name.substr(slash + 1);
    for (std::size_t i = 0; i < m.paas_services.size(); ++i) {
      const auto& s = m.paas_services[i];
      if (s.kind == model::PaasKind::kAppService && iequal(s.name, name)) return static_cast<int>(i);
    }
    return -1;
  }
  for (std::size_t i = 0; i < m.paas_services.size(); ++i) {
    const auto& s = m.paas_services[i];
    if (s.kind != model::PaasKind::kAppService) continue;
    if (!s.host_name.empty() ? iequal(s.host_name, host) : iequal(s.name + ".azurewebsites.net", host)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

PoolBackends pool_backends(const model::Model& m, const model::ApplicationGateway& g, int pool_index,
                           int gateway_vnet) {
  const auto& pool = g.backend_pools[pool_index];
  PoolBackends out;
  std::set<model::IpConfigIndex> configs(pool.members.begin(), pool.members.end());
  for (const auto& a : pool.addresses) {
    bool found = false;
    if (a.ip) {
      for (std::size_t l = 0; l < m.load_balancers.size(); ++l) {
        const auto& frontends = m.load_balancers[l].frontends;
        for (std::size_t f = 0; f < frontends.size(); ++f) {
          if (frontends[f].public_ip.set() || frontends[f].private_ip != a.ip) continue;
          out.balancers.emplace_back(static_cast<int>(l), static_cast<int>(f));
          found = true;
        }
      }
      for (std::size_t n = 0; n < m.nics.size(); ++n) {
        const auto& nic = m.nics[n];
        for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
          const auto& cfg = nic.ip_configurations[c];
          if (!cfg.private_ip || *cfg.private_ip != *a.ip) continue;
          const int v = forwarding_internal::vnet_of(m, cfg.subnet);
          if (gateway_vnet >= 0 && v >= 0 && !peering_connects(m, gateway_vnet, v) &&
              model::hub_between(m, gateway_vnet, v) < 0) {
            continue;
          }
          configs.insert({static_cast<int>(n), static_cast<int>(c)});
          found = true;
        }
      }
    }
    if (!found && !a.ip) {
      if (const int site = site_named(m, a.fqdn); site >= 0) {
        if (std::find(out.sites.begin(), out.sites.end(), site) == out.sites.end()) out.sites.push_back(site);
        found = true;
      }
    }
    if (!found) out.unresolved.push_back(a.ip ? a.ip->to_string() : a.fqdn);
  }
  std::sort(out.sites.begin(), out.sites.end());
  out.configs.assign(configs.begin(), configs.end());
  return out;
}

}  // namespace exposim::solver
