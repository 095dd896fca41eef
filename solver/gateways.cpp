// Bastion and application gateway entries. Their own subnet's NSG filters clients; which instance address
// a client reaches is not known, so an NSG rule's destination is matched against the whole subnet: an allow
// rule applies when its destination meets the subnet (or a frontend address), a deny rule only when it covers
// the subnet. Neither choice hides an exposure.
#include "solver/gateways.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "model/ascii.h"
#include "solver/firewall.h"
#include "solver/nsg_eval.h"
#include "solver/paas.h"
#include "solver/routing.h"

namespace exposim::solver {
namespace {

using model::Protocol;
using RK = model::ResourceKind;
using K = Hop::Kind;

IpSet union_of(const std::vector<model::IpPrefix>& prefixes) {
  IpSet s;
  for (const auto& p : prefixes) s = s.unite(model::to_set(p));
  return s;
}

PortSet single(std::uint16_t port) {
  PortSet s;
  s.add(port, port);
  return s;
}

/// The NSG as it applies to an entry point somewhere in `subnet_space` (see the file comment): rules keep
/// their positions; a rule that does not apply gets a source matching nothing.
model::NetworkSecurityGroup entry_view(const model::NetworkSecurityGroup& nsg, const IpSet& subnet_space,
                                       const IpSet& frontends) {
  model::NetworkSecurityGroup view = nsg;
  for (auto& r : view.rules) {
    if (r.direction != model::Direction::kInbound) continue;
    const auto& d = r.destination;
    const bool allow = r.access == model::Access::kAllow;
    bool applies = d.any || (allow && !d.other_tags.empty());
    for (auto t : d.tags) applies = applies || t == model::ServiceTag::kVirtualNetwork;
    const IpSet listed = union_of(d.prefixes);
    if (!applies && !listed.empty()) {
      applies = allow ? listed.intersects(subnet_space) || listed.intersects(frontends)
                      : !subnet_space.empty() && listed.contains(subnet_space);
    }
    if (applies) {
      r.destination = model::AddressMatch{};
      r.destination.any = true;
    } else {
      r.source = model::AddressMatch{};  // matches nothing
    }
  }
  return view;
}

/// The internet sources an entry point's subnet NSG admits on TCP `ports`, by deciding rule (-1: no NSG,
/// or an NSG referenced but absent from the input, assumed to admit everything).
struct Admitted {
  int rule{-1};
  IpSet sources;
};

std::vector<Admitted> admitted(const model::Model& m, const AddressSpace& space, const NsgSlot& slot, int subnet,
                               const IpSet& frontends, const IpSet& sources, const PortSet& ports) {
  if (sources.empty()) return {};
  if (slot.state != NsgSlot::State::kPresent) return {Admitted{-1, sources}};
  const PacketSet arriving(Cube{sources, IpSet::all(), model::bit(Protocol::kTcp), PortSet::all(), ports});
  std::vector<Admitted> out;
  for (auto& d : entry_nsg_decisions(m, space, slot, subnet, frontends, arriving)) {
    if (d.access != model::Access::kAllow) continue;
    IpSet s;
    for (const auto& f : split_by_ports(d.packets, Protocol::kTcp)) s = s.unite(f.sources);
    if (!s.empty()) out.push_back(Admitted{d.rule, std::move(s)});
  }
  return out;
}

Hop nsg_hop(const NsgSlot& slot, int rule, const char* scope, int subnet) {
  switch (slot.state) {
    case NsgSlot::State::kPresent: return Hop{K::kNsg, RK::kNetworkSecurityGroup, slot.index, scope, rule, ""};
    case NsgSlot::State::kMissing:
      return Hop{K::kNsg, RK::kNetworkSecurityGroup, -1, scope, -1, "not in the input: assumed to admit everything"};
    case NsgSlot::State::kNone: break;
  }
  return Hop{K::kNoNsg, RK::kSubnet, subnet, scope, -1, ""};
}

int vnet_of(const model::Model& m, const model::Ref& subnet) {
  return subnet.resolved() ? m.subnets[subnet.index].vnet.index : -1;
}

Exposure own_exposure(RK kind, int index, int public_ip, const PortSet& ports, const Admitted& a, const IpSet& internet,
                      std::vector<Hop> path) {
  Exposure e;
  e.target_kind = kind;
  e.target = index;
  e.public_ip = public_ip;
  e.via = Via::kPublicIp;
  e.gateway = index;
  e.protocol = Protocol::kTcp;
  e.ports = ports;
  e.entry_ports = ports;
  e.source_ports = PortSet::all();
  e.sources = a.sources;
  e.any_source = a.sources == internet;
  e.path = std::move(path);
  return e;
}

/// The route hop of a broken flow's path: the route that breaks it, scope "forward" (the request's) or "return"
/// (the reply's).
Hop route_hop(const RouteChoice& r, const char* scope) {
  return Hop{K::kRoute, RK::kRouteTable,       r.user ? r.route_table : -1,
             scope,     r.user ? r.route : -1, r.user ? "" : r.system};
}

/// How a forwarded flow's request and reply are routed.
struct Leg {
  std::string broken;                         // why the flow cannot work (empty: it can)
  std::optional<Hop> route;                   // the route that breaks it
  std::optional<RouteChoice> choice;          // ... as chosen (explain shows it)
  std::optional<model::IpAddress> appliance;  // both ways through the appliance (or firewall) at this address
};

/// A route that delivers without crossing an appliance: the VNet's, a peering's, or a Virtual WAN hub's route to
/// another spoke without routing intent for private traffic (the hub's router forwards both ways).
bool direct(const RouteChoice& r) {
  if (r.next_hop == model::NextHopType::kVnetLocal || r.next_hop == model::NextHopType::kVnetPeering) return true;
  return r.next_hop == model::NextHopType::kVirtualNetworkGateway && r.hub >= 0 && !r.next_hop_ip &&
         r.prefix.length > 0;
}

/// A route to an appliance at a known address: a user route to VirtualAppliance, or a hub's route to its firewall.
bool to_appliance(const RouteChoice& r) {
  return r.next_hop_ip && (r.next_hop == model::NextHopType::kVirtualAppliance ||
                           (r.next_hop == model::NextHopType::kVirtualNetworkGateway && r.hub >= 0));
}

/// Why a flow that entry point `what` (in VNet `from_vnet`, its subnet represented by `from_address`) opens to
/// ip configuration `x` (addressed as `to`, its own private IP unless an internal load balancer's frontend)
/// cannot work, empty when it can: the VNets are not connected, or the request and the reply do not take the
/// same way (asymmetric routing), with the route that breaks it. When both directions cross the same appliance
/// the flow works and `appliance` is its address. `forward_routes` false ignores the entry subnet's routes
/// (Azure does not support user-defined routes on the AzureBastionSubnet).
Leg path_breaks(const model::Model& m, const std::string& what, int from_vnet,
                const std::optional<model::IpAddress>& from_address, const model::IpConfigIndex& x,
                const std::optional<model::IpAddress>& to, bool forward_routes) {
  Leg leg;
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  const int vnet = vnet_of(m, cfg.subnet);
  if (from_vnet >= 0 && vnet >= 0) {
    std::string why = peering_blocks(m, from_vnet, vnet);
    if (!why.empty() && model::hub_between(m, from_vnet, vnet) < 0) {
      leg.broken = fmt::format("{} cannot reach {}: {}", what, m.nics[x.nic].name, why);
      return leg;
    }
  }
  if (!from_address || !cfg.subnet.resolved()) return leg;
  std::optional<RouteChoice> forward;
  const std::optional<model::IpAddress> destination = to ? to : cfg.private_ip;
  if (forward_routes && destination) {
    const int from_subnet = subnet_containing(m, *from_address);
    if (from_subnet >= 0) forward = choose_route(m, from_subnet, *destination);
  }
  const RouteChoice reply = choose_route(m, cfg.subnet.index, *from_address);
  const bool forward_direct = !forward || direct(*forward);
  if (direct(reply) && forward_direct) return leg;
  // Through the same appliance both ways (the entry's subnet routes the target to the next hop the target's
  // replies take) the connection is symmetric and works as far as routing goes; an Azure Firewall there then
  // filters it (the caller applies its rules).
  if (!forward_direct && to_appliance(*forward) && to_appliance(reply) && reply.next_hop_ip == forward->next_hop_ip) {
    leg.appliance = forward->next_hop_ip;
    return leg;
  }
  if (direct(reply)) {
    leg.route = route_hop(*forward, "forward");
    leg.choice = forward;
    if (to_appliance(*forward)) {
      leg.broken = fmt::format(
          "asymmetric routing: requests from {} ({}) to {} take {}, but replies come straight back, "
          "so the connection fails",
          what, from_address->to_string(), destination->to_string(), describe(m, *forward));
    } else {
      leg.broken = fmt::format("requests from {} ({}) to {} take {} and do not reach it", what,
                               from_address->to_string(), destination->to_string(), describe(m, *forward));
    }
    return leg;
  }
  leg.route = route_hop(reply, "return");
  leg.choice = reply;
  leg.broken =
      fmt::format("asymmetric routing: replies to {} ({}) take {}, not the way the connection came, so it fails", what,
                  from_address->to_string(), describe(m, reply));
  return leg;
}

/// An address set as text, for memoisation keys.
std::string key_of(const IpSet& s) {
  std::string out;
  for (const auto& cidr : model::to_cidr_strings(s)) out += cidr + ' ';
  return out;
}

constexpr const char* kBastionNote =
    "authenticated, mediated access: a session needs Azure sign-in and RBAC rights on the Bastion and the VM";
constexpr const char* kShareableLinkNote =
    "mediated access: a session needs Azure sign-in and RBAC rights on the Bastion and the VM, or a shareable link "
    "(enableShareableLink: whoever holds a link needs no Azure account)";
constexpr const char* kDeveloperNote =
    "authenticated, mediated access through the Azure portal (Developer SKU: shared Bastion, sessions come from "
    "168.63.129.16)";

class Builder {
 public:
  Builder(const model::Model& m, const AddressSpace& space, model::Diagnostics& findings)
      : m_(m), space_(space), findings_(findings) {}

