// Virtual networks and route tables: names of the next hop types, and their part of validation (assumed subnets,
// subnets' references, route tables' back-references, peerings).
#include "model/network.h"

#include <set>
#include <string_view>
#include <vector>

#include "model/resolver.h"
#include "model/unknown.h"

namespace exposim::model {

const char* to_string(NextHopType t) {
  switch (t) {
    case NextHopType::kVirtualNetworkGateway: return "VirtualNetworkGateway";
    case NextHopType::kVnetLocal: return "VnetLocal";
    case NextHopType::kInternet: return "Internet";
    case NextHopType::kVirtualAppliance: return "VirtualAppliance";
    case NextHopType::kNone: return "None";
    case NextHopType::kVnetPeering: return "VNetPeering";
  }
  return "?";
}

/// A subnet missing from a partial input, that an ip configuration in the input references and an NSG or route
/// table in the input lists (`properties.subnets`): an assumed subnet, so that the NSG still filters the
/// subnet's NICs and the route table still routes them (the NSGs' and route tables' back-references attach them).
void assume_listed_subnets(Model& m) {
  std::set<std::string_view> present, used, listed;
  for (const auto& s : m.subnets) present.insert(s.key);
  for (const auto& nic : m.nics) {
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
  for (const auto& nsg : m.nsgs) want(nsg.subnets);
  for (const auto& rt : m.route_tables) want(rt.subnets);
  for (const auto& id : wanted) {
    Subnet s;
    s.id = id;
    s.key = id;
    const auto cut = id.rfind("/subnets/");
    s.name = cut == std::string::npos ? id : id.substr(cut + 9);
    if (cut != std::string::npos) s.vnet.id = id.substr(0, cut);
    s.location = std::string(kAssumedLocation);
    m.subnets.push_back(std::move(s));
  }
}

void resolve_subnets(Resolver& rs) {
  Model& m = rs.model;
  for (std::size_t i = 0; i < m.subnets.size(); ++i) {
    auto& s = m.subnets[i];
    if (is_assumed(s)) {  // its virtual network is not in the input either (or it would list the subnet)
      if (auto v = m.find(s.vnet.id); v && v->kind == ResourceKind::kVirtualNetwork) s.vnet.index = v->index;
    } else {
      rs.resolve(s.vnet, ResourceKind::kVirtualNetwork, s.where, true, "/id");
    }
    rs.resolve(s.nsg, ResourceKind::kNetworkSecurityGroup, s.where, s.flattened, "/networkSecurityGroup/id");
    rs.resolve(s.route_table, ResourceKind::kRouteTable, s.where, s.flattened, "/routeTable/id");
    if (s.vnet.resolved()) {
      Ref r{s.key, static_cast<int>(i)};
      m.vnets[s.vnet.index].subnets.push_back(r);
    }
  }
}

/// Route tables may name their subnets instead of the other way round.
void resolve_route_table_back_references(Resolver& rs) {
  Model& m = rs.model;
  for (std::size_t i = 0; i < m.route_tables.size(); ++i) {
    auto& rt = m.route_tables[i];
    for (auto& ref : rt.subnets) {
      auto v = m.find(ref.id);
      if (!v || v->kind != ResourceKind::kSubnet) continue;
      ref.index = v->index;
      rs.attach(m.subnets[v->index].route_table, rt, i, m.subnets[v->index].where, "route table");
    }
  }
}

void resolve_peerings(Resolver& rs) {
  Model& m = rs.model;
  for (auto& vnet : m.vnets) {
    for (auto& p : vnet.peerings) {
      auto v = m.find(p.remote_vnet.id);  // the remote may live in another subscription: absence is normal
      if (v && v->kind == ResourceKind::kVirtualNetwork) p.remote_vnet.index = v->index;
    }
  }
}

}  // namespace exposim::model
