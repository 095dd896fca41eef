// Resolution of the internet, the VirtualNetwork tag (per subnet) and ASG membership to address sets.
#include "solver/address_space.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "model/ascii.h"
#include "model/service_tags.h"
#include "solver/network.h"
#include "solver/nsg.h"

namespace exposim::solver {
namespace {

IpSet prefix_set(std::string_view text) { return model::to_set(*model::IpPrefix::parse(text)); }

using model::ascii::iequals;

/// Subnets where NSGs do not filter what the VirtualNetwork tag could admit: Azure Firewall's subnets (NSGs
/// are disabled there) and the gateway subnet (NSGs are not supported there).
bool nsg_free_subnet(const model::Subnet& s) {
  return iequals(s.name, "AzureFirewallSubnet") || iequals(s.name, "AzureFirewallManagementSubnet") ||
         iequals(s.name, "GatewaySubnet");
}

/// True when `ip` is an Azure Firewall's: a firewall's private address, or any address of an
/// AzureFirewallSubnet.
bool azure_firewall_address(const model::Model& m, const model::IpAddress& ip) {
  for (const auto& fw : m.firewalls) {
    if (fw.hub_private_ip && *fw.hub_private_ip == ip) return true;
    for (const auto& c : fw.ip_configurations) {
      if (c.private_ip && *c.private_ip == ip) return true;
    }
  }
  for (const auto& s : m.subnets) {
    if (!iequals(s.name, "AzureFirewallSubnet")) continue;
    for (const auto& p : s.prefixes) {
      if (p.contains(ip)) return true;
    }
  }
  return false;
}

/// Whether internet sources in a route's prefix can reach a subnet that the route serves with their own
/// address and be answered (docs/model.md, "Service tags"). The reply to such a source follows this route:
/// next hop Internet answers clients of a public IP or public load balancer; a gateway or an appliance that is
/// not an Azure Firewall may forward internet clients without translating them (exposim does not know what
/// they forward). An Azure Firewall translates DNAT traffic to its own subnet's addresses and forwards no
/// other unsolicited internet traffic; None and VnetLocal drop the reply.
bool internet_clients_answered(const model::Model& m, const model::Route& r) {
  switch (r.next_hop) {
    case model::NextHopType::kInternet:
    case model::NextHopType::kVirtualNetworkGateway: return true;
    case model::NextHopType::kVirtualAppliance: return !r.next_hop_ip || !azure_firewall_address(m, *r.next_hop_ip);
    case model::NextHopType::kVnetLocal:
    case model::NextHopType::kNone:
    case model::NextHopType::kVnetPeering: return false;
  }
  return true;
}

/// A rule that admitted internet sources only because the VirtualNetwork tag holds them.
struct RelyingRule {
  int nsg;
  int rule;
  friend auto operator<=>(const RelyingRule&, const RelyingRule&) = default;
};

/// The packets of `decided` (decided by rule `r`, an allow) whose source the rule admits only through the
/// VirtualNetwork tag: `added` less what its other parts (prefixes, other tags, ASGs) admit.
PacketSet through_tag(const model::SecurityRule& r, const PacketSet& decided, const IpSet& added, int subnet,
                      const AddressSpace& space) {
  if (r.access != model::Access::kAllow || r.source.any) return {};
  const auto& tags = r.source.tags;
  if (std::find(tags.begin(), tags.end(), model::ServiceTag::kVirtualNetwork) == tags.end()) return {};
  model::AddressMatch others = r.source;
  std::erase(others.tags, model::ServiceTag::kVirtualNetwork);
  const IpSet only = added.subtract(resolve_addresses(others, r.access, subnet, space));
  if (only.empty()) return {};
  return decided.intersect(
      PacketSet(Cube{only, IpSet::all(), model::kAllProtocols, model::PortSet::all(), model::PortSet::all()}));
}

/// The rules of the NSGs on the way to `dst` (`stages`, from inbound_nsg_stages: subnet NSG, then NIC NSG) that
/// admit some of `added` (internet sources in the subnet's VirtualNetwork tag) only through the tag, and whose
/// admitted packets also pass the other NSG. Into `out`.
void relying_rules(const model::Model& m, const AddressSpace& space, const IpSet& added,
                   const std::array<NsgStage, 2>& stages, const Destination& dst, std::set<RelyingRule>& out) {
  const PacketSet arriving(
      Cube{added, IpSet::all(), model::kAllProtocols, model::PortSet::all(), model::PortSet::all()});
  struct Candidate {
    RelyingRule rule;
    PacketSet packets;
  };
  std::vector<Candidate> candidates;
  PacketSet passed = arriving;
  for (const auto& stage : stages) {
    PacketSet allowed;
    for (auto& d : decide_inbound(m, stage.slot, passed, dst, space, nullptr, PastBudget::kAdmitAll)) {
      if (d.access != model::Access::kAllow) continue;
      if (d.rule >= 0) {  // a rule of a present NSG (no NSG, or one not in the input, admits all with no rule)
        const int n = stage.slot.index;
        PacketSet relied = through_tag(m.nsgs[n].rules[d.rule], d.packets, added, dst.subnet, space);
        if (!relied.empty()) candidates.push_back({{n, d.rule}, std::move(relied)});
      }
      allowed = allowed.unite(d.packets);
    }
    passed = std::move(allowed);
  }
  for (const auto& c : candidates) {
    if (c.packets.intersects(passed)) out.insert(c.rule);
  }
}

/// One warning per user-defined route that puts internet addresses into the VirtualNetwork tag of subnets
/// where that matters: the route can answer internet clients (internet_clients_answered), and an NSG rule on
/// the way to something in the subnet admits some of those addresses only through the tag (the default
/// AllowVnetInBound included, unless an earlier rule decides them). The warning lists the subnets and rules.
/// Each route table's warnings go to `findings[t]`, what each of its routes found in each of its subnets to
/// `reliance[t]` (route by route, subnet by subnet in model order). With `again` (indexed like Model::subnets), only
/// the flagged subnets are evaluated, the others' findings taken from `reliance`, and only the tables of flagged
/// subnets written; without, everything.
void warn_internet_in_vnet_tag(const model::Model& m, const AddressSpace& space, const std::vector<char>* again,
                               std::vector<std::vector<std::vector<AddressSpace::VnetTagReliance>>>& reliance,
                               std::vector<model::Diagnostics>& findings) {
  findings.resize(m.route_tables.size());
  reliance.resize(m.route_tables.size());
  const auto flagged = [again](std::size_t s) { return again == nullptr || (s < again->size() && (*again)[s] != 0); };
  std::vector<std::vector<int>> subnets_of(m.route_tables.size());
  std::vector<char> routed(m.subnets.size(), 0);  // evaluated now
  std::vector<char> tables(m.route_tables.size(), again == nullptr ? 1 : 0);
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    const auto& subnet = m.subnets[s];
    if (subnet.route_table.resolved() && !nsg_free_subnet(subnet)) {
      subnets_of[subnet.route_table.index].push_back(static_cast<int>(s));
      if (flagged(s)) {
        routed[s] = 1;
        tables[subnet.route_table.index] = 1;
      }
    }
  }
  for (std::size_t t = 0; t < tables.size(); ++t) {
    if (tables[t] == 0) subnets_of[t].clear();  // its warnings stay as they are
  }
  // The ip configurations of each subnet.
  std::map<int, std::vector<model::IpConfigIndex>> configs;
  bool any_route = false;
  for (const auto& list : subnets_of) any_route = any_route || !list.empty();
  if (!any_route) return;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (cfgs[c].subnet.resolved() && routed[cfgs[c].subnet.index] != 0) {
        configs[cfgs[c].subnet.index].push_back(model::IpConfigIndex{static_cast<int>(n), static_cast<int>(c)});
      }
    }
  }
  // The index of the NSG a stage holds when it is in the input, else -1 (no NSG, or one that admits everything).
  auto present = [](const NsgStage& stage) {
    return stage.slot.state == NsgSlot::State::kPresent ? stage.slot.index : -1;
  };
  // NSGs whose inbound rules match every address of a subnet alike (destination `*`, VirtualNetwork, an
  // unresolved tag): the default rules' kind, and most NSGs' besides.
  std::vector<bool> address_blind(m.nsgs.size(), true);
  for (std::size_t n = 0; n < m.nsgs.size(); ++n) {
    for (const auto& r : m.nsgs[n].rules) {
      const auto& d = r.destination;
      if (r.direction != model::Direction::kInbound || d.any) continue;
      const bool blind = d.prefixes.empty() && d.asgs.empty() &&
                         std::all_of(d.tags.begin(), d.tags.end(),
                                     [](model::ServiceTag t) { return t == model::ServiceTag::kVirtualNetwork; }) &&
                         std::none_of(d.other_tags.begin(), d.other_tags.end(),
                                      [&](const std::string& t) { return space.service_tag(t) != nullptr; });
      if (!blind) address_blind[n] = false;
    }
  }
  for (std::size_t t = 0; t < m.route_tables.size(); ++t) {
    if (subnets_of[t].empty()) continue;
    findings[t] = model::Diagnostics{};
    const auto& rt = m.route_tables[t];
    auto& kept = reliance[t];
    kept.resize(rt.routes.size());
    for (std::size_t i = 0; i < rt.routes.size(); ++i) {
      const auto& route = rt.routes[i];
      if (!route.prefix) continue;
      const IpSet added = model::to_set(*route.prefix).intersect(space.internet());
      if (added.empty() || !internet_clients_answered(m, route)) continue;
      std::vector<std::string> subnets;
      std::set<RelyingRule> rules;
      kept[i].resize(subnets_of[t].size());
      for (std::size_t k = 0; k < subnets_of[t].size(); ++k) {
        const int s = subnets_of[t][k];
        const auto& subnet = m.subnets[s];
        std::set<RelyingRule> found;
        const auto it = configs.find(s);
        if (routed[s] == 0) {  // not evaluated again: what it found before
          for (const auto& [nsg, rule] : kept[i][k].rules) found.insert(RelyingRule{nsg, rule});
        } else if (it == configs.end()) {
          // Nothing addressable in the input (an entry point's subnet, or NICs not exported): the subnet NSG
          // as it applies to any address of the subnet.
          const auto stages = inbound_nsg_stages(m, s);
          if (present(stages[0]) >= 0)
            relying_rules(m, space, added, stages, Destination{std::nullopt, s, nullptr}, found);
        } else {
          // NSGs whose inbound rules do not look at the destination address decide every ip configuration of
          // the subnet alike: one evaluation per (subnet NSG, NIC NSG) pair then (large estates repeat them).
          std::set<int> done;
          for (const auto& x : it->second) {
            const auto stages = inbound_nsg_stages(m, x);
            const int subnet_nsg = present(stages[0]);
            const int nic_nsg = present(stages[1]);
            const bool same_for_all = subnet_nsg < 0 || address_blind[subnet_nsg];
            if (same_for_all && (nic_nsg < 0 || address_blind[nic_nsg]) && !done.insert(nic_nsg).second) continue;
            const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
            relying_rules(m, space, added, stages, Destination{cfg.private_ip, s, &cfg.asgs}, found);
          }
        }
        if (routed[s] != 0) {
          kept[i][k].rules.clear();
          for (const auto& r : found) kept[i][k].rules.emplace_back(r.nsg, r.rule);
        }
        if (found.empty()) continue;
        subnets.push_back("'" + subnet.name + "'");
        rules.insert(found.begin(), found.end());
      }
      if (subnets.empty()) continue;
      constexpr std::size_t kListed = 5;
      auto list = [&](const std::vector<std::string>& items) {
        std::string out;
        for (std::size_t i = 0; i < items.size() && i < kListed; ++i) out += (i == 0 ? "" : ", ") + items[i];
        if (items.size() > kListed) out += fmt::format(" and {} more", items.size() - kListed);
        return out;
      };
      std::vector<std::string> named;
      for (const auto& r : rules) {
        named.push_back(fmt::format("'{}' of '{}'", m.nsgs[r.nsg].rules[r.rule].name, m.nsgs[r.nsg].name));
      }
      findings[t].warning(
          "vnet-tag-includes-internet", route.where,
          fmt::format("route '{}' ({} -> {}) of route table '{}' puts internet addresses into the "
                      "VirtualNetwork service tag of {} {}: {} {} {} those internet sources only "
                      "through the tag",
                      route.name, route.prefix->to_string(), model::to_string(route.next_hop), rt.name,
                      subnets.size() == 1 ? "subnet" : "subnets", list(subnets), named.size() == 1 ? "rule" : "rules",
                      list(named), named.size() == 1 ? "admits" : "admit"));
    }
  }
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
  static const IpSet kSet =
      prefix_set("2000::/3").subtract(prefix_set("2001:db8::/32")).subtract(prefix_set("3fff::/20"));
  return kSet;
}