  GatewayFlows run() {
    for (std::size_t b = 0; b < m_.bastion_hosts.size(); ++b) bastion(static_cast<int>(b));
    for (std::size_t g = 0; g < m_.application_gateways.size(); ++g) application_gateway(static_cast<int>(g));
    return std::move(out_);
  }

 private:
  void bastion(int bi) {
    const auto& b = m_.bastion_hosts[bi];
    const model::BastionIpConfiguration* cfg = bastion_entry(b);
    const PortSet ports = bastion_ports(b);
    const IpSet internet = space_.internet(model::IpFamily::kV4);
    if (b.sku == model::BastionSku::kDeveloper) {
      // A shared Bastion reached through the portal: no public IP of its own, the VM's VNet only.
      const int vnet = b.virtual_network.index;
      if (vnet < 0) {
        findings_.warning("entry-subnet-unknown", b.where,
                          fmt::format("Bastion '{}' (Developer SKU): its virtual network is not in the input, so "
                                      "the VMs it reaches are not reported",
                                      b.name));
        return;
      }
      std::vector<Hop> front = {Hop{K::kInternet, RK::kInternet, -1, "", -1, ""},
                                Hop{K::kBastion, RK::kBastionHost, bi, "session", -1, kDeveloperNote}};
      forward_bastion(bi, -1, bastion_vnets(m_, b), azure_platform_address(), -1, std::nullopt, Admitted{-1, internet},
                      internet, ports, front);
      return;
    }
    if (cfg == nullptr || !cfg->public_ip.set() || b.enable_private_only) return;  // private only: no internet entry
    const int pip = cfg->public_ip.index;
    const int subnet = cfg->subnet.index;
    const NsgSlot slot = subnet_nsg_slot(m_, cfg->subnet);
    const IpSet frontends =
        pip >= 0 && m_.public_ips[pip].address ? model::to_set(*m_.public_ips[pip].address) : IpSet{};
    const Hop pip_hop{
        K::kPublicIp, RK::kPublicIp, pip, "", -1, pip >= 0 ? "" : "public IP not in the input: address unknown"};
    const int vnet = vnet_of(m_, cfg->subnet);
    const std::set<int> vnets = bastion_vnets(m_, b);
    const IpSet inner = subnet_space(m_, subnet);
    if (inner.empty()) {
      findings_.warning("entry-subnet-unknown", b.where,
                        fmt::format("Bastion '{}': its subnet is not in the input (or has no prefix), so the address "
                                    "its sessions come from is unknown: the VMs it reaches are not reported",
                                    b.name));
    }
    for (const auto& a : admitted(m_, space_, slot, subnet, frontends, internet, single(443))) {
      std::vector<Hop> path = {
          Hop{K::kInternet, RK::kInternet, -1, "", -1, ""}, pip_hop, nsg_hop(slot, a.rule, "subnet", subnet),
          Hop{K::kBastion, RK::kBastionHost, bi, "host", -1, ""}, Hop{K::kTarget, RK::kBastionHost, bi, "", -1, ""}};
      out_.own.push_back(own_exposure(RK::kBastionHost, bi, pip, single(443), a, internet, std::move(path)));
      if (inner.empty()) continue;  // the subnet is not in the input: the sessions' source is unknown
      std::vector<Hop> front = {Hop{K::kInternet, RK::kInternet, -1, "", -1, ""}, pip_hop,
                                nsg_hop(slot, a.rule, "bastion-subnet", subnet),
                                Hop{K::kBastion, RK::kBastionHost, bi, "session", -1,
                                    b.enable_shareable_link ? kShareableLinkNote : kBastionNote}};
      forward_bastion(bi, pip, vnets, inner, vnet, first_address(m_, subnet), a, internet, ports, front);
    }
  }

