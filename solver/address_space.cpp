// Resolution of the internet, the VirtualNetwork tag (per subnet) and ASG membership to address sets.
#include "solver/address_space.h"

#include <algorithm>

#include <fmt/format.h>

namespace exposim::solver {
namespace {

IpSet prefix_set(std::string_view text) { return model::to_set(*model::IpPrefix::parse(text)); }

IpSet union_of(const std::vector<model::IpPrefix>& prefixes) {
  IpSet s;
  for (const auto& p : prefixes) s = s.unite(model::to_set(p));
  return s;
}

}  // namespace

IpSet azure_platform_address() { return prefix_set("168.63.129.16/32"); }

IpSet public_ipv4() {
  static const IpSet kSet = [] {
    IpSet s = model::all_v4();
    for (const char* p : {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                          "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
                          "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "168.63.129.16/32"}) {
      s = s.subtract(prefix_set(p));
    }
    return s;
  }();
  return kSet;
}

IpSet public_ipv6() {
  static const IpSet kSet = prefix_set("2000::/3").subtract(prefix_set("2001:db8::/32")).subtract(prefix_set("3fff::/20"));
  return kSet;
}

AddressSpace::AddressSpace(const model::Model& m, model::Diagnostics& findings) {
  IpSet estate;
  for (const auto& vnet : m.vnets) {
    estate = estate.unite(union_of(vnet.address_space));
    for (const auto& p : vnet.peerings) estate = estate.unite(union_of(p.remote_address_space));
  }
  for (const auto& s : m.subnets) estate = estate.unite(union_of(s.prefixes));
  for (const auto& h : m.virtual_hubs) {
    if (h.address_prefix) estate = estate.unite(model::to_set(*h.address_prefix));
  }
  internet_ = public_ipv4().unite(public_ipv6()).subtract(estate);
  unknown_subnet_vnet_ = azure_platform_address();

  // The VirtualNetwork tag of a VNet: its space, and the spaces of connected peers that allow access.
  std::vector<IpSet> vnet_space(m.vnets.size());
  for (std::size_t v = 0; v < m.vnets.size(); ++v) {
    const auto& vnet = m.vnets[v];
    IpSet s = union_of(vnet.address_space).unite(azure_platform_address());
    for (const auto& p : vnet.peerings) {
      if (!p.connected || !p.allow_virtual_network_access) continue;
      if (p.remote_vnet.resolved()) {
        const auto& remote = m.vnets[p.remote_vnet.index];
        bool back = false;
        for (const auto& q : remote.peerings) back = back || (q.remote_vnet.id == vnet.key && q.connected);
        if (!back) continue;
        s = s.unite(union_of(remote.address_space));
      } else {
        s = s.unite(union_of(p.remote_address_space));
      }
    }
    // A spoke of a Virtual WAN hub: the hub's prefix (its connection is a peering with the hub) and the VNets
    // connected through the hub.
    for (const auto& r : model::hub_learned_routes(m, static_cast<int>(v))) {
      if (r.hub_space || r.remote_vnet >= 0) s = s.unite(model::to_set(r.prefix));
    }
    vnet_space[v] = std::move(s);
  }

  vnet_space_ = vnet_space;
  vnet_tag_.resize(m.subnets.size());
  for (std::size_t i = 0; i < m.subnets.size(); ++i) {
    const auto& subnet = m.subnets[i];
    IpSet tag = subnet.vnet.resolved() ? vnet_space[subnet.vnet.index] : azure_platform_address();
    if (subnet.route_table.resolved()) {
      const auto& rt = m.route_tables[subnet.route_table.index];
      for (const auto& route : rt.routes) {
        if (!route.prefix) continue;
        const IpSet added = model::to_set(*route.prefix);
        if (added.intersects(internet_)) {
          findings.warning("vnet-tag-includes-internet", route.where,
                           fmt::format("route '{}' ({} -> {}) of route table '{}' puts internet addresses into the "
                                       "VirtualNetwork service tag of subnet '{}': rules allowing VirtualNetwork admit "
                                       "those internet sources",
                                       route.name, route.prefix->to_string(), model::to_string(route.next_hop),
                                       rt.name, subnet.name));
        }
        tag = tag.unite(added);
      }
    }
    vnet_tag_[i] = std::move(tag);
  }

  answerable_.assign(m.subnets.size(), internet_);
  for (std::size_t i = 0; i < m.subnets.size(); ++i) {
    const auto& subnet = m.subnets[i];
    // Routing intent of a Virtual WAN hub replaces the IPv4 system default route (model::internet_hub).
    const bool hub_default = model::internet_hub(m, subnet.vnet.index) >= 0;
    if (!subnet.route_table.resolved() && !hub_default) continue;
    std::vector<const model::Route*> routes;
    if (subnet.route_table.resolved()) {
      for (const auto& r : m.route_tables[subnet.route_table.index].routes) {
        if (r.prefix) routes.push_back(&r);
      }
    }
    std::stable_sort(routes.begin(), routes.end(),
                     [](const model::Route* a, const model::Route* b) { return a->prefix->length > b->prefix->length; });
    IpSet claimed, diverted;
    for (const model::Route* r : routes) {
      const IpSet part = model::to_set(*r->prefix).subtract(claimed);
      if (r->next_hop != model::NextHopType::kInternet) diverted = diverted.unite(part);
      claimed = claimed.unite(part);
    }
    // Unclaimed addresses follow the system default route to Internet, or the hub's 0.0.0.0/0.
    if (hub_default) diverted = diverted.unite(model::all_v4().subtract(claimed));
    answerable_[i] = internet_.subtract(diverted);
  }

  asg_members_.resize(m.asgs.size());
  for (const auto& nic : m.nics) {
    for (const auto& cfg : nic.ip_configurations) {
      if (!cfg.private_ip) continue;
      for (const auto& a : cfg.asgs) {
        if (a.resolved()) asg_members_[a.index] = asg_members_[a.index].unite(model::to_set(*cfg.private_ip));
      }
    }
  }
}

IpSet AddressSpace::internet(model::IpFamily f) const {
  return internet_.intersect(f == model::IpFamily::kV4 ? model::all_v4() : model::all_v6());
}

const IpSet& AddressSpace::virtual_network(int subnet) const {
  return subnet >= 0 ? vnet_tag_.at(static_cast<std::size_t>(subnet)) : unknown_subnet_vnet_;
}

const IpSet& AddressSpace::internet_answerable(int subnet) const {
  return subnet >= 0 ? answerable_.at(static_cast<std::size_t>(subnet)) : internet_;
}

int AddressSpace::tag_route(const model::Model& m, int subnet, const model::IpAddress& a) const {
  if (subnet < 0) return -1;
  const auto& s = m.subnets[static_cast<std::size_t>(subnet)];
  if (!s.route_table.resolved()) return -1;
  const IpSet& base = s.vnet.resolved() ? vnet_space_[s.vnet.index] : unknown_subnet_vnet_;
  if (base.contains(a.value)) return -1;
  const auto& routes = m.route_tables[s.route_table.index].routes;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    if (routes[i].prefix && routes[i].prefix->contains(a)) return static_cast<int>(i);
  }
  return -1;
}

const model::Peering* AddressSpace::tag_excluding_peering(const model::Model& m, int subnet,
                                                          const IpSet& sources) const {
  if (subnet < 0 || !m.subnets[static_cast<std::size_t>(subnet)].vnet.resolved()) return nullptr;
  const int v = m.subnets[static_cast<std::size_t>(subnet)].vnet.index;
  const IpSet outside = sources.subtract(vnet_tag_.at(static_cast<std::size_t>(subnet)));
  if (outside.empty()) return nullptr;
  for (const auto& p : m.vnets[v].peerings) {
    if (!p.connected || p.allow_virtual_network_access) continue;
    if (p.remote_vnet.resolved()) {
      const auto& remote = m.vnets[p.remote_vnet.index];
      bool back = false;
      for (const auto& q : remote.peerings) back = back || (q.remote_vnet.index == v && q.connected);
      if (back && union_of(remote.address_space).intersects(outside)) return &p;
    } else if (union_of(p.remote_address_space).intersects(outside)) {
      return &p;
    }
  }
  return nullptr;
}

const IpSet& AddressSpace::asg_members(int asg) const { return asg_members_.at(static_cast<std::size_t>(asg)); }

}  // namespace exposim::solver
