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

/// Whether NSG `nsg`'s inbound rules match every address of a subnet alike (destination `*`, VirtualNetwork, an
/// unresolved tag): the default rules' kind, and most NSGs' besides. The NSGs of an ip configuration that are all
/// such decide every ip configuration of the subnet with the same NSGs alike.
bool vnet_tag_address_blind(const model::NetworkSecurityGroup& nsg, const AddressSpace& space) {
  for (const auto& r : nsg.rules) {
    const auto& d = r.destination;
    if (r.direction != model::Direction::kInbound || d.any) continue;
    const bool blind = d.prefixes.empty() && d.asgs.empty() &&
                       std::all_of(d.tags.begin(), d.tags.end(),
                                   [](model::ServiceTag t) { return t == model::ServiceTag::kVirtualNetwork; }) &&
                       std::none_of(d.other_tags.begin(), d.other_tags.end(),
                                    [&](const std::string& t) { return space.service_tag(t) != nullptr; });
    if (!blind) return false;
  }
  return true;
}

/// The index of the NSG a stage holds when it is in the input, else -1 (no NSG, or one that admits everything).
int vnet_tag_present_nsg(const NsgStage& stage) {
  return stage.slot.state == NsgSlot::State::kPresent ? stage.slot.index : -1;
}

/// The warning of route `route` of route table `rt`, when `subnets` (quoted names) have rules in `rules`.
void vnet_tag_warning(const model::Model& m, const model::RouteTable& rt, const model::Route& route,
                      const std::vector<std::string>& subnets, const std::set<RelyingRule>& rules,
                      model::Diagnostics& findings) {
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
  findings.warning(
      "vnet-tag-includes-internet", route.where,
      fmt::format("route '{}' ({} -> {}) of route table '{}' puts internet addresses into the "
                  "VirtualNetwork service tag of {} {}: {} {} {} those internet sources only "
                  "through the tag",
                  route.name, route.prefix->to_string(), model::to_string(route.next_hop), rt.name,
                  subnets.size() == 1 ? "subnet" : "subnets", list(subnets), named.size() == 1 ? "rule" : "rules",
                  list(named), named.size() == 1 ? "admits" : "admit"));
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

  warn_vnet_tag(m, nullptr, nullptr);
  for (const auto& table : table_findings_) findings.append(table);
}

void AddressSpace::rewarn(const model::Model& m, const std::vector<int>& subnets, const std::vector<int>& nics) {
  warn_vnet_tag(m, &subnets, &nics);
}

model::Diagnostics AddressSpace::findings() const {
  model::Diagnostics out;
  for (const auto& table : table_findings_) out.append(table);
  return out;
}