  void forward_bastion(int bi, int pip, const std::set<int>& vnets, const IpSet& inner, int vnet,
                       const std::optional<model::IpAddress>& from, const Admitted& a, const IpSet& internet,
                       const PortSet& ports, const std::vector<Hop>& front) {
    const std::string what = fmt::format("Bastion '{}'", m_.bastion_hosts[bi].name);
    auto shared = std::make_shared<ForwardedEntry>();
    shared->via = Via::kBastion;
    shared->gateway = bi;
    shared->public_ip = pip;
    shared->inner_sources = inner;
    shared->inner_key = key_of(inner);
    shared->sources = a.sources;
    shared->any_source = a.sources == internet;
    shared->ports = ports;
    shared->entry_ports = single(443);
    shared->front = front;
    for (const auto& x : ip_configurations_in(m_, vnets)) {
      // Routes on the AzureBastionSubnet are not supported by Azure: only the target's reply route can divert.
      forward(shared, x, path_breaks(m_, what, vnet, from, x, std::nullopt, false));
    }
  }

  /// The ip configurations a backend pool reaches (pool_backends); addresses that match nothing are reported once
  /// per pool.
  std::vector<model::IpConfigIndex> backends(int gi, int pool_index, int gateway_vnet,
                                             std::vector<std::pair<int, int>>& balancers) {
    const auto& g = m_.application_gateways[gi];
    const auto& pool = g.backend_pools[pool_index];
    PoolBackends found = pool_backends(m_, g, pool_index, gateway_vnet);
    balancers = std::move(found.balancers);
    const auto& unresolved = found.unresolved;
    if (!unresolved.empty() && warned_.insert({gi, pool_index}).second) {
      std::string list;
      for (const auto& u : unresolved) list += (list.empty() ? "'" : ", '") + u + "'";
      findings_.warning(
          "unresolved-backend", pool.where,
          fmt::format("application gateway '{}': backend pool '{}' lists {}, not the address of any ip "
                      "configuration or internal load balancer frontend in the input: exposure of {} "
                      "is not reported",
                      g.name, pool.name, list, unresolved.size() == 1 ? "that backend" : "those backends"));
    }
    for (const int site : found.sites) linked_site(gi, pool_index, site);
    return std::move(found.configs);
  }

