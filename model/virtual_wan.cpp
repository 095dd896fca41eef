// Virtual WAN: its part of validation (hubs and their children), and lookups on a validated model: the routes a
// spoke learns from its hub, and the hub firewalls.
#include "model/virtual_wan.h"

#include <fmt/format.h>

#include "model/ascii.h"
#include "model/model.h"
#include "model/resolver.h"

namespace exposim::model {
namespace {

bool iequal(std::string_view a, std::string_view b) { return ascii::iequals(a, b); }

/// The route table a connection is associated with: its own `associatedRouteTable`, else the hub's
/// `defaultRouteTable` (by name); -1 when that table is not in the input (or is the noneRouteTable).
int associated_table(const Model& m, const HubConnection& c) {
  if (c.associated_route_table.set()) return c.associated_route_table.index;
  if (!c.hub.resolved()) return -1;
  for (int t : m.virtual_hubs[c.hub.index].route_tables) {
    if (iequal(m.hub_route_tables[t].name, "defaultRouteTable")) return t;
  }
  return -1;
}

/// The firewall a resource reference names, when it is an Azure Firewall in the input; else -1.
int firewall_named(const Model& m, const Ref& r) {
  if (!r.set()) return -1;
  auto v = m.find(r.id);
  return v && v->kind == ResourceKind::kFirewall ? v->index : -1;
}

const IpPrefix& prefix(const char* text) {
  static const IpPrefix k10 = *IpPrefix::parse("10.0.0.0/8");
  static const IpPrefix k172 = *IpPrefix::parse("172.16.0.0/12");
  static const IpPrefix k192 = *IpPrefix::parse("192.168.0.0/16");
  const std::string_view t = text;
  return t == "10" ? k10 : t == "172" ? k172 : k192;
}

}  // namespace

std::optional<HubDefaultRoute> hub_default_route(const Model& m, int vnet) {
  if (vnet < 0 || m.hub_connections.empty()) return std::nullopt;  // the common case costs nothing
  for (std::size_t ci = 0; ci < m.hub_connections.size(); ++ci) {
    const auto& c = m.hub_connections[ci];
    if (c.remote_vnet.index != vnet || !c.enable_internet_security || !c.hub.resolved()) continue;
    HubDefaultRoute out;
    out.hub = c.hub.index;
    out.connection = static_cast<int>(ci);
    for (int r : m.virtual_hubs[c.hub.index].routing_intents) {
      for (const auto& p : m.hub_routing_intents[r].policies) {
        if (!p.internet) continue;
        out.intent = r;
        out.firewall = firewall_named(m, p.next_hop);
        return out;
      }
    }
    // Without routing intent: a static 0.0.0.0/0 in the route table the connection is associated with.
    const int t = associated_table(m, c);
    if (t < 0) continue;
    const auto& routes = m.hub_route_tables[t].routes;
    for (std::size_t ri = 0; ri < routes.size(); ++ri) {
      for (const auto& d : routes[ri].destinations) {
        if (d.length != 0 || d.address.family() != IpFamily::kV4) continue;
        out.route_table = t;
        out.route = static_cast<int>(ri);
        out.firewall = firewall_named(m, routes[ri].next_hop);
        return out;
      }
    }
  }
  return std::nullopt;
}

int internet_hub(const Model& m, int vnet) {
  const auto r = hub_default_route(m, vnet);
  return r ? r->hub : -1;
}

std::string hub_default_reason(const Model& m, const HubDefaultRoute& r) {
  if (r.route_table < 0) return "routing intent";
  const auto& t = m.hub_route_tables[r.route_table];
  return fmt::format("static route '{}' of hub route table '{}'", t.routes[r.route].name, t.name);
}

int hub_of_firewall(const Model& m, int fw) {
  if (fw < 0) return -1;
  const auto& f = m.firewalls[fw];
  if (f.virtual_hub.resolved()) return f.virtual_hub.index;
  for (std::size_t h = 0; h < m.virtual_hubs.size(); ++h) {
    if (m.virtual_hubs[h].azure_firewall.index == fw) return static_cast<int>(h);
  }
  return -1;
}

std::optional<IpAddress> hub_firewall_address(const Model& m, int fw) {
  if (m.firewalls[fw].hub_private_ip) return m.firewalls[fw].hub_private_ip;
  const int hub = hub_of_firewall(m, fw);
  if (hub >= 0 && m.virtual_hubs[hub].address_prefix) return m.virtual_hubs[hub].address_prefix->address;
  return std::nullopt;
}

int private_traffic_firewall(const Model& m, int hub) {
  if (hub < 0) return -1;
  for (int r : m.virtual_hubs[hub].routing_intents) {
    for (const auto& p : m.hub_routing_intents[r].policies) {
      if (p.private_traffic) return firewall_named(m, p.next_hop);
    }
  }
  return -1;
}

bool reaches_through_hub(const Model& m, int hub, int vnet) {
  if (hub < 0 || vnet < 0) return false;
  const int wan = m.virtual_hubs[hub].virtual_wan.index;
  for (const auto& c : m.hub_connections) {
    if (c.remote_vnet.index != vnet || !c.hub.resolved()) continue;
    if (c.hub.index == hub || (wan >= 0 && m.virtual_hubs[c.hub.index].virtual_wan.index == wan)) return true;
  }
  return false;
}

int hub_between(const Model& m, int a, int b) {
  if (a < 0 || b < 0) return -1;
  for (const auto& c : m.hub_connections) {
    if (c.remote_vnet.index == a && c.hub.resolved() && reaches_through_hub(m, c.hub.index, b)) return c.hub.index;
  }
  return -1;
}

std::vector<HubLearnedRoute> hub_learned_routes(const Model& m, int vnet) {
  std::vector<HubLearnedRoute> out;
  if (vnet < 0 || m.hub_connections.empty()) return out;
  for (const auto& c : m.hub_connections) {
    if (c.remote_vnet.index != vnet || !c.hub.resolved()) continue;
    const int hub = c.hub.index;
    const auto& h = m.virtual_hubs[hub];
    if (h.address_prefix) out.push_back(HubLearnedRoute{*h.address_prefix, hub, -1, true, -1});
    const int fw = private_traffic_firewall(m, hub);
    for (const auto& other : m.hub_connections) {
      const int v = other.remote_vnet.index;
      if (v < 0 || v == vnet || !other.hub.resolved() || !reaches_through_hub(m, hub, v)) continue;
      for (const auto& p : m.vnets[v].address_space) out.push_back(HubLearnedRoute{p, hub, fw, false, v});
    }
    if (fw >= 0) {
      for (const char* p : {"10", "172", "192"}) out.push_back(HubLearnedRoute{prefix(p), hub, fw, false, -1});
    }
  }
  return out;
}

/// Virtual WAN: hubs, their WAN and firewall, the children that name their hub, spoke networks. None of
/// these references decides exposure (hub routing is not applied), so a missing target is a warning; a
/// spoke network elsewhere (another subscription) is normal and not reported. Then one warning per hub
/// says what is not modelled (docs/model.md, "Virtual WAN").
void resolve_virtual_wans(Resolver& rs) {
  Model& m = rs.model;
  for (auto& hub : m.virtual_hubs) {
    hub.connections.clear();
    hub.routing_intents.clear();
    hub.route_tables.clear();
    rs.resolve(hub.virtual_wan, ResourceKind::kVirtualWan, hub.where, hub.flattened, "/virtualWan/id", false);
    rs.resolve(hub.azure_firewall, ResourceKind::kFirewall, hub.where, hub.flattened, "/azureFirewall/id", false);
  }
  // A hub firewall (AZFW_Hub) may name its hub instead (`virtualHub`).
  for (std::size_t f = 0; f < m.firewalls.size(); ++f) {
    auto v = m.find(m.firewalls[f].virtual_hub.id);
    if (!v || v->kind != ResourceKind::kVirtualHub) continue;
    m.firewalls[f].virtual_hub.index = v->index;
    auto& hub = m.virtual_hubs[v->index];
    if (!hub.azure_firewall.set()) hub.azure_firewall = Ref{m.firewalls[f].key, static_cast<int>(f)};
  }
  auto parent = [&](Ref& hub, const ResourceBase& child, const char* what, std::vector<int> VirtualHub::*list,
                    int index) {
    auto v = m.find(hub.id);
    if (v && v->kind == ResourceKind::kVirtualHub) {
      hub.index = v->index;
      (m.virtual_hubs[v->index].*list).push_back(index);
    } else {
      rs.diags.warning(
          "missing-reference", child.where,
          fmt::format("{} '{}' belongs to virtual hub '{}', which is not in the input", what, child.name, hub.id));
    }
  };
  for (std::size_t i = 0; i < m.hub_connections.size(); ++i) {
    auto& c = m.hub_connections[i];
    parent(c.hub, c, "hub virtual network connection", &VirtualHub::connections, static_cast<int>(i));
    auto v = m.find(c.remote_vnet.id);
    if (v && v->kind == ResourceKind::kVirtualNetwork) c.remote_vnet.index = v->index;
    // The associated route table decides the spoke's default route (model::hub_default_route).
    rs.resolve(c.associated_route_table, ResourceKind::kHubRouteTable, c.where, c.flattened,
               "/routingConfiguration/associatedRouteTable/id", false);
  }
  for (std::size_t i = 0; i < m.hub_routing_intents.size(); ++i) {
    auto& r = m.hub_routing_intents[i];
    parent(r.hub, r, "routing intent", &VirtualHub::routing_intents, static_cast<int>(i));
    for (auto& p : r.policies) {
      auto v = m.find(p.next_hop.id);
      if (v && v->kind == ResourceKind::kFirewall) p.next_hop.index = v->index;
    }
  }
  for (std::size_t i = 0; i < m.hub_route_tables.size(); ++i) {
    auto& t = m.hub_route_tables[i];
    parent(t.hub, t, "hub route table", &VirtualHub::route_tables, static_cast<int>(i));
  }
  for (const auto& hub : m.virtual_hubs) {
    std::size_t spokes_here = 0;
    for (int c : hub.connections) spokes_here += m.hub_connections[c].remote_vnet.resolved() ? 1 : 0;
    std::string intent;
    for (int r : hub.routing_intents) {
      for (const auto& p : m.hub_routing_intents[r].policies) {
        const std::string hop = p.next_hop.resolved() ? m.firewalls[p.next_hop.index].name : p.next_hop.id.str();
        if (p.internet) intent += fmt::format("; routing intent sends internet traffic to '{}'", hop);
        if (p.private_traffic) intent += fmt::format("; routing intent sends private traffic to '{}'", hop);
      }
    }
    rs.diags.warning(
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

}  // namespace exposim::model