AddressSpace::AddressSpace(const model::Model& m, model::Diagnostics& findings) : service_tags_(m.service_tags) {
  IpSet estate;
  for (const auto& vnet : m.vnets) {
    estate = estate.unite(model::to_set(vnet.address_space));
    for (const auto& p : vnet.peerings) estate = estate.unite(model::to_set(p.remote_address_space));
  }
  for (const auto& s : m.subnets) estate = estate.unite(model::to_set(s.prefixes));
  for (const auto& h : m.virtual_hubs) {
    if (h.address_prefix) estate = estate.unite(model::to_set(*h.address_prefix));
  }
  internet_ = public_ipv4().unite(public_ipv6()).subtract(estate);
  unknown_subnet_vnet_ = azure_platform_address();

  // The VirtualNetwork tag of a VNet: its space, and the spaces of connected peers that allow access.
  std::vector<IpSet> vnet_space(m.vnets.size());
  for (std::size_t v = 0; v < m.vnets.size(); ++v) {
    const auto& vnet = m.vnets[v];
    IpSet s = model::to_set(vnet.address_space).unite(azure_platform_address());
    for (const auto& p : vnet.peerings) {
      if (!p.connected || !p.allow_virtual_network_access) continue;
      if (p.remote_vnet.resolved()) {
        const auto& remote = m.vnets[p.remote_vnet.index];
        bool back = false;
        for (const auto& q : remote.peerings) back = back || (q.remote_vnet.id == vnet.key && q.connected);
        if (!back) continue;
        s = s.unite(model::to_set(remote.address_space));
      } else {
        s = s.unite(model::to_set(p.remote_address_space));
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
    if (subnet.route_table.set() && !subnet.route_table.resolved()) {
      // A route table not in the input (or only known at deployment): its routes may put any prefix into the
      // tag, so the tag is every address, the worst case (docs/model.md, "Unknown values").
      tag = model::all_v4().unite(model::all_v6());
    } else if (subnet.route_table.resolved()) {
      const auto& rt = m.route_tables[subnet.route_table.index];
      for (const auto& route : rt.routes) {
        if (!route.prefix) continue;
        tag = tag.unite(model::to_set(*route.prefix));
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
    std::stable_sort(routes.begin(), routes.end(), [](const model::Route* a, const model::Route* b) {
      return a->prefix->length > b->prefix->length;
    });
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

  warn_internet_in_vnet_tag(m, *this, nullptr, reliance_, table_findings_);
  for (const auto& table : table_findings_) findings.append(table);
}

model::Diagnostics AddressSpace::rewarn(const model::Model& m, const std::vector<char>& subnets) {
  warn_internet_in_vnet_tag(m, *this, &subnets, reliance_, table_findings_);
  model::Diagnostics out;
  for (const auto& table : table_findings_) out.append(table);
  return out;
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
      if (back && model::to_set(remote.address_space).intersects(outside)) return &p;
    } else if (model::to_set(p.remote_address_space).intersects(outside)) {
      return &p;
    }
  }
  return nullptr;
}

const IpSet* AddressSpace::service_tag(std::string_view name) const {
  return model::service_tag_addresses(service_tags_.get(), name);
}

const IpSet& AddressSpace::asg_members(int asg) const { return asg_members_.at(static_cast<std::size_t>(asg)); }

std::optional<std::pair<IpSet, RouteChoice>> reply_diversion(const model::Model& m, const AddressSpace& space,
                                                             int subnet, model::IpFamily family) {
  if (subnet < 0) return std::nullopt;
  IpSet diverted = space.internet(family).subtract(space.internet_answerable(subnet));
  if (diverted.empty()) return std::nullopt;
  RouteChoice r = reply_route(m, subnet, model::IpAddress{diverted.intervals().front().lo});
  return std::make_pair(std::move(diverted), std::move(r));
}

}  // namespace exposim::solver
