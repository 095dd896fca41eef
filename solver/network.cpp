// Route selection and peering reachability (docs/model.md#routing-and-peering).
#include "solver/network.h"

#include <array>
#include <cstdint>

#include "solver/virtual_wan.h"

namespace exposim::solver {

using model::IpAddress;
using model::IpPrefix;
using model::NextHopType;

namespace {

IpPrefix must_parse(const char* text) { return *IpPrefix::parse(text); }

/// Precedence among routes of equal prefix length: user-defined routes, then the VNet's own and peered
/// spaces, then the reserved ranges, then the default route (Azure adds the reserved routes only outside
/// the VNet space).
int rank(const RouteChoice& r) {
  if (r.user) return 3;
  const std::string_view s = r.system;
  if (s == "virtual-network" || s == "peering") return 2;
  // A hub's 0.0.0.0/0 beats the default route; the prefixes a hub gives beat the reserved ranges.
  if (s == "virtual-hub") return r.prefix.length == 0 ? 1 : 2;
  return s == "reserved" ? 1 : 0;
}

/// User-defined route `route` of route table `rt`, as a choice.
RouteChoice user_route(const model::Model& m, int rt, int route) {
  const auto& r = m.route_tables[rt].routes[route];
  RouteChoice c;
  c.next_hop = r.next_hop;
  c.user = true;
  c.route_table = rt;
  c.route = route;
  c.next_hop_ip = r.next_hop_ip;
  c.prefix = *r.prefix;
  return c;
}

}  // namespace

const model::Peering* find_peering(const model::Model& m, int from, int to) {
  if (from < 0 || to < 0) return nullptr;
  for (const auto& p : m.vnets[from].peerings) {
    if (p.remote_vnet.index == to) return &p;
  }
  return nullptr;
}

PeeringGap peering_gap(const model::Model& m, int from, int to, bool forwarded) {
  PeeringGap g;
  g.from = from;
  g.to = to;
  // A peering of VNet `vnet` (a pointer into its peerings), as the gap names it.
  auto naming = [&](PeeringBlock block, int vnet, const model::Peering* p) {
    g.block = block;
    g.vnet = vnet;
    g.peering = static_cast<int>(p - m.vnets[vnet].peerings.data());
    return g;
  };
  if (from < 0 || to < 0) {
    g.block = PeeringBlock::kNotInInput;
    return g;
  }
  if (from == to) return g;
  const model::Peering* ab = find_peering(m, from, to);
  const model::Peering* ba = find_peering(m, to, from);
  if (ab == nullptr && ba == nullptr) {
    g.block = PeeringBlock::kNotPeered;
    return g;
  }
  if (ab == nullptr) return naming(PeeringBlock::kOneSided, to, ba);
  if (ba == nullptr) return naming(PeeringBlock::kOneSided, from, ab);
  if (!ab->connected) return naming(PeeringBlock::kNotConnected, from, ab);
  if (!ba->connected) return naming(PeeringBlock::kNotConnected, to, ba);
  // allowVirtualNetworkAccess false does not block traffic: it only keeps the peer's space out of the
  // VirtualNetwork tag on that side (AddressSpace), so the NSGs decide (docs/model.md, "Routing and peering").
  if (forwarded && !ba->allow_forwarded_traffic) return naming(PeeringBlock::kNotForwarded, to, ba);
  return g;
}

bool peering_connects(const model::Model& m, int from, int to, bool forwarded) {
  return peering_gap(m, from, to, forwarded).block == PeeringBlock::kNone;
}

int subnet_containing(const model::Model& m, const IpAddress& address) {
  int best = -1;
  int best_len = -1;
  for (std::size_t i = 0; i < m.subnets.size(); ++i) {
    for (const auto& p : m.subnets[i].prefixes) {
      if (p.contains(address) && p.length > best_len) {
        best = static_cast<int>(i);
        best_len = p.length;
      }
    }
  }
  return best;
}

RouteChoice choose_route(const model::Model& m, int subnet, const IpAddress& destination, bool user_routes) {
  RouteChoice best;
  bool have = false;
  // Candidates are offered in listing order; a later one wins only when strictly better, so among user
  // routes of equal prefix the first listed stays.
  auto offer = [&](const RouteChoice& c) {
    if (!c.prefix.contains(destination)) return;
    if (have &&
        (c.prefix.length < best.prefix.length || (c.prefix.length == best.prefix.length && rank(c) <= rank(best)))) {
      return;
    }
    best = c;
    have = true;
  };
  auto system = [](const IpPrefix& p, NextHopType hop, const char* what, int peer = -1) {
    RouteChoice c;
    c.next_hop = hop;
    c.system = what;
    c.prefix = p;
    c.peer_vnet = peer;
    return c;
  };
  const bool v4 = destination.family() == model::IpFamily::kV4;
  // Parsed once: reach() chooses a route per (source subnet, target).
  static const IpPrefix kDefaultV4 = must_parse("0.0.0.0/0");
  static const IpPrefix kDefaultV6 = must_parse("::/0");
  static const std::array<IpPrefix, 4> kReserved{must_parse("10.0.0.0/8"), must_parse("172.16.0.0/12"),
                                                 must_parse("192.168.0.0/16"), must_parse("100.64.0.0/10")};
  offer(system(v4 ? kDefaultV4 : kDefaultV6, NextHopType::kInternet, "default"));
  if (subnet < 0) return best;
  const auto& s = m.subnets[subnet];
  if (v4) {
    for (const IpPrefix& reserved : kReserved) offer(system(reserved, NextHopType::kNone, "reserved"));
  }
  // Azure creates no route for a subnet's own prefix, only for the VNet's address ranges: a user-defined route for
  // the VNet's space applies inside the subnet too. The subnet's prefixes stand in only where the VNet's space does
  // not hold them (the VNet is not in the input).
  for (const auto& p : s.prefixes) {
    bool in_vnet = false;
    if (s.vnet.resolved()) {
      for (const auto& space : m.vnets[s.vnet.index].address_space) {
        in_vnet = in_vnet || (space.length <= p.length && space.contains(p.address));
      }
    }
    if (!in_vnet) offer(system(p, NextHopType::kVnetLocal, "virtual-network"));
  }
  if (v4) {
    for (const auto& c : hub_routes(m, s.vnet.index)) offer(c);  // solver/virtual_wan.h
  }
  if (s.vnet.resolved()) {
    const int v = s.vnet.index;
    for (const auto& p : m.vnets[v].address_space) offer(system(p, NextHopType::kVnetLocal, "virtual-network"));
    for (const auto& peering : m.vnets[v].peerings) {
      if (!peering.connected) continue;
      const int remote = peering.remote_vnet.index;
      // Both sides present give the system route; one side alone gives none.
      if (remote >= 0 && find_peering(m, remote, v) == nullptr) continue;
      const auto& space = remote >= 0 ? m.vnets[remote].address_space : peering.remote_address_space;
      for (const auto& p : space) offer(system(p, NextHopType::kVnetPeering, "peering", remote));
    }
  }
  if (user_routes && s.route_table.resolved()) {
    const int rt = s.route_table.index;
    const auto& routes = m.route_tables[rt].routes;
    for (std::size_t i = 0; i < routes.size(); ++i) {
      const auto& r = routes[i];
      if (!r.prefix) continue;
      offer(user_route(m, rt, static_cast<int>(i)));
    }
  }
  return best;
}

RouteChoice reply_route(const model::Model& m, int subnet, const IpAddress& client) {
  const bool v4 = client.family() == model::IpFamily::kV4;
  if (subnet >= 0 && m.subnets[subnet].route_table.resolved()) {
    const int rt = m.subnets[subnet].route_table.index;
    const auto& routes = m.route_tables[rt].routes;
    int best = -1;
    for (std::size_t i = 0; i < routes.size(); ++i) {
      const auto& r = routes[i];
      if (!r.prefix || !r.prefix->contains(client)) continue;
      if (best >= 0 && routes[best].prefix->length >= r.prefix->length) continue;
      best = static_cast<int>(i);
    }
    if (best >= 0) return user_route(m, rt, best);
  }
  if (subnet >= 0 && v4) {
    if (auto hub = hub_default_choice(m, m.subnets[subnet].vnet.index)) return std::move(*hub);
  }
  RouteChoice c;
  c.next_hop = NextHopType::kInternet;
  c.system = "default";
  c.prefix = must_parse(v4 ? "0.0.0.0/0" : "::/0");
  return c;
}

}  // namespace exposim::solver