  /// An App Service site that is a backend of gateway `gi`: a note linking them, and a `waf-bypass` warning
  /// when the site's own public endpoint also admits internet sources other than the gateway's addresses.
  void linked_site(int gi, int pool_index, int site) {
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

  /// `to`, `to_port`: the address and port the gateway connects to, when not the backend's own (an internal load
  /// balancer's frontend).
  void forward_gateway(const std::shared_ptr<const ForwardedEntry>& entry, const model::IpConfigIndex& x,
                       const std::string& what, int vnet, int subnet,
                       const std::optional<model::IpAddress>& to = std::nullopt, int to_port = -1) {
    forward(entry, x, path_breaks(m_, what, vnet, first_address(m_, subnet), x, to, true), to, to_port);
  }

  /// Records the flow from `entry` to `x`. When both ways cross an Azure Firewall (a route to its private
  /// address), its network rules, then application rules, filter the flow (deny by default): one flow per
  /// share the firewall allows, with that share's sources and ports and a firewall hop naming the rule.
  void forward(const std::shared_ptr<const ForwardedEntry>& entry, const model::IpConfigIndex& x, Leg leg,
               const std::optional<model::IpAddress>& to = std::nullopt, int to_port = -1) {
    const int fw = leg.appliance ? firewall_at(m_, *leg.appliance) : -1;
    if (fw < 0) {
      ForwardedFlow f;
      f.target = x;
      f.entry = entry;
      f.broken = std::move(leg.broken);
      f.reply = std::move(leg.route);
      out_.forwarded.push_back(std::move(f));
      return;
    }
    const auto& firewall = m_.firewalls[fw];
    if (firewall.policy.set() && !firewall.policy.resolved()) {
      // Its rules are unknown (the analysis warns `firewall-rules-unknown`): assumed to allow, never hiding a flow.
      auto through = std::make_shared<ForwardedEntry>(*entry);
      through->front.push_back(Hop{K::kFirewall, RK::kFirewall, fw, "network", -1,
                                   "the firewall's policy is not in the input: assumed to allow"});
      out_.forwarded.push_back(ForwardedFlow{x, std::move(through), "", std::nullopt});
      return;
    }
    const auto& cfg = m_.nics[x.nic].ip_configurations[x.ip_configuration];
    const std::optional<model::IpAddress> destination = to ? to : cfg.private_ip;
    if (!destination) return;  // an address not allocated: no route and no rule can be decided
    // Through a load balancer the firewall sees its frontend and port; the backend port then follows from the rule.
    const PortSet ports = to_port >= 0 ? single(static_cast<std::uint16_t>(to_port)) : entry->ports;
    const PacketSet arriving(
        Cube{entry->inner_sources, model::to_set(*destination), model::bit(Protocol::kTcp), PortSet::all(), ports});
    for (const auto& d : filter_through_firewall(m_, firewall, arriving)) {
      if (!d.allow) continue;
      const bool network = rule_at(m_, firewall, firewall.order[d.position]).kind == model::FirewallRuleKind::kNetwork;
      for (const auto& share : split_by_ports(d.packets, Protocol::kTcp)) {
        auto through = std::make_shared<ForwardedEntry>(*entry);
        through->inner_sources = share.sources;
        through->inner_key = key_of(share.sources);
        if (to_port < 0) through->ports = share.ports;
        through->front.push_back(Hop{K::kFirewall, RK::kFirewall, fw, network ? "network" : "application", d.position,
                                     d.assumed ? kAssumedFqdnNote : ""});
        out_.forwarded.push_back(ForwardedFlow{x, std::move(through), "", std::nullopt});
      }
    }
  }

  /// Internet clients reaching a listener: the public IP they connect to (a firewall's, for DNAT), who they are,
  /// the ports they connect to, the hops before the gateway subnet's NSG, and its deciding rule.
  struct Arrival {
    int pip{-1};
    IpSet sources;
    bool any_source{false};
    PortSet entry_ports;
    std::vector<Hop> head;
    int nsg_rule{-1};
  };

  /// The firewall DNAT rules that translate to private frontend `address` of gateway `g` on `port` (the
  /// rule's translated port, or the port kept when it gives none): one arrival per firewall public IP and rule.
  /// The gateway subnet's NSG sees the firewall's SNAT addresses: when it admits any of them, it admits the
  /// rule's clients (as for DNAT to an ip configuration).
  void dnat_arrivals(const model::ApplicationGateway& g, const model::IpAddress& address, std::uint16_t port,
                     bool port_unknown, const NsgSlot& slot, int subnet, const IpSet& frontends,
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
        const std::string why = dnat_forward_blocks(m_, fw, side, address, subnet, forward);
        if (!why.empty()) {
          findings_.warning(
              "dnat-target-unreachable", rule.where,
              fmt::format("firewall '{}': DNAT rule '{}' translates to application gateway '{}' ({}), but "
                          "{}: not reported through the gateway",
                          fw.name, rule.name, g.name, address.to_string(), why));
          continue;
        }
        const auto passed = admitted(m_, space_, slot, subnet, frontends, side.snat,
                                     rule.translated_port != 0 ? single(rule.translated_port) : listen);
        if (passed.empty()) continue;  // the gateway subnet's NSG refuses the firewall's addresses
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
            a.head = {Hop{K::kInternet, RK::kInternet, -1, "", -1, ""},
                      Hop{K::kPublicIp, RK::kPublicIp, pip, "", -1, ""},
                      Hop{K::kFirewall, RK::kFirewall, static_cast<int>(f), "dnat", match.position,
                          match.unresolved_source ? "a source the solver cannot resolve is taken as the whole internet"
                                                  : ""}};
            a.nsg_rule = passed.front().rule;
            out.push_back(std::move(a));
          }
        }
      }
    }
  }

  void application_gateway(int gi) {
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
        const Hop pip_hop{
            K::kPublicIp, RK::kPublicIp, pip, "", -1, pip >= 0 ? "" : "public IP not in the input: address unknown"};
        for (const auto& a : admitted(m_, space_, slot, subnet, frontends, internet, listen)) {
          arrivals.push_back(Arrival{pip,
                                     a.sources,
                                     a.sources == internet,
                                     listen,
                                     {Hop{K::kInternet, RK::kInternet, -1, "", -1, ""}, pip_hop},
                                     a.rule});
        }
      } else if (fe.private_ip) {
        dnat_arrivals(g, *fe.private_ip, port, port_unknown, slot, subnet, frontends, arrivals);
      }
      for (const auto& a : arrivals) {
        Hop listener{K::kApplicationGateway, RK::kApplicationGateway, gi, "listener", static_cast<int>(li), ""};
        listener.port = port_unknown ? -1 : port;
        std::vector<Hop> path = a.head;
        path.push_back(nsg_hop(slot, a.nsg_rule, "subnet", subnet));
        path.push_back(listener);
        path.push_back(Hop{K::kTarget, RK::kApplicationGateway, gi, "", -1, ""});
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
            Hop hop{K::kApplicationGateway,
                    RK::kApplicationGateway,
                    gi,
                    "routing",
                    static_cast<int>(li),
                    "the gateway opens its own connection to the backend: the backend sees the gateway subnet as "
                    "the source"};
            hop.port = backend_unknown ? -1 : backend_port;
            hop.via_rule = static_cast<int>(ri);
            hop.via_target = static_cast<int>(ti);
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
            shared->front = a.head;
            shared->front.push_back(nsg_hop(slot, a.nsg_rule, "gateway-subnet", subnet));
            shared->front.push_back(hop);
            std::vector<std::pair<int, int>> balancers;
            const std::string what = fmt::format("application gateway '{}'", g.name);
            for (const auto& x : backends(gi, t.pool.child, vnet, balancers)) {
              if (inner.empty()) continue;  // the gateway subnet is not in the input: the source is unknown
              forward_gateway(shared, x, what, vnet, subnet);
            }
            if (inner.empty()) continue;
            // A pool address that is an internal load balancer's frontend: the load balancer's rules for that
            // frontend and the settings' port (or HA ports) carry the connection on to their pool members.
            for (const auto& [l, fe] : balancers) {
              for (const auto& leg :
                   backend_unknown ? internal_lb_legs_any(m_, l, fe) : internal_lb_legs(m_, l, fe, backend_port)) {
                auto through = std::make_shared<ForwardedEntry>(*shared);
                through->ports = single(leg.backend_port);
                Hop lb_hop{K::kLoadBalancer, RK::kLoadBalancer, l, "load-balancing", leg.rule, ""};
                lb_hop.port = leg.frontend_port;
                through->front.push_back(lb_hop);
                for (const auto& x : leg.members) {
                  forward_gateway(through, x, what, vnet, subnet, m_.load_balancers[l].frontends[fe].private_ip,
                                  backend_unknown ? leg.frontend_port : backend_port);
                }
              }
            }
          }
        }
      }
    }
  }

  const model::Model& m_;
  const AddressSpace& space_;
  model::Diagnostics& findings_;
  GatewayFlows out_;
  std::set<std::pair<int, int>> warned_;        // (gateway, pool) already reported as unresolved
  std::set<std::pair<int, int>> sites_warned_;  // (gateway, site) already linked
};

}  // namespace

