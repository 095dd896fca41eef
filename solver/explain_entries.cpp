// explain() through the managed entry points: application gateways (listener, then one backend), Bastion hosts
// (their 443, and a session to a target), PaaS public endpoints and private endpoints. Every decision is taken
// by the functions analyze() uses (solver/forwarding.h, solver/paas.h, evaluate_nsg), so that the verdicts agree.
#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "solver/explain_internal.h"
#include "solver/firewall.h"
#include "solver/forwarding.h"
#include "solver/paas.h"
#include "solver/network.h"

namespace exposim::solver::explain_internal {
namespace {

using model::Access;
using model::IpAddress;
using model::Protocol;
using K = TraceHop::Kind;
using RK = model::ResourceKind;

PortSet single(std::uint16_t port) {
  PortSet s;
  s.add(port, port);
  return s;
}

int vnet_of(const model::Model& m, const model::Ref& subnet) {
  return subnet.resolved() ? m.subnets[subnet.index].vnet.index : -1;
}

/// "10.0.2.0/24", or the first three CIDRs and how many more.
std::string cidrs(const IpSet& s) {
  const auto all = model::to_cidr_strings(s);
  if (all.empty()) return "no address";
  std::string out;
  for (std::size_t i = 0; i < all.size() && i < 3; ++i) out += (i ? ", " : "") + all[i];
  if (all.size() > 3) out += fmt::format(" and {} more", all.size() - 3);
  return out;
}

std::string side_text(const model::Model& m, const model::AddressMatch& a) {
  if (a.any) return "'*'";
  std::vector<std::string> parts;
  for (const auto& p : a.prefixes) parts.push_back(p.to_string());
  for (auto tag : a.tags) {
    switch (tag) {
      case model::ServiceTag::kInternet: parts.emplace_back("tag Internet"); break;
      case model::ServiceTag::kVirtualNetwork: parts.emplace_back("tag VirtualNetwork"); break;
      case model::ServiceTag::kAzureLoadBalancer: parts.emplace_back("tag AzureLoadBalancer"); break;
      case model::ServiceTag::kOther: break;
    }
  }
  for (const auto& t : a.other_tags) parts.push_back("tag " + t);
  for (const auto& ref : a.asgs) parts.push_back(ref.resolved() ? "ASG " + m.asgs[ref.index].name : "an ASG");
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return "'" + out + "'";
}

IpSet sources_of(const PacketSet& p) {
  IpSet s;
  for (const auto& c : p.cubes()) s = s.unite(c.src);
  return s;
}

/// The reason of an NSG rule deciding a set of sources (an entry point's subnet) on TCP `port`.
std::string set_rule_reason(const model::Model& m, const model::SecurityRule& r, const IpSet& matched,
                            std::uint16_t port, const std::string& who) {
  return fmt::format("{} ({}, {}{}): source {} matches {} ({}), port {} in '{}', protocol {}", r.name, r.priority,
                     r.access == Access::kAllow ? "allow" : "deny", r.is_default ? ", default rule" : "",
                     side_text(m, r.source), cidrs(matched), who, port,
                     r.destination_ports.is_all() ? "*" : model::to_string(r.destination_ports),
                     r.protocols == model::kAllProtocols ? "'*' covers tcp" : "tcp");
}

/// The flow as one line for verdicts: "tcp 81.2.69.200:49152 -> 20.50.0.20:443".
std::string flow_text(const FlowQuery& q, const std::string& to) {
  const IpAddress& src = q.source;
  const std::string from = src.family() == model::IpFamily::kV4 ? src.to_string() : "[" + src.to_string() + "]";
  if (!model::has_ports(q.protocol)) return fmt::format("{} {} -> {}", model::to_string(q.protocol), from, to);
  return fmt::format("{} {}:{} -> {}:{}", model::to_string(q.protocol), from, q.source_port, to, q.destination_port);
}

std::string pip_text(const model::Model& m, int pip) {
  if (pip < 0) return "a public IP not in the input";
  const auto& p = m.public_ips[pip];
  return fmt::format("public IP '{}' {} ({})", p.name, p.address ? p.address->to_string() : "(unallocated)",
                     model::to_string(p.sku));
}

std::string pip_address(const model::Model& m, int pip) {
  return pip >= 0 && m.public_ips[pip].address ? m.public_ips[pip].address->to_string() : "(unknown address)";
}

/// The entry hop for a public IP owned by `owner` ("frontend 'fe' of application gateway 'g'").
TraceHop entry_hop(const model::Model& m, int pip, const FlowQuery& q, const std::string& owner) {
  TraceHop h;
  h.kind = K::kEntry;
  h.resource_kind = RK::kPublicIp;
  h.resource = pip;
  const model::IpFamily family = pip >= 0 ? m.public_ips[pip].family : model::IpFamily::kV4;
  h.passes = q.source.family() == family;
  h.reason = fmt::format("{} is {}", pip_text(m, pip), owner);
  if (!h.passes) h.reason += ", but the client and the address are of different IP versions";
  return h;
}

/// The NSG hop of an entry point's subnet (scope "gateway-subnet" or "bastion-subnet") for the packet to
/// `port`, decided as analyze decides it (entry_nsg_decisions).
TraceHop entry_nsg_hop(const model::Model& m, const AddressSpace& space, const FlowQuery& q, const model::Ref& subnet,
                       const IpSet& frontends, std::uint16_t port, const char* scope, const std::string& what) {
  TraceHop h;
  h.scope = scope;
  const NsgSlot slot = subnet_nsg_slot(m, subnet);
  const bool ported = model::has_ports(q.protocol);
  if (slot.state == NsgSlot::State::kNone) {
    h.kind = K::kNoNsg;
    h.resource_kind = RK::kSubnet;
    h.resource = subnet.index;
    h.passes = true;
    h.reason = fmt::format("no NSG on {}'s subnet: nothing is filtered here", what);
    return h;
  }
  h.kind = K::kNsg;
  h.resource_kind = RK::kNetworkSecurityGroup;
  if (slot.state == NsgSlot::State::kMissing) {
    h.passes = true;
    h.reason = "NSG referenced but not in the input: assumed to admit everything";
    return h;
  }
  h.resource = slot.index;
  const PacketSet packet(Cube{model::to_set(q.source), IpSet::all(), model::bit(q.protocol),
                              ported ? single(q.source_port) : PortSet::all(), ported ? single(port) : PortSet::all()});
  const auto decisions = entry_nsg_decisions(m, space, slot, subnet.index, frontends, packet);
  if (decisions.empty()) {
    h.reason = "no inbound rule matches: denied";
    return h;
  }
  h.rule = decisions.front().rule;
  h.passes = decisions.front().access == Access::kAllow;
  FlowQuery at = q;
  at.destination_port = port;
  const auto& rule = m.nsgs[slot.index].rules[h.rule];
  h.reason = rule_reason(rule, at, Destination{std::nullopt, subnet.index, nullptr}, m, space);
  if (!rule.destination.any) {
    h.reason += fmt::format(
        " (the destination is taken as {}'s subnet or frontend: which instance a client reaches "
        "is not known)",
        what);
  }
  return h;
}

/// The target's subnet and NIC NSG hops for TCP `port` from the entry point's subnet `inner`, as analyze sees a
/// forwarded flow: the whole subnet, any source port; the flow passes when some of its addresses pass both NSGs
/// (the first such pair of deciding rules is shown).
void forwarded_nsg_hops(const model::Model& m, const AddressSpace& space, const model::IpConfigIndex& x,
                        const IpSet& inner, std::uint16_t port, const std::string& who, FlowTrace& t) {
  const auto& nic = m.nics[x.nic];
  const auto& cfg = nic.ip_configurations[x.ip_configuration];
  const int subnet = cfg.subnet.index;
  const NsgSlot subnet_nsg = subnet_nsg_slot(m, cfg.subnet);
  const NsgSlot nic_nsg = nsg_slot(nic.nsg);
  const Destination dst{cfg.private_ip, subnet, &cfg.asgs};
  const PacketSet arriving(Cube{inner, IpSet::all(), model::bit(Protocol::kTcp), PortSet::all(), single(port)});
  auto decide = [&](const NsgSlot& s, const PacketSet& in) {
    if (s.state != NsgSlot::State::kPresent) return std::vector<RuleDecision>{RuleDecision{-1, Access::kAllow, in}};
    return evaluate_nsg(m.nsgs[s.index], model::Direction::kInbound, in, dst, space);
  };
  const auto first = decide(subnet_nsg, arriving);
  std::optional<RuleDecision> at_subnet;
  std::optional<RuleDecision> at_nic;
  for (const auto& a : first) {
    if (a.access != Access::kAllow) continue;
    for (const auto& b : decide(nic_nsg, a.packets)) {
      if (b.access == Access::kAllow) {
        at_subnet = a;
        at_nic = b;
        break;
      }
    }
    if (at_nic) break;
  }
  if (!at_nic) {  // nothing passes both: the first allow at the subnet and what the NIC does with it
    for (const auto& a : first) {
      if (a.access == Access::kAllow) {
        at_subnet = a;
        break;
      }
    }
    if (!at_subnet && !first.empty()) at_subnet = first.front();
    const auto second =
        decide(nic_nsg, at_subnet && at_subnet->access == Access::kAllow ? at_subnet->packets : arriving);
    for (const auto& b : second) {
      if (!at_nic || (at_nic->access != Access::kAllow && b.access == Access::kAllow)) at_nic = b;
    }
  }
  auto hop = [&](const NsgSlot& s, const std::optional<RuleDecision>& d, const char* scope, RK owner_kind, int owner) {
    TraceHop h;
    h.scope = scope;
    switch (s.state) {
      case NsgSlot::State::kNone:
        h.kind = K::kNoNsg;
        h.resource_kind = owner_kind;
        h.resource = owner;
        h.passes = true;
        h.reason = "no NSG at this scope: nothing is filtered here";
        return h;
      case NsgSlot::State::kMissing:
        h.kind = K::kNsg;
        h.resource_kind = RK::kNetworkSecurityGroup;
        h.passes = true;
        h.reason = "NSG referenced but not in the input: assumed to admit everything";
        return h;
      case NsgSlot::State::kPresent: break;
    }
    h.kind = K::kNsg;
    h.resource_kind = RK::kNetworkSecurityGroup;
    h.resource = s.index;
    if (!d) {
      h.reason = "no inbound rule matches: denied";
      return h;
    }
    h.rule = d->rule;
    h.passes = d->access == Access::kAllow;
    h.reason = set_rule_reason(m, m.nsgs[s.index].rules[d->rule], sources_of(d->packets), port, who);
    if (!h.passes) h.reason += peering_access_note(m, space, subnet, sources_of(d->packets));
    return h;
  };
  t.hops.push_back(hop(subnet_nsg, at_subnet, "subnet", RK::kSubnet, subnet));
  t.hops.push_back(hop(nic_nsg, at_nic, "nic", RK::kNetworkInterface, x.nic));
}

/// The route hops between an entry point (`what`, in VNet `from_vnet`, its subnet `from_subnet`) and target `x`
/// (addressed as `to`: its private IP unless an internal load balancer's frontend): "forward" (the VNets connected;
/// the entry's route to the target, shown) goes before the NSG hops, "return" (the target's reply to the entry
/// point's subnet) after them. Decided by forwarded_leg, as analyze; `appliance` receives the address of the
/// appliance both directions cross (an Azure Firewall there filters the flow). `unreachable_breaks`: a stop at
/// "forward" makes the flow broken (application gateways) rather than denied; it also applies the entry subnet's
/// routes (the AzureBastionSubnet takes none).
std::pair<TraceHop, TraceHop> forwarded_route_hops(const model::Model& m, const std::string& what, int from_vnet,
                                                   int from_subnet, const model::IpConfigIndex& x,
                                                   bool unreachable_breaks,
                                                   const std::optional<IpAddress>& to = std::nullopt,
                                                   std::optional<IpAddress>* appliance = nullptr) {
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  const std::optional<IpAddress> from = first_address(m, from_subnet);
  ForwardedLeg leg = forwarded_leg(m, what, from_vnet, from, x, to, unreachable_breaks);
  const std::string& breaks = leg.broken;
  const std::optional<RouteChoice>& reply = leg.breaking;
  if (appliance != nullptr) *appliance = leg.appliance;
  const int vnet = vnet_of(m, cfg.subnet);
  // Not connected: not peered both ways, and no Virtual WAN hub joins the VNets (as forwarded_leg decides).
  std::string peering = from_vnet >= 0 && vnet >= 0 ? peering_blocks(m, from_vnet, vnet) : "";
  if (!peering.empty() && model::hub_between(m, from_vnet, vnet) >= 0) peering.clear();
  TraceHop forward;
  forward.kind = K::kRoute;
  forward.scope = "forward";
  forward.resource_kind = RK::kSubnet;
  forward.resource = from_subnet;
  forward.breaks = unreachable_breaks;
  forward.passes = peering.empty();
  const std::optional<IpAddress> address = to ? to : cfg.private_ip;
  const std::string to_text = address ? address->to_string() : "an unallocated address";
  if (!forward.passes) {
    forward.reason = breaks;
  } else if (from_subnet >= 0 && address) {
    const RouteChoice r = choose_route(m, from_subnet, *address);
    forward.next_hop = r.next_hop;
    if (r.user) {
      forward.route_table = r.route_table;
      forward.route = r.route;
    }
    forward.reason = fmt::format("{} reaches {} by {}", what, to_text, describe(m, r));
  } else {
    forward.next_hop = model::NextHopType::kVnetLocal;
    forward.reason = fmt::format("{} reaches {} in its VNet", what, to_text);
  }
  TraceHop back;
  back.kind = K::kRoute;
  back.scope = "return";
  back.resource_kind = RK::kSubnet;
  back.resource = cfg.subnet.index;
  back.breaks = true;
  back.passes = breaks.empty() || !peering.empty();
  if (!peering.empty()) {
    back.reason = "not evaluated: the VNets are not connected";
  } else if (!breaks.empty()) {
    back.next_hop = reply->next_hop;
    if (reply->user) {
      back.route_table = reply->route_table;
      back.route = reply->route;
    }
    back.reason = breaks;
  } else if (from && cfg.subnet.resolved()) {
    const RouteChoice r = choose_route(m, cfg.subnet.index, *from);
    back.next_hop = r.next_hop;
    if (r.user) {
      back.route_table = r.route_table;
      back.route = r.route;
    }
    back.reason = fmt::format("the reply to the subnet of {} ({}) takes {}: it returns the way the connection came",
                              what, from->to_string(), describe(m, r));
  } else {
    back.next_hop = model::NextHopType::kVnetLocal;
    back.reason = fmt::format("the reply returns to {} within the estate", what);
  }
  return {forward, back};
}

// ---- application gateways ----

/// The public frontends of application gateways that the target text names: the gateway's name or id, its
/// public IP's address, name or id. (gateway, frontend).
std::vector<std::pair<int, int>> gateways_named(const model::Model& m, const std::string& text, bool& named_only) {
  const auto ip = IpAddress::parse(text);
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  std::vector<std::pair<int, int>> out;
  named_only = false;
  for (std::size_t g = 0; g < m.application_gateways.size(); ++g) {
    const auto& gw = m.application_gateways[g];
    const bool itself = !ip && named(gw, canonical, lowered);
    named_only = named_only || itself;
    for (std::size_t f = 0; f < gw.frontends.size(); ++f) {
      const auto& fe = gw.frontends[f];
      if (!fe.public_ip.set()) continue;
      const auto* pip = fe.public_ip.resolved() ? &m.public_ips[fe.public_ip.index] : nullptr;
      const bool hit = itself || (pip != nullptr && (ip ? pip->address == ip : named(*pip, canonical, lowered)));
      if (hit) out.emplace_back(static_cast<int>(g), static_cast<int>(f));
    }
  }
  return out;
}

/// One backend a listener's requests may go to: a routing rule's (pool, settings) target, the ip configuration,
/// the port it is reached on, and the internal load balancer rule on the way (if any).
struct AgBackend {
  int rule{-1};
  int target{-1};
  model::IpConfigIndex x;
  std::uint16_t port{0};
  int lb{-1};
  int lb_rule{-1};
  std::optional<IpAddress> lb_address;  // the internal load balancer's frontend the gateway connects to
  std::uint16_t lb_port{0};             // ... on the settings' port
};

std::string host_names(const model::AgListener& l) {
  if (l.host_names.empty()) return "any host name";
  std::string out = "host ";
  for (std::size_t i = 0; i < l.host_names.size(); ++i) out += (i ? ", " : "") + l.host_names[i];
  return out;
}

/// What an Azure Firewall crossed both ways decides for an application gateway's connection to a backend.
struct FirewallLeg {
  IpSet sources;        // the gateway subnet's addresses the NSG hops then see
  std::string through;  // for the verdict: "firewall 'fw' (network rule 'r')"; empty when it does not pass
};

/// The firewall hop of an application gateway's connection to backend `b` when both ways cross firewall `fw` (at
/// `address`): its network, then application rules (filter_through_firewall, as analyze applies them) over the
/// gateway subnet `inner` to the address and port the gateway connects to. The decision shown is the first
/// allowed share whose gateway addresses the backend's NSGs admit (analyze's exposure), else the first allowed
/// share, else the first decision (a deny rule, or no rule: default deny), and its addresses go on to the NSGs.
FirewallLeg gateway_firewall_hop(const model::Model& m, const AddressSpace& space, FlowTrace& t, int fw,
                                 const IpAddress& address, const AgBackend& b, const IpSet& inner) {
  const auto& firewall = m.firewalls[fw];
  TraceHop h;
  h.kind = K::kFirewall;
  h.scope = "network";
  h.resource_kind = RK::kFirewall;
  h.resource = fw;
  const std::string crossing = fmt::format("the routes send the connection and its replies through firewall '{}' ({})",
                                           firewall.name, address.to_string());
  FirewallLeg out{inner, ""};
  const auto& cfg = m.nics[b.x.nic].ip_configurations[b.x.ip_configuration];
  const std::optional<IpAddress> destination = b.lb_address ? b.lb_address : cfg.private_ip;
  const std::uint16_t port = b.lb_address ? b.lb_port : b.port;
  if (firewall.policy.set() && !firewall.policy.resolved()) {
    h.passes = true;
    h.reason = fmt::format("{}; its policy is not in the input: assumed to allow", crossing);
    out.through = fmt::format("firewall '{}' (policy not in the input, assumed to allow)", firewall.name);
    t.hops.push_back(h);
    return out;
  }
  if (!destination) {
    h.reason = fmt::format(
        "{}, but the backend's address is not allocated: no rule can be decided (analyze reports "
        "no flow)",
        crossing);
    t.hops.push_back(h);
    return out;
  }
  const PacketSet arriving(
      Cube{inner, model::to_set(*destination), model::bit(Protocol::kTcp), PortSet::all(), single(port)});
  const auto decisions = filter_through_firewall(m, firewall, arriving);
  const FirewallDecision* chosen = nullptr;
  const FirewallDecision* first_allowed = nullptr;
  IpSet chosen_sources;
  IpSet first_sources;
  for (const auto& d : decisions) {
    if (!d.allow) continue;
    for (const auto& share : split_by_ports(d.packets, Protocol::kTcp)) {
      if (first_allowed == nullptr) {
        first_allowed = &d;
        first_sources = share.sources;
      }
      FlowTrace scratch;
      forwarded_nsg_hops(m, space, b.x, share.sources, b.port, "", scratch);
      if (std::all_of(scratch.hops.begin(), scratch.hops.end(), [](const TraceHop& x) { return x.passes; })) {
        chosen = &d;
        chosen_sources = share.sources;
        break;
      }
    }
    if (chosen != nullptr) break;
  }
  if (chosen == nullptr && first_allowed != nullptr) {
    chosen = first_allowed;
    chosen_sources = first_sources;
  }
  if (chosen == nullptr && !decisions.empty()) {
    chosen = &decisions.front();
    chosen_sources = sources_of(chosen->packets);
  }
  if (chosen == nullptr) {  // nothing arrives (cannot happen: the gateway subnet is not empty here)
    h.reason = crossing;
    t.hops.push_back(h);
    return out;
  }
  h.passes = chosen->allow;
  h.rule = chosen->position;
  const std::string flow =
      fmt::format("tcp from {} to {} port {}", cidrs(chosen_sources), destination->to_string(), port);
  if (chosen->position < 0) {
    h.scope = "default";
    h.reason = fmt::format(
        "no rule matched: default deny (no network or application rule of firewall '{}' takes {}); "
        "{}",
        firewall.name, flow, crossing);
  } else {
    const auto& at = firewall.order[chosen->position];
    const bool network = rule_at(m, firewall, at).kind == model::FirewallRuleKind::kNetwork;
    h.scope = network ? "network" : "application";
    h.reason =
        fmt::format("{} {} {}; {}", rule_label(m, firewall, at), chosen->allow ? "allows" : "denies", flow, crossing);
    if (chosen->assumed) h.reason += fmt::format(" ({})", kAssumedFqdnNote);
    if (chosen->allow) {
      out.through = fmt::format("firewall '{}' ({} rule '{}')", firewall.name, network ? "network" : "application",
                                rule_at(m, firewall, at).name);
    }
  }
  if (chosen->allow) out.sources = chosen_sources;
  t.hops.push_back(h);
  return out;
}

void explain_application_gateway(const model::Model& m, FlowTrace& t, int gi, int fi) {
  const FlowQuery& q = t.query;
  const auto& g = m.application_gateways[gi];
  const auto& fe = g.frontends[fi];
  const int pip = fe.public_ip.index;
  t.application_gateway = gi;
  t.public_ip = pip;
  t.via_public_ip = true;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  const std::string gw_text = fmt::format("application gateway '{}'", g.name);
  t.hops.push_back(source_hop(m, space, q.source, t));
  t.hops.push_back(entry_hop(
      m, pip, q, fmt::format("frontend '{}' of {} ({})", fe.name, gw_text, g.sku_name.empty() ? g.tier : g.sku_name)));
  const model::Ref subnet_ref = gateway_subnet(g);
  t.hops.push_back(entry_nsg_hop(m, space, q, subnet_ref, gateway_frontend_addresses(m, g), q.destination_port,
                                 "gateway-subnet", gw_text));

  // listener: the first on this frontend and port, as analyze enumerates them.
  TraceHop listener;
  listener.kind = K::kApplicationGateway;
  listener.scope = "listener";
  listener.resource_kind = RK::kApplicationGateway;
  listener.resource = gi;
  std::vector<int> on_port;
  for (std::size_t li = 0; li < g.listeners.size(); ++li) {
    const auto& l = g.listeners[li];
    if (l.frontend.child != fi || l.frontend_port.child < 0) continue;
    const auto& fp = g.frontend_ports[l.frontend_port.child];
    if (fp.unknown || fp.port == q.destination_port) on_port.push_back(static_cast<int>(li));  // unknown: every port
  }
  if (q.protocol != Protocol::kTcp) {
    listener.reason =
        fmt::format("{} listens on TCP only (HTTP and HTTPS): {} is not taken", gw_text, model::to_string(q.protocol));
  } else if (on_port.empty()) {
    listener.reason = fmt::format("no listener of {} on frontend '{}' port {}: the gateway accepts nothing there",
                                  gw_text, fe.name, q.destination_port);
  } else {
    const int li = on_port.front();
    const auto& l = g.listeners[li];
    t.listener = listener.listener = listener.rule = li;
    listener.frontend_port = q.destination_port;
    listener.waf_mode = model::effective_waf_mode(g, l);
    listener.passes = true;
    const char* waf =
        listener.waf_mode == model::WafMode::kPrevention  ? "WAF prevention: blocks requests its rules match"
        : listener.waf_mode == model::WafMode::kDetection ? "WAF detection: logs only, blocks nothing"
        : listener.waf_mode == model::WafMode::kUnknown   ? "WAF policy not in the input: its mode is unknown"
                                                          : "no WAF";
    listener.reason = fmt::format(
        "listener '{}' ({}, port {}, {}) of {} takes the connection; {} (the WAF inspects "
        "HTTP requests, not addresses or ports)",
        l.name, model::to_string(l.protocol), q.destination_port, host_names(l), gw_text, waf);
    if (on_port.size() > 1) {
      std::string others;
      for (std::size_t i = 1; i < on_port.size(); ++i) {
        const auto& o = g.listeners[on_port[i]];
        others += fmt::format("{}'{}' ({})", i > 1 ? ", " : "", o.name, host_names(o));
      }
      listener.reason +=
          fmt::format("; also on this port: {}: the request's host name chooses, traced the first", others);
    }
  }
  t.hops.push_back(listener);
  const std::string flow = flow_text(q, pip_address(m, pip));
  if (!listener.passes) {
    finish_trace(t, "");
    return;
  }
  const auto& l = g.listeners[t.listener];

  // routing: the listener's rules and their (pool, settings) targets, the backends each reaches.
  const int subnet = subnet_ref.index;
  const int vnet = vnet_of(m, subnet_ref);
  const IpSet inner = subnet_space(m, subnet);
  std::vector<AgBackend> candidates;
  std::vector<std::string> unresolved;
  for (std::size_t ri = 0; ri < g.rules.size(); ++ri) {
    const auto& r = g.rules[ri];
    if (r.listener.child != t.listener) continue;
    for (std::size_t ti = 0; ti < r.targets.size(); ++ti) {
      const auto& target = r.targets[ti];
      if (target.pool.child < 0 || target.settings.child < 0) continue;
      const std::uint16_t port = g.backend_settings[target.settings.child].port;
      PoolBackends found = pool_backends(m, g, target.pool.child, vnet);
      for (const auto& u : found.unresolved) unresolved.push_back(u);
      // The documented order, as for load balancer pools: NIC id, then ip configuration name.
      std::sort(found.configs.begin(), found.configs.end(), [&](const auto& a, const auto& b) {
        const auto& na = m.nics[a.nic];
        const auto& nb = m.nics[b.nic];
        return std::tie(na.key, na.ip_configurations[a.ip_configuration].name) <
               std::tie(nb.key, nb.ip_configurations[b.ip_configuration].name);
      });
      for (const auto& x : found.configs) {
        candidates.push_back(AgBackend{static_cast<int>(ri), static_cast<int>(ti), x, port, -1, -1, std::nullopt, 0});
      }
      for (const auto& [lb, lfe] : found.balancers) {
        for (const auto& leg : internal_lb_legs(m, lb, lfe, port)) {
          for (const auto& x : leg.members) {
            candidates.push_back(AgBackend{static_cast<int>(ri), static_cast<int>(ti), x, leg.backend_port, lb,
                                           leg.rule, m.load_balancers[lb].frontends[lfe].private_ip, port});
          }
        }
      }
    }
  }
  TraceHop routing;
  routing.kind = K::kApplicationGateway;
  routing.scope = "routing";
  routing.resource_kind = RK::kApplicationGateway;
  routing.resource = gi;
  routing.listener = t.listener;
  routing.passes = true;
  const std::string reached_gateway = fmt::format("allowed: {} reaches listener '{}' of {}", flow, l.name, gw_text);
  if (inner.empty()) {
    routing.reason =
        "the gateway subnet is not in the input (or has no prefix): the source its backends see is "
        "unknown, so no backend is traced (analyze reports none)";
  } else if (candidates.empty()) {
    routing.reason = "no request routing rule of the listener sends requests to a backend in the input";
    if (!unresolved.empty()) {
      std::string list;
      for (const auto& u : unresolved) list += (list.empty() ? "'" : ", '") + u + "'";
      routing.reason +=
          fmt::format(" (pool addresses {} match no ip configuration or internal load balancer frontend)", list);
    }
  }
  if (inner.empty() || candidates.empty()) {
    t.hops.push_back(routing);
    finish_trace(t, reached_gateway + "; nothing behind it is traced");
    return;
  }
  std::size_t pick = 0;
  if (!q.backend.empty()) {
    pick = candidates.size();
    for (std::size_t i = 0; i < candidates.size() && pick == candidates.size(); ++i) {
      if (names_member(m, candidates[i].x, q.backend)) pick = i;
    }
    if (pick == candidates.size()) {
      t.status = FlowTrace::Status::kBadBackend;
      t.error = fmt::format("--backend '{}' is not a backend of listener '{}' of {}", q.backend, l.name, gw_text);
      t.hops.clear();
      std::set<model::IpConfigIndex> listed;
      for (const auto& c : candidates) {
        if (listed.insert(c.x).second) t.candidates.push_back(member_label(m, c.x));
      }
      return;
    }
  }
  const AgBackend& b = candidates[pick];
  for (const auto& c : candidates) {
    if (std::find(routing.backends.begin(), routing.backends.end(), c.x) == routing.backends.end()) {
      routing.backends.push_back(c.x);
    }
  }
  const auto& rule = g.rules[b.rule];
  const auto& target = rule.targets[b.target];
  const auto& pool = g.backend_pools[target.pool.child];
  const auto& settings = g.backend_settings[target.settings.child];
  routing.routing_rule = b.rule;
  routing.routing_target = b.target;
  routing.frontend_port = q.destination_port;
  routing.backend_port = b.port;
  routing.internal_lb = b.lb;
  routing.internal_lb_rule = b.lb_rule;
  routing.reason = fmt::format("rule '{}'{} sends requests to pool '{}' with settings '{}' ({}, port {})", rule.name,
                               target.path_rule.empty() ? "" : fmt::format(" (path rule '{}')", target.path_rule),
                               pool.name, settings.name, model::to_string(settings.protocol), settings.port);
  if (b.lb >= 0) {
    const auto& lb = m.load_balancers[b.lb];
    routing.reason += fmt::format(", an address of internal load balancer '{}', whose rule '{}' forwards to port {}",
                                  lb.name, lb.rules[b.lb_rule].name, b.port);
  }
  routing.reason += fmt::format(
      "; the gateway opens its own connection to {} (the backend sees the gateway subnet "
      "as the source)",
      member_label(m, b.x));
  if (!q.backend.empty()) {
    routing.reason += ", chosen with --backend";
  } else if (routing.backends.size() > 1) {
    routing.reason += fmt::format(
        "; traced the first of {} backends (rules in order, then NIC id); choose another "
        "with --backend",
        routing.backends.size());
  }
  t.hops.push_back(routing);

  t.nic = b.x.nic;
  t.ip_configuration = b.x.ip_configuration;
  t.vm = m.nics[b.x.nic].virtual_machine.index;
  std::optional<IpAddress> appliance;
  auto [forward, back] = forwarded_route_hops(m, gw_text, vnet, subnet, b.x, true, b.lb_address, &appliance);
  t.hops.push_back(forward);
  // Both ways through an Azure Firewall: its rules decide which of the gateway subnet's addresses go on.
  FirewallLeg through{inner, ""};
  std::string who = fmt::format("the gateway subnet {}", cidrs(inner));
  if (const int fw = appliance ? firewall_at(m, *appliance) : -1; fw >= 0) {
    through = gateway_firewall_hop(m, space, t, fw, *appliance, b, inner);
    if (!(through.sources == inner)) {
      who = fmt::format("the gateway subnet's addresses the firewall lets through, {}", cidrs(through.sources));
    }
  }
  forwarded_nsg_hops(m, space, b.x, through.sources, b.port, who, t);
  t.hops.push_back(back);
  finish_trace(t, fmt::format("allowed: {} passes listener '{}' of {}, which connects to {} on port {} (rule '{}', "
                              "pool '{}'){}, and replies return",
                              flow, l.name, gw_text, member_label(m, b.x), b.port, rule.name, pool.name,
                              through.through.empty() ? "" : " through " + through.through));
}

// ---- Bastion ----

std::vector<int> bastions_named(const model::Model& m, const std::string& text) {
  const auto ip = IpAddress::parse(text);
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  std::vector<int> out;
  for (std::size_t b = 0; b < m.bastion_hosts.size(); ++b) {
    const auto& host = m.bastion_hosts[b];
    bool hit = !ip && named(host, canonical, lowered);
    for (const auto& c : host.ip_configurations) {
      if (!c.public_ip.resolved()) continue;
      const auto& pip = m.public_ips[c.public_ip.index];
      hit = hit || (ip ? pip.address == ip : named(pip, canonical, lowered));
    }
    if (hit) out.push_back(static_cast<int>(b));
  }
  return out;
}

/// The entry into Bastion `bi` for a client on 443: the public IP hop, and its subnet's NSG hop. Returns the
/// entry's subnet reference (unset for Developer).
model::Ref bastion_entry_hops(const model::Model& m, const AddressSpace& space, FlowTrace& t, int bi,
                              std::uint16_t port) {
  const FlowQuery& q = t.query;
  const auto& b = m.bastion_hosts[bi];
  const std::string what = fmt::format("Bastion '{}'", b.name);
  const auto* cfg = bastion_entry(b);
  if (b.sku == model::BastionSku::kDeveloper) {
    TraceHop entry;
    entry.kind = K::kEntry;
    entry.resource_kind = RK::kBastionHost;
    entry.resource = bi;
    // Sessions of a shared Bastion come through the portal (analyze: any IPv4 internet client); the Bastion
    // itself has no address a client connects to.
    entry.passes = q.via_bastion && q.source.family() == model::IpFamily::kV4;
    entry.reason = fmt::format(
        "{} (Developer SKU) has no public IP of its own: sessions go through the Azure portal "
        "(a shared Bastion){}",
        what, q.via_bastion ? "" : "; follow one with --via bastion");
    t.hops.push_back(entry);
    return {};
  }
  if (cfg == nullptr || !cfg->public_ip.set() || b.enable_private_only) {
    TraceHop entry;
    entry.kind = K::kEntry;
    entry.resource_kind = RK::kBastionHost;
    entry.resource = bi;
    entry.reason =
        b.enable_private_only
            ? fmt::format("{} is private-only (Premium): no public IP, reachable only from private networks", what)
            : fmt::format("{} has no public IP: not reachable from the internet", what);
    t.hops.push_back(entry);
    return cfg != nullptr ? cfg->subnet : model::Ref{};
  }
  const int pip = cfg->public_ip.index;
  t.public_ip = pip;
  t.via_public_ip = true;
  t.hops.push_back(entry_hop(m, pip, q, fmt::format("{} ({})", what, model::to_string(b.sku))));
  const IpSet frontends = pip >= 0 && m.public_ips[pip].address ? model::to_set(*m.public_ips[pip].address) : IpSet{};
  FlowQuery at = q;
  if (q.via_bastion) at.protocol = Protocol::kTcp;  // the client's connection to the Bastion is TCP 443
  t.hops.push_back(entry_nsg_hop(m, space, at, cfg->subnet, frontends, port, "bastion-subnet", what));
  return cfg->subnet;
}

void explain_bastion(const model::Model& m, FlowTrace& t, int bi) {
  const FlowQuery& q = t.query;
  const auto& b = m.bastion_hosts[bi];
  t.bastion = bi;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  t.hops.push_back(source_hop(m, space, q.source, t));
  bastion_entry_hops(m, space, t, bi, q.destination_port);
  TraceHop host;
  host.kind = K::kBastion;
  host.scope = "host";
  host.resource_kind = RK::kBastionHost;
  host.resource = bi;
  host.passes = q.protocol == Protocol::kTcp && q.destination_port == 443;
  host.reason = host.passes ? fmt::format(
                                  "Bastion '{}' ({}) accepts clients on TCP 443 (the portal's HTTPS session "
                                  "or the native client's tunnel); a session needs Azure sign-in and RBAC "
                                  "rights",
                                  b.name, model::to_string(b.sku))
                            : fmt::format(
                                  "Bastion '{}' accepts clients on TCP 443 only; to follow a session to a VM "
                                  "use --via bastion with --to the VM",
                                  b.name);
  t.hops.push_back(host);
  finish_trace(t,
               fmt::format("allowed: {} reaches Bastion host '{}'", flow_text(q, pip_address(m, t.public_ip)), b.name));
}

}  // namespace

void explain_via_bastion(const model::Model& m, FlowTrace& t) {
  const FlowQuery& q = t.query;
  // The target: an ip configuration (IPv4, a session's only kind) of a NIC or VM, or a private IP.
  std::set<model::IpConfigIndex> found;
  const auto ip = IpAddress::parse(q.target);
  const std::string canonical = model::canonical_id(q.target);
  const std::string lowered = lower(q.target);
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& nic = m.nics[n];
    const int vm = nic.virtual_machine.index;
    const bool whole = !ip && (named(nic, canonical, lowered) || (vm >= 0 && named(m.vms[vm], canonical, lowered)));
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& cfg = nic.ip_configurations[c];
      const bool hit = ip ? cfg.private_ip == ip : whole || cfg.key == canonical;
      if (hit && (ip || cfg.family == model::IpFamily::kV4)) found.insert({static_cast<int>(n), static_cast<int>(c)});
    }
  }
  if (found.empty()) {
    t.status = FlowTrace::Status::kUnknownTarget;
    t.error = fmt::format(
        "unknown target '{}': with --via bastion, expected the name or id of a network interface or "
        "virtual machine, or a private IP address, in the input",
        q.target);
    return;
  }
  if (found.size() > 1) {
    t.status = FlowTrace::Status::kAmbiguousTarget;
    for (const auto& x : found) {
      const auto& nic = m.nics[x.nic];
      const auto& cfg = nic.ip_configurations[x.ip_configuration];
      t.candidates.push_back(fmt::format("{} ({})", model::ip_configuration_id(nic, cfg), member_label(m, x)));
    }
    std::sort(t.candidates.begin(), t.candidates.end());
    t.error = ip ? fmt::format(
                       "ambiguous target '{}': the address belongs to {} ip configurations (a private address "
                       "used in two VNets); give the ip configuration id of one as the target",
                       q.target, found.size())
                 : fmt::format(
                       "ambiguous target '{}': it names {} ip configurations; give the private IP address or "
                       "the ip configuration id of one as the target",
                       q.target, found.size());
    return;
  }
  const model::IpConfigIndex x = *found.begin();
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  const int target_vnet = vnet_of(m, cfg.subnet);
  // The Bastion: the one named, else the one whose sessions reach the target's VNet.
  int bi = -1;
  if (!q.bastion.empty()) {
    const auto named_hosts = bastions_named(m, q.bastion);
    if (named_hosts.size() != 1) {
      t.status = named_hosts.empty() ? FlowTrace::Status::kUnknownTarget : FlowTrace::Status::kAmbiguousTarget;
      t.error = fmt::format("--via bastion:{}: {}", q.bastion,
                            named_hosts.empty() ? "no Bastion host of that name, id or public IP in the input"
                                                : "it names several Bastion hosts");
      for (int h : named_hosts) t.candidates.push_back(m.bastion_hosts[h].id);
      return;
    }
    bi = named_hosts.front();
  } else {
    std::vector<int> reaching;
    for (std::size_t h = 0; h < m.bastion_hosts.size(); ++h) {
      if (target_vnet >= 0 && bastion_vnets(m, m.bastion_hosts[h]).count(target_vnet) > 0) {
        reaching.push_back(static_cast<int>(h));
      }
    }
    if (m.bastion_hosts.empty()) {
      t.status = FlowTrace::Status::kBadTarget;
      t.error = "--via bastion: there is no Bastion host in the input";
      return;
    }
    if (reaching.size() > 1) {
      t.status = FlowTrace::Status::kAmbiguousTarget;
      for (int h : reaching) t.candidates.push_back(m.bastion_hosts[h].id);
      std::sort(t.candidates.begin(), t.candidates.end());
      t.error = fmt::format("--via bastion: {} Bastion hosts reach '{}'; choose one with --via bastion:NAME",
                            reaching.size(), q.target);
      return;
    }
    bi = reaching.empty() ? 0 : reaching.front();  // none reaches it: the first shows why
  }
  const auto& b = m.bastion_hosts[bi];
  const std::string what = fmt::format("Bastion '{}'", b.name);
  t.bastion = bi;
  t.nic = x.nic;
  t.ip_configuration = x.ip_configuration;
  t.vm = m.nics[x.nic].virtual_machine.index;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  t.hops.push_back(source_hop(m, space, q.source, t));
  const model::Ref subnet = bastion_entry_hops(m, space, t, bi, 443);

  // session: the SKU's ports, TCP only.
  TraceHop session;
  session.kind = K::kBastion;
  session.scope = "session";
  session.resource_kind = RK::kBastionHost;
  session.resource = bi;
  const PortSet ports = bastion_ports(b);
  const bool any_port = ports == PortSet::all();
  session.passes = q.protocol == Protocol::kTcp && ports.contains(q.destination_port);
  if (q.protocol != Protocol::kTcp) {
    session.reason = fmt::format("{} opens TCP sessions only (SSH, RDP, or a native client's tunnel)", what);
  } else if (session.passes) {
    session.reason = fmt::format(
        "{} ({}) opens a session to port {} ({}); authenticated, mediated access: a session "
        "needs Azure sign-in and RBAC rights on the Bastion and the VM{}",
        what, model::to_string(b.sku), q.destination_port,
        any_port ? "Standard and Premium reach any TCP port: custom ports, native client, "
                   "IP-based connection"
                 : "Basic and Developer reach 22 and 3389",
        b.enable_shareable_link ? ", or a shareable link (no Azure account needed)" : "");
  } else {
    session.reason = fmt::format(
        "{} ({}) opens sessions to ports 22 and 3389 only: port {} needs the Standard or "
        "Premium SKU (custom ports)",
        what, model::to_string(b.sku), q.destination_port);
  }
  t.hops.push_back(session);

  // forward: the target must be in the Bastion's VNet or one peered with it both ways (IPv4).
  TraceHop reach;
  reach.kind = K::kRoute;
  reach.scope = "forward";
  reach.resource_kind = RK::kSubnet;
  reach.resource = subnet.index;
  const auto vnets = bastion_vnets(m, b);
  reach.passes = cfg.family == model::IpFamily::kV4 && target_vnet >= 0 && vnets.count(target_vnet) > 0;
  const int own_vnet = b.sku == model::BastionSku::kDeveloper ? b.virtual_network.index : vnet_of(m, subnet);
  const std::string target_text = member_label(m, x);
  if (cfg.family != model::IpFamily::kV4) {
    reach.reason = fmt::format("{} is IPv6: Bastion sessions reach IPv4 addresses only", target_text);
  } else if (target_vnet < 0) {
    reach.reason = fmt::format("{}'s subnet is not in the input: its VNet is unknown", target_text);
  } else if (own_vnet < 0) {
    reach.reason = fmt::format("{}'s own VNet is not in the input", what);
  } else if (reach.passes) {
    reach.reason = target_vnet == own_vnet
                       ? fmt::format("{} is in VNet '{}', the Bastion's own", target_text, m.vnets[target_vnet].name)
                       : fmt::format("{} is in VNet '{}', peered both ways with the Bastion's VNet '{}'", target_text,
                                     m.vnets[target_vnet].name, m.vnets[own_vnet].name);
  } else if (b.sku == model::BastionSku::kDeveloper) {
    reach.reason = fmt::format("{} (Developer SKU) reaches its own VNet '{}' only, not VNet '{}'", what,
                               m.vnets[own_vnet].name, m.vnets[target_vnet].name);
  } else {
    reach.reason = fmt::format("{} cannot reach {}: {}", what, target_text, peering_blocks(m, own_vnet, target_vnet));
  }
  if (reach.passes) {
    const auto [forward, back] =
        forwarded_route_hops(m, what, b.sku == model::BastionSku::kDeveloper ? -1 : own_vnet,
                             b.sku == model::BastionSku::kDeveloper ? -1 : subnet.index, x, false);
    reach.next_hop = forward.next_hop;
    reach.route_table = forward.route_table;
    reach.route = forward.route;
    reach.reason += "; " + forward.reason;
    t.hops.push_back(reach);
    const IpSet inner =
        b.sku == model::BastionSku::kDeveloper ? azure_platform_address() : subnet_space(m, subnet.index);
    const std::string who = b.sku == model::BastionSku::kDeveloper
                                ? std::string("the platform address sessions of a Developer Bastion come from")
                                : fmt::format("the Bastion subnet {}", cidrs(inner));
    if (inner.empty()) {
      TraceHop unknown = reach;
      unknown.passes = false;
      unknown.breaks = false;
      unknown.reason =
          "the Bastion subnet is not in the input (or has no prefix): the address its sessions come from "
          "is unknown (analyze reports none)";
      t.hops.back() = unknown;
    } else {
      forwarded_nsg_hops(m, space, x, inner, q.destination_port, who, t);
      t.hops.push_back(back);
    }
  } else {
    t.hops.push_back(reach);
  }
  finish_trace(
      t, fmt::format("allowed: {} through {} ({}:443) opens a session to {} on port {}, and replies return",
                     flow_text(q, target_text), what, pip_address(m, t.public_ip), target_text, q.destination_port));
}

