// explain() through an application gateway: its subnet's NSG and the listener, then one backend (--backend) with the
// route to it, an Azure Firewall crossed both ways, and the backend's NSGs seeing the gateway subnet.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "solver/explain/internal.h"
#include "solver/firewall.h"
#include "solver/forwarding.h"
#include "solver/network.h"

namespace exposim::solver::explain_internal {

/// "10.0.2.0/24", or the first three CIDRs and how many more.
std::string cidrs(const IpSet& s) {
  const auto all = model::to_cidr_strings(s);
  if (all.empty()) return "no address";
  std::string out;
  for (std::size_t i = 0; i < all.size() && i < 3; ++i) out += (i ? ", " : "") + all[i];
  if (all.size() > 3) out += fmt::format(" and {} more", all.size() - 3);
  return out;
}

using model::Access;
using model::Direction;
using model::IpAddress;
using model::Protocol;
using K = HopKind;
using RK = model::ResourceKind;

namespace {

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
    h.why = said(fmt::format("{}; its policy is not in the input: assumed to allow", crossing));
    out.through = fmt::format("firewall '{}' (policy not in the input, assumed to allow)", firewall.name);
    t.hops.push_back(h);
    return out;
  }
  if (!destination) {
    h.why =
        said(fmt::format("{}, but the backend's address is not allocated: no rule can be decided (analyze reports "
                         "no flow)",
                         crossing));
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
      forwarded_nsg_hops(m, space, Via::kApplicationGateway, b.x, share.sources, b.port, ForwardedSources::kUnnamed,
                         IpSet{}, scratch);
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
    h.why = said(crossing);
    t.hops.push_back(h);
    return out;
  }
  h.passes = chosen->allow;
  h.rule = chosen->position;
  const std::string flow =
      fmt::format("tcp from {} to {} port {}", cidrs(chosen_sources), destination->to_string(), port);
  if (chosen->position < 0) {
    h.scope = "default";
    h.why =
        said(fmt::format("no rule matched: default deny (no network or application rule of firewall '{}' takes {}); "
                         "{}",
                         firewall.name, flow, crossing));
  } else {
    const auto& at = firewall.order[chosen->position];
    const bool network = rule_at(m, firewall, at).kind == model::FirewallRuleKind::kNetwork;
    h.scope = network ? "network" : "application";
    h.why = said(
        fmt::format("{} {} {}; {}", rule_label(m, firewall, at), chosen->allow ? "allows" : "denies", flow, crossing));
    if (chosen->assumed) h.why.text += fmt::format(" ({})", kAssumedFqdnNote);
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
  t.hops.push_back(entry_hop(m, pip, q, EntryPoint{RK::kApplicationGateway, gi}, fi));
  const model::Ref subnet_ref = gateway_subnet(g);
  t.hops.push_back(entry_nsg_hop(m, space, q, subnet_ref, gateway_frontend_addresses(m, g), q.destination_port,
                                 "gateway-subnet", EntryPoint{RK::kApplicationGateway, gi}));

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
    listener.why = said(
        fmt::format("{} listens on TCP only (HTTP and HTTPS): {} is not taken", gw_text, model::to_string(q.protocol)));
  } else if (on_port.empty()) {
    listener.why = said(fmt::format("no listener of {} on frontend '{}' port {}: the gateway accepts nothing there",
                                    gw_text, fe.name, q.destination_port));
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
    listener.why =
        said(fmt::format("listener '{}' ({}, port {}, {}) of {} takes the connection; {} (the WAF inspects "
                         "HTTP requests, not addresses or ports)",
                         l.name, model::to_string(l.protocol), q.destination_port, host_names(l), gw_text, waf));
    if (on_port.size() > 1) {
      std::string others;
      for (std::size_t i = 1; i < on_port.size(); ++i) {
        const auto& o = g.listeners[on_port[i]];
        others += fmt::format("{}'{}' ({})", i > 1 ? ", " : "", o.name, host_names(o));
      }
      listener.why.text +=
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
    routing.why = said(
        "the gateway subnet is not in the input (or has no prefix): the source its backends see is "
        "unknown, so no backend is traced (analyze reports none)");
  } else if (candidates.empty()) {
    routing.why = said("no request routing rule of the listener sends requests to a backend in the input");
    if (!unresolved.empty()) {
      std::string list;
      for (const auto& u : unresolved) list += (list.empty() ? "'" : ", '") + u + "'";
      routing.why.text +=
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
  routing.why = said(fmt::format("rule '{}'{} sends requests to pool '{}' with settings '{}' ({}, port {})", rule.name,
                                 target.path_rule.empty() ? "" : fmt::format(" (path rule '{}')", target.path_rule),
                                 pool.name, settings.name, model::to_string(settings.protocol), settings.port));
  if (b.lb >= 0) {
    const auto& lb = m.load_balancers[b.lb];
    routing.why.text += fmt::format(", an address of internal load balancer '{}', whose rule '{}' forwards to port {}",
                                    lb.name, lb.rules[b.lb_rule].name, b.port);
  }
  routing.why.text += fmt::format(
      "; the gateway opens its own connection to {} (the backend sees the gateway subnet "
      "as the source)",
      member_label(m, b.x));
  if (!q.backend.empty()) {
    routing.why.text += ", chosen with --backend";
  } else if (routing.backends.size() > 1) {
    routing.why.text += fmt::format(
        "; traced the first of {} backends (rules in order, then NIC id); choose another "
        "with --backend",
        routing.backends.size());
  }
  t.hops.push_back(routing);

  t.nic = b.x.nic;
  t.ip_configuration = b.x.ip_configuration;
  t.vm = m.nics[b.x.nic].virtual_machine.index;
  std::optional<IpAddress> appliance;
  auto [forward, back] = forwarded_route_hops(m, EntryPoint{RK::kApplicationGateway, gi}, vnet, subnet, b.x, true,
                                              b.lb_address, &appliance);
  t.hops.push_back(forward);
  // Both ways through an Azure Firewall: its rules decide which of the gateway subnet's addresses go on.
  FirewallLeg through{inner, ""};
  ForwardedSources who = ForwardedSources::kGatewaySubnet;
  if (const int fw = appliance ? firewall_at(m, *appliance) : -1; fw >= 0) {
    through = gateway_firewall_hop(m, space, t, fw, *appliance, b, inner);
    if (!(through.sources == inner)) {
      who = ForwardedSources::kGatewaySubnetThroughFirewall;
    }
  }
  forwarded_nsg_hops(m, space, Via::kApplicationGateway, b.x, through.sources, b.port, who,
                     who == ForwardedSources::kGatewaySubnet ? inner : through.sources, t);
  t.hops.push_back(back);
  finish_trace(t, fmt::format("allowed: {} passes listener '{}' of {}, which connects to {} on port {} (rule '{}', "
                              "pool '{}'){}, and replies return",
                              flow, l.name, gw_text, member_label(m, b.x), b.port, rule.name, pool.name,
                              through.through.empty() ? "" : " through " + through.through));
}

}  // namespace

/// When t.query.target names an application gateway (or a public IP of one): traces the packet (or sets t's error
/// fields) and returns true; otherwise returns false.
bool explain_application_gateway_target(const model::Model& m, FlowTrace& t) {
  const FlowQuery& q = t.query;
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
  return false;
}

}  // namespace exposim::solver::explain_internal