std::vector<RuleDecision> entry_nsg_decisions(const model::Model& m, const AddressSpace& space, const NsgSlot& slot,
                                              int subnet, const IpSet& frontends, const PacketSet& arriving) {
  if (slot.state != NsgSlot::State::kPresent) return {};
  const auto view = entry_view(m.nsgs[slot.index], subnet_space(m, subnet), frontends);
  return evaluate_nsg(view, model::Direction::kInbound, arriving, Destination{std::nullopt, subnet, nullptr}, space);
}

IpSet subnet_space(const model::Model& m, int subnet) {
  return subnet >= 0 ? union_of(m.subnets[subnet].prefixes) : IpSet{};
}

std::optional<model::IpAddress> first_address(const model::Model& m, int subnet) {
  if (subnet < 0 || m.subnets[subnet].prefixes.empty()) return std::nullopt;
  return m.subnets[subnet].prefixes.front().address;
}

const model::BastionIpConfiguration* bastion_entry(const model::BastionHost& b) {
  const model::BastionIpConfiguration* cfg = nullptr;
  for (const auto& c : b.ip_configurations) {
    if (cfg == nullptr || (!cfg->public_ip.set() && c.public_ip.set())) cfg = &c;
  }
  return cfg;
}

std::set<int> bastion_vnets(const model::Model& m, const model::BastionHost& b) {
  std::set<int> vnets;
  if (b.sku == model::BastionSku::kDeveloper) {  // a shared Bastion: the VM's VNet only
    if (b.virtual_network.index >= 0) vnets.insert(b.virtual_network.index);
    return vnets;
  }
  const auto* cfg = bastion_entry(b);
  const int vnet = cfg != nullptr ? vnet_of(m, cfg->subnet) : -1;
  if (vnet < 0) return vnets;
  vnets.insert(vnet);
  for (std::size_t v = 0; v < m.vnets.size(); ++v) {
    if (peering_blocks(m, vnet, static_cast<int>(v)).empty()) vnets.insert(static_cast<int>(v));
  }
  return vnets;
}