/// One warning per user-defined route that puts internet addresses into the VirtualNetwork tag of subnets where that
/// matters: the route can answer internet clients (internet_clients_answered), and an NSG rule on the way to something
/// in the subnet admits some of those addresses only through the tag (the default AllowVnetInBound included, unless an
/// earlier rule decides them). The warning lists the subnets and rules. Each ip configuration of a subnet with a route
/// table is evaluated (relying_rules) and what it found kept (config_reliance_) and counted per subnet (rule_counts_),
/// so that a change evaluates again only the ip configurations it reaches; a subnet without ip configurations in the
/// input is evaluated through its NSG alone, for any address of the subnet.
void AddressSpace::warn_vnet_tag(const model::Model& m, const std::vector<int>* subnets, const std::vector<int>* nics) {
  // The routes that can warn, and the subnets each route table's warnings look at.
  std::vector<TagRoute> tag_routes;
  std::vector<std::vector<int>> table_tag_routes(m.route_tables.size());
  for (std::size_t t = 0; t < m.route_tables.size(); ++t) {
    const auto& routes = m.route_tables[t].routes;
    for (std::size_t i = 0; i < routes.size(); ++i) {
      if (!routes[i].prefix) continue;
      IpSet added = model::to_set(*routes[i].prefix).intersect(internet());
      if (added.empty() || !internet_clients_answered(m, routes[i])) continue;
      table_tag_routes[t].push_back(static_cast<int>(tag_routes.size()));
      tag_routes.push_back(TagRoute{static_cast<int>(t), static_cast<int>(i), std::move(added)});
    }
  }
  std::vector<int> subnet_table(m.subnets.size(), -1);
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    const auto& subnet = m.subnets[s];
    if (subnet.route_table.resolved() && !nsg_free_subnet(subnet)) subnet_table[s] = subnet.route_table.index;
  }
  const auto same_routes = [&] {
    if (tag_routes.size() != tag_routes_.size()) return false;
    for (std::size_t r = 0; r < tag_routes.size(); ++r) {
      const auto& x = tag_routes[r];
      const auto& y = tag_routes_[r];
      if (x.table != y.table || x.route != y.route || !(x.added == y.added)) return false;
    }
    return true;
  };
  // Subnets added since (at the end) take no part yet; a subnet that changed route table starts over.
  bool all = subnets == nullptr || nics == nullptr || !same_routes() ||
             !std::equal(subnet_table_.begin(), subnet_table_.end(), subnet_table.begin(),
                         subnet_table.begin() +
                             static_cast<std::ptrdiff_t>(std::min(subnet_table_.size(), subnet_table.size())));
  if (all) {
    tag_routes_ = std::move(tag_routes);
    table_tag_routes_ = std::move(table_tag_routes);
    config_reliance_.clear();
    subnet_configs_.clear();
    subnet_nics_.clear();
    rule_counts_.clear();
    subnet_alone_.clear();
  }
  subnet_table_ = std::move(subnet_table);
  if (tag_routes_.empty()) {  // no route can warn: nothing to evaluate or keep (a route that can starts over)
    config_reliance_.clear();
    subnet_configs_.clear();
    subnet_nics_.clear();
    rule_counts_.clear();
    subnet_alone_.clear();
    table_findings_.assign(m.route_tables.size(), model::Diagnostics{});
    return;
  }
  const std::size_t nsub = m.subnets.size();
  subnet_configs_.resize(nsub, 0);
  subnet_nics_.resize(nsub);
  rule_counts_.resize(nsub);
  subnet_alone_.resize(nsub);
  for (std::size_t s = 0; s < nsub; ++s) {
    const int t = subnet_table_[s];
    const std::size_t routes = t < 0 ? 0 : table_tag_routes_[t].size();
    if (rule_counts_[s].size() != routes) rule_counts_[s].assign(routes, {});
  }
  config_reliance_.resize(std::max(config_reliance_.size(), m.nics.size()));
  table_findings_.resize(m.route_tables.size());

  // What is evaluated again: the flagged NICs' ip configurations, and every ip configuration counted in a flagged
  // subnet. The route tables whose warnings are written again: those of the subnets that are touched.
  // Lists, not passes over every NIC: what the change reaches costs what it reaches.
  std::vector<char> touched(nsub, all ? 1 : 0);
  std::vector<std::size_t> redo;  // the NICs evaluated again, in order
  if (all) {
    redo.resize(config_reliance_.size());
    for (std::size_t n = 0; n < redo.size(); ++n) redo[n] = n;
  } else {
    for (const int n : *nics) {
      if (n >= 0 && static_cast<std::size_t>(n) < config_reliance_.size()) redo.push_back(static_cast<std::size_t>(n));
    }
    // NICs kept from a model with more of them than `m` (past its end): forgotten.
    for (std::size_t n = m.nics.size(); n < config_reliance_.size(); ++n) redo.push_back(n);
    for (const int s : *subnets) {
      if (s < 0 || static_cast<std::size_t>(s) >= nsub) continue;
      touched[s] = 1;
      // The ip configurations counted in a flagged subnet (subnet_nics_: not a pass over the kept ones).
      if (subnet_table_[s] >= 0) redo.insert(redo.end(), subnet_nics_[s].begin(), subnet_nics_[s].end());
    }
    std::sort(redo.begin(), redo.end());
    redo.erase(std::unique(redo.begin(), redo.end()), redo.end());
  }
  // Forget what they found before.
  std::vector<int> recounted;  // the subnets whose counted NICs lose some of the redone ones
  for (const std::size_t n : redo) {
    for (const auto& c : config_reliance_[n]) {
      if (c.subnet < 0) continue;
      if (recounted.empty() || recounted.back() != c.subnet) recounted.push_back(c.subnet);
      touched[c.subnet] = 1;
      --subnet_configs_[c.subnet];
      for (std::size_t j = 0; j < c.rules.size(); ++j) {
        auto& counts = rule_counts_[c.subnet][j];
        for (const auto& r : c.rules[j]) {
          if (--counts[r] == 0) counts.erase(r);
        }
      }
    }
    config_reliance_[n].clear();
  }
  std::sort(recounted.begin(), recounted.end());
  recounted.erase(std::unique(recounted.begin(), recounted.end()), recounted.end());
  for (const int s : recounted) {
    std::erase_if(subnet_nics_[s],
                  [&](int n) { return std::binary_search(redo.begin(), redo.end(), static_cast<std::size_t>(n)); });
  }
  // Evaluate them. Ip configurations whose NSGs do not look at the destination address share one evaluation per
  // (subnet, NIC NSG): large estates repeat them.
  std::vector<signed char> blind(m.nsgs.size(), -1);  // per NSG, when asked: vnet_tag_address_blind
  const auto address_blind = [&](int nsg) {
    if (nsg < 0) return true;
    if (blind[nsg] < 0) blind[nsg] = vnet_tag_address_blind(m.nsgs[nsg], *this) ? 1 : 0;
    return blind[nsg] != 0;
  };
  std::map<std::pair<int, int>, std::vector<std::vector<std::pair<int, int>>>> shared;
  for (const std::size_t n : redo) {
    if (n >= m.nics.size()) continue;
    const auto& cfgs = m.nics[n].ip_configurations;
    auto& kept = config_reliance_[n];
    kept.resize(cfgs.size());
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      const int s = cfgs[c].subnet.resolved() ? cfgs[c].subnet.index : -1;
      if (s < 0 || subnet_table_[s] < 0) continue;
      const auto& routes = table_tag_routes_[subnet_table_[s]];
      const model::IpConfigIndex x{static_cast<int>(n), static_cast<int>(c)};
      const auto stages = inbound_nsg_stages(m, x);
      const int subnet_nsg = vnet_tag_present_nsg(stages[0]);
      const int nic_nsg = vnet_tag_present_nsg(stages[1]);
      const bool same_for_all = address_blind(subnet_nsg) && address_blind(nic_nsg);
      auto& found = kept[c];
      found.subnet = s;
      if (const auto it = shared.find({s, nic_nsg}); same_for_all && it != shared.end()) {
        found.rules = it->second;
      } else {
        found.rules.resize(routes.size());
        for (std::size_t j = 0; j < routes.size(); ++j) {
          std::set<RelyingRule> rules;
          relying_rules(m, *this, tag_routes_[routes[j]].added, stages,
                        Destination{cfgs[c].private_ip, s, &cfgs[c].asgs}, rules);
          for (const auto& r : rules) found.rules[j].emplace_back(r.nsg, r.rule);
        }
        if (same_for_all) shared.emplace(std::make_pair(s, nic_nsg), found.rules);
      }
      touched[s] = 1;
      ++subnet_configs_[s];
      if (subnet_nics_[s].empty() || subnet_nics_[s].back() != static_cast<int>(n)) {
        subnet_nics_[s].push_back(static_cast<int>(n));
      }
      for (std::size_t j = 0; j < found.rules.size(); ++j) {
        for (const auto& r : found.rules[j]) ++rule_counts_[s][j][r];
      }
    }
  }
  // The touched subnets without ip configurations: their NSG alone, for any address of the subnet.
  std::vector<char> tables(m.route_tables.size(), all ? 1 : 0);
  for (std::size_t s = 0; s < nsub; ++s) {
    if (touched[s] == 0 || subnet_table_[s] < 0) continue;
    tables[subnet_table_[s]] = 1;
    subnet_alone_[s].clear();
    if (subnet_configs_[s] != 0) continue;
    const auto stages = inbound_nsg_stages(m, static_cast<int>(s));
    if (vnet_tag_present_nsg(stages[0]) < 0) continue;
    const auto& routes = table_tag_routes_[subnet_table_[s]];
    subnet_alone_[s].resize(routes.size());
    for (std::size_t j = 0; j < routes.size(); ++j) {
      std::set<RelyingRule> rules;
      relying_rules(m, *this, tag_routes_[routes[j]].added, stages,
                    Destination{std::nullopt, static_cast<int>(s), nullptr}, rules);
      for (const auto& r : rules) subnet_alone_[s][j].emplace_back(r.nsg, r.rule);
    }
  }
  // The warnings of the touched route tables, route by route, their subnets in model order.
  for (std::size_t t = 0; t < m.route_tables.size(); ++t) {
    if (tables[t] == 0) continue;
    table_findings_[t] = model::Diagnostics{};
    const auto& rt = m.route_tables[t];
    for (std::size_t j = 0; j < table_tag_routes_[t].size(); ++j) {
      std::vector<std::string> names;
      std::set<RelyingRule> rules;
      for (std::size_t s = 0; s < nsub; ++s) {
        if (subnet_table_[s] != static_cast<int>(t)) continue;
        bool found = false;
        if (subnet_configs_[s] != 0) {
          for (const auto& [r, count] : rule_counts_[s][j]) {
            rules.insert(RelyingRule{r.first, r.second});
            found = true;
          }
        } else if (j < subnet_alone_[s].size()) {
          for (const auto& r : subnet_alone_[s][j]) {
            rules.insert(RelyingRule{r.first, r.second});
            found = true;
          }
        }
        if (found) names.push_back("'" + m.subnets[s].name + "'");
      }
      if (names.empty()) continue;
      const auto& route = rt.routes[tag_routes_[table_tag_routes_[t][j]].route];
      vnet_tag_warning(m, rt, route, names, rules, table_findings_[t]);
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