namespace {

// ---- PaaS public endpoints and private endpoints ----

/// The PaaS services the target names (name, id, or host name), with whether the SCM host was named.
std::vector<std::pair<int, bool>> services_named(const model::Model& m, const std::string& text) {
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  std::vector<std::pair<int, bool>> out;
  for (std::size_t i = 0; i < m.paas_services.size(); ++i) {
    const auto& s = m.paas_services[i];
    if (named(s, canonical, lowered) || (!s.host_name.empty() && lower(s.host_name) == lowered)) {
      out.emplace_back(static_cast<int>(i), false);
    } else if (s.has_scm && !s.scm_host_name.empty() && lower(s.scm_host_name) == lowered) {
      out.emplace_back(static_cast<int>(i), true);
    }
  }
  return out;
}

std::string rule_text(const model::PaasIpRule& r) {
  if (r.name.empty()) return fmt::format("IP rule '{}'", r.text);
  return fmt::format("rule '{}' ({}{})", r.name, r.text, r.priority ? fmt::format(", priority {}", r.priority) : "");
}

void explain_paas(const model::Model& m, FlowTrace& t, int si, bool scm) {
  const FlowQuery& q = t.query;
  const auto& s = m.paas_services[si];
  t.paas_service = si;
  t.scm = scm;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  t.hops.push_back(source_hop(m, space, q.source, t));
  const std::string host = scm ? s.scm_host_name : s.host_name;
  const std::string what = fmt::format("{} '{}'{}", model::to_string(s.kind), s.name, scm ? " (SCM site)" : "");

  TraceHop endpoint;
  endpoint.kind = K::kPaas;
  endpoint.scope = "endpoint";
  endpoint.resource_kind = RK::kPaasService;
  endpoint.resource = si;
  const std::string served = s.tcp_ports.empty() ? "no port" : "TCP " + model::to_string(s.tcp_ports);
  const std::string at = host.empty() ? what + "'s public endpoint" : fmt::format("{} ({})", host, what);
  if (q.source.family() != model::IpFamily::kV4) {
    endpoint.reason = fmt::format("{} is modelled for IPv4 clients only", at);
  } else if (q.protocol != Protocol::kTcp || !s.tcp_ports.contains(q.destination_port)) {
    endpoint.reason = fmt::format("{} serves {}: {} is not served", at, served,
                                  model::has_ports(q.protocol)
                                      ? fmt::format("{} port {}", model::to_string(q.protocol), q.destination_port)
                                      : std::string(model::to_string(q.protocol)));
  } else {
    endpoint.passes = true;
    endpoint.reason = fmt::format("{} serves {}", at, served);
  }
  t.hops.push_back(endpoint);

  TraceHop access;
  access.kind = K::kPaas;
  access.scope = scm ? "scm-public-network-access" : "public-network-access";
  access.resource_kind = RK::kPaasService;
  access.resource = si;
  TraceHop firewall = access;
  switch (s.public_network_access) {
    case model::PublicNetworkAccess::kDisabled:
      access.reason =
          "publicNetworkAccess Disabled: the public endpoint admits no one, whatever its firewall says "
          "(private endpoints are the only way in)";
      break;
    case model::PublicNetworkAccess::kSecuredByPerimeter:
      access.passes = true;
      access.reason =
          "publicNetworkAccess SecuredByPerimeter: a network security perimeter's rules decide; they are "
          "not modelled: assumed to admit the internet";
      break;
    case model::PublicNetworkAccess::kEnabled:
      access.passes = true;
      access.reason = "publicNetworkAccess Enabled: the service's firewall decides";
      break;
  }
  t.hops.push_back(access);

  // firewall: the partition analyze uses, over the internet plus this client (to show a non-internet
  // client's rule too).
  const bool main_rules = !scm || s.scm_uses_main;
  const auto& rules = main_rules ? s.ip_rules : s.scm_ip_rules;
  const Access default_action = main_rules ? s.default_action : s.scm_default_action;
  const char* rule_scope = scm ? "scm-access-restrictions" : paas_rule_scope(s.kind);
  const char* default_scope = scm ? "scm-default-action" : "default-action";
  IpSet universe = space.internet(model::IpFamily::kV4);
  if (q.source.family() == model::IpFamily::kV4) universe = universe.unite(model::to_set(q.source));
  if (s.public_network_access == model::PublicNetworkAccess::kSecuredByPerimeter) {
    firewall.passes = true;
    firewall.reason = "not evaluated: the perimeter decides (assumed to admit)";
  } else {
    const std::string src = q.source.to_string();
    for (const auto& d : paas_firewall(s, rules, default_action, universe)) {
      if (!d.sources.contains(q.source.value)) continue;
      firewall.passes = d.access == Access::kAllow;
      firewall.rule = d.rule;
      if (d.rule >= 0) {
        firewall.scope = rule_scope;
        firewall.reason = fmt::format("{} {} {}{}", rule_text(rules[d.rule]), firewall.passes ? "admits" : "denies",
                                      src, *d.note ? fmt::format(" ({})", d.note) : "");
      } else {
        firewall.scope = default_scope;
        const bool rules_apply = s.kind == model::PaasKind::kAppService || default_action == Access::kDeny;
        firewall.reason = !rules_apply
                              ? fmt::format(
                                    "default action Allow: {} is admitted (address rules apply only when the default "
                                    "action is Deny)",
                                    src)
                          : rules.empty() ? fmt::format("default action {}, no address rule: {} is {}",
                                                        default_action == Access::kAllow ? "Allow" : "Deny", src,
                                                        firewall.passes ? "admitted" : "denied")
                                          : fmt::format("no address rule matches {}: the default action {} {} it", src,
                                                        default_action == Access::kAllow ? "Allow" : "Deny",
                                                        firewall.passes ? "admits" : "denies");
      }
      break;
    }
    if (firewall.reason.empty()) {
      firewall.scope = default_scope;
      firewall.reason = fmt::format("{} is not a client the public endpoint evaluates", src);
    }
  }
  t.hops.push_back(firewall);
  finish_trace(t, fmt::format("allowed: {} reaches the public endpoint of {}",
                              flow_text(q, host.empty() ? s.name : host), what));
}

/// The private endpoints the target names (name, id, or one of their private IPs), with the address named.
std::vector<int> private_endpoints_named(const model::Model& m, const std::string& text) {
  const auto ip = IpAddress::parse(text);
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  std::vector<int> out;
  for (std::size_t p = 0; p < m.private_endpoints.size(); ++p) {
    const auto& pe = m.private_endpoints[p];
    const bool hit = ip ? std::find(pe.private_ips.begin(), pe.private_ips.end(), *ip) != pe.private_ips.end()
                        : named(pe, canonical, lowered);
    if (hit) out.push_back(static_cast<int>(p));
  }
  return out;
}

void explain_private_endpoint(const model::Model& m, FlowTrace& t, int p) {
  const FlowQuery& q = t.query;
  const auto& pe = m.private_endpoints[p];
  t.private_endpoint = p;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  t.hops.push_back(source_hop(m, space, q.source, t));
  TraceHop entry;
  entry.kind = K::kEntry;
  entry.resource_kind = RK::kPrivateEndpoint;
  entry.resource = p;
  std::string to;
  for (const auto& c : pe.connections) {
    if (!to.empty()) to += ", ";
    std::string groups;
    for (const auto& g : c.group_ids) groups += (groups.empty() ? "" : ", ") + g;
    const std::string service = c.target.index >= 0
                                    ? fmt::format("{} '{}'", model::to_string(m.paas_services[c.target.index].kind),
                                                  m.paas_services[c.target.index].name)
                                    : "'" + c.target.id + "'";
    to += fmt::format("{}{} ({})", service, groups.empty() ? "" : " " + groups, model::to_string(c.status));
  }
  entry.reason = fmt::format(
      "private endpoint '{}'{} has private addresses only: it is reached from its VNet, peered "
      "VNets and on-premises, never from the internet",
      pe.name, to.empty() ? "" : " to " + to);
  for (const auto& c : pe.connections) {
    if (c.target.index >= 0) {
      entry.reason += fmt::format("; the service's public endpoint is separate: explain --to {}",
                                  m.paas_services[c.target.index].name);
      break;
    }
  }
  t.hops.push_back(entry);
  finish_trace(t, "");
}

}  // namespace