std::vector<model::IpConfigIndex> ip_configurations_in(const model::Model& m, const std::set<int>& vnets) {
  std::vector<model::IpConfigIndex> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& nic = m.nics[n];
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& cfg = nic.ip_configurations[c];
      if (cfg.family != model::IpFamily::kV4 || !cfg.subnet.resolved()) continue;
      if (vnets.count(m.subnets[cfg.subnet.index].vnet.index) == 0) continue;
      out.push_back({static_cast<int>(n), static_cast<int>(c)});
    }
  }
  return out;
}

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
          const int v = vnet_of(m, cfg.subnet);
          if (gateway_vnet >= 0 && v >= 0 && !peering_blocks(m, gateway_vnet, v).empty() &&
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

std::vector<InternalLbLeg> internal_lb_legs_any(const model::Model& m, int l, int frontend) {
  std::vector<InternalLbLeg> out;
  std::set<int> seen;  // each rule once
  for (const auto& rule : m.load_balancers[l].rules) {
    if (rule.frontend.child != frontend) continue;
    for (auto& leg : internal_lb_legs(m, l, frontend, rule.frontend_port == 0 ? 1 : rule.frontend_port)) {
      if (seen.insert(leg.rule).second) out.push_back(std::move(leg));
    }
  }
  return out;
}

std::vector<InternalLbLeg> internal_lb_legs(const model::Model& m, int l, int frontend, std::uint16_t port) {
  std::vector<InternalLbLeg> out;
  const auto& lb = m.load_balancers[l];
  for (std::size_t lr = 0; lr < lb.rules.size(); ++lr) {
    const auto& rule = lb.rules[lr];
    if (rule.frontend.child != frontend || !(rule.protocols & model::bit(Protocol::kTcp))) continue;
    const bool ha = rule.frontend_port == 0;
    if (!ha && rule.frontend_port != port) continue;
    InternalLbLeg leg;
    leg.rule = static_cast<int>(lr);
    leg.frontend_port = ha ? -1 : rule.frontend_port;
    leg.backend_port = ha ? port : rule.backend_port;
    std::set<model::IpConfigIndex> done;  // a member of two of the rule's pools once
    for (const auto& pool_ref : rule.backend_pools) {
      if (pool_ref.child < 0) continue;
      for (const auto& x : lb.backend_pools[pool_ref.child].members) {
        if (done.insert(x).second) leg.members.push_back(x);
      }
    }
    out.push_back(std::move(leg));
  }
  return out;
}

ForwardedLeg forwarded_leg(const model::Model& m, const std::string& what, int from_vnet,
                           const std::optional<model::IpAddress>& from_address, const model::IpConfigIndex& x,
                           const std::optional<model::IpAddress>& to, bool forward_routes) {
  Leg leg = path_breaks(m, what, from_vnet, from_address, x, to, forward_routes);
  return ForwardedLeg{std::move(leg.broken), std::move(leg.choice), leg.appliance};
}

PortSet bastion_ports(const model::BastionHost& b) {
  if (b.sku == model::BastionSku::kStandard || b.sku == model::BastionSku::kPremium) return PortSet::all();
  PortSet s;
  s.add(22, 22);
  s.add(3389, 3389);
  return s;
}

GatewayFlows gateway_flows(const model::Model& m, const AddressSpace& space, model::Diagnostics& findings) {
  return Builder(m, space, findings).run();
}

}  // namespace exposim::solver