bool explain_entry_point(const model::Model& m, FlowTrace& t) {
  const FlowQuery& q = t.query;
  auto no_backend = [&]() {
    if (q.backend.empty()) return false;
    t.status = FlowTrace::Status::kBadBackend;
    t.error = fmt::format(
        "--backend '{}' applies only when the target is a load balancer frontend's or an application "
        "gateway's public IP",
        q.backend);
    return true;
  };
  bool gateway_named = false;
  const auto gateways = gateways_named(m, q.target, gateway_named);
  if (gateways.size() > 1) {
    t.status = FlowTrace::Status::kAmbiguousTarget;
    for (const auto& [g, f] : gateways) t.candidates.push_back(m.application_gateways[g].frontends[f].id);
    std::sort(t.candidates.begin(), t.candidates.end());
    t.error = fmt::format("ambiguous target '{}': it names {} public application gateway frontends", q.target,
                          gateways.size());
    return true;
  }
  if (gateways.size() == 1) {
    explain_application_gateway(m, t, gateways.front().first, gateways.front().second);
    return true;
  }
  if (gateway_named) {
    t.status = FlowTrace::Status::kBadTarget;
    t.error = fmt::format("application gateway '{}' has no public frontend: the internet does not reach it", q.target);
    return true;
  }
  if (const auto bastions = bastions_named(m, q.target); !bastions.empty()) {
    if (bastions.size() > 1) {
      t.status = FlowTrace::Status::kAmbiguousTarget;
      for (int b : bastions) t.candidates.push_back(m.bastion_hosts[b].id);
      std::sort(t.candidates.begin(), t.candidates.end());
      t.error = fmt::format("ambiguous target '{}': it names {} Bastion hosts", q.target, bastions.size());
      return true;
    }
    if (!no_backend()) explain_bastion(m, t, bastions.front());
    return true;
  }
  if (const auto services = services_named(m, q.target); !services.empty()) {
    if (services.size() > 1) {
      t.status = FlowTrace::Status::kAmbiguousTarget;
      for (const auto& [s, scm] : services) t.candidates.push_back(m.paas_services[s].id);
      std::sort(t.candidates.begin(), t.candidates.end());
      t.error = fmt::format("ambiguous target '{}': it names {} PaaS services", q.target, services.size());
      return true;
    }
    if (!no_backend()) explain_paas(m, t, services.front().first, services.front().second);
    return true;
  }
  if (const auto pes = private_endpoints_named(m, q.target); !pes.empty()) {
    if (pes.size() > 1) {
      t.status = FlowTrace::Status::kAmbiguousTarget;
      for (int p : pes) t.candidates.push_back(m.private_endpoints[p].id);
      std::sort(t.candidates.begin(), t.candidates.end());
      t.error = fmt::format("ambiguous target '{}': it names {} private endpoints", q.target, pes.size());
      return true;
    }
    if (!no_backend()) explain_private_endpoint(m, t, pes.front());
    return true;
  }
  return false;
}

}  // namespace exposim::solver::explain_internal
