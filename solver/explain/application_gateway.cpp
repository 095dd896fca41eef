// explain() through an application gateway: its subnet's NSG and the listener, then one backend (--backend) with the
// route to it, an Azure Firewall crossed both ways, and the backend's NSGs seeing the gateway subnet.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "solver/application_gateway.h"
#include "solver/explain/internal.h"
#include "solver/firewall.h"
#include "solver/forwarding.h"
#include "solver/load_balancer.h"
#include "solver/network.h"
#include "solver/path.h"
#include "solver/ports_and_sources.h"

namespace exposim::solver::explain_internal {

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

/// What an Azure Firewall crossed both ways decides for an application gateway's connection to a backend.
struct FirewallLeg {
  IpSet sources;     // the gateway subnet's addresses the NSG hops then see
  int firewall{-1};  // for the verdict: the firewall that passes it (-1: none, or it does not pass)
  int position{-1};  // ... by the rule at this position of its order (-1: its policy is missing, assumed to allow)
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
  FirewallLeg out{inner, -1, -1};
  const auto& cfg = m.nics[b.x.nic].ip_configurations[b.x.ip_configuration];
  const std::optional<IpAddress> destination = b.lb_address ? b.lb_address : cfg.private_ip;
  const std::uint16_t port = b.lb_address ? b.lb_port : b.port;
  // The reason `code` of this crossing.
  auto because = [&](ReasonCode code) {
    Reason why;
    why.code = code;
    why.firewall = fw;
    why.address = address;
    why.destination = destination;
    why.backend_port = port;
    return why;
  };
  if (firewall.policy.set() && !firewall.policy.resolved()) {
    h.passes = true;
    h.why = because(ReasonCode::kAgFirewallPolicyMissing);
    out.firewall = fw;
    t.hops.push_back(h);
    return out;
  }
  if (!destination) {
    h.why = because(ReasonCode::kAgFirewallUnallocated);
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
    h.why = because(ReasonCode::kAgFirewallCrossing);
    t.hops.push_back(h);
    return out;
  }
  h.passes = chosen->allow;
  h.rule = chosen->position;
  if (chosen->position < 0) {
    h.scope = "default";
    h.why = because(ReasonCode::kAgFirewallDefaultDeny);
  } else {
    const auto& at = firewall.order[chosen->position];
    const bool network = rule_at(m, firewall, at).kind == model::FirewallRuleKind::kNetwork;
    h.scope = network ? "network" : "application";
    h.why = because(ReasonCode::kAgFirewallRule);
    h.why.rule = chosen->position;
    h.why.passes = chosen->allow;
    h.why.assumed = chosen->assumed;
    if (chosen->allow) {
      out.firewall = fw;
      out.position = chosen->position;
    }
  }
  h.why.sources = chosen_sources;
  if (chosen->allow) out.sources = chosen_sources;
  t.hops.push_back(h);
  return out;
}

/// The packet to frontend `fi` of gateway `gi`: a public frontend's public IP, or (`dnat`) a private frontend a
/// firewall's DNAT rule translates the packet to, the gateway then listening on the translated port.
void explain_application_gateway(const model::Model& m, FlowTrace& t, int gi, int fi,
                                 const DnatToGateway* dnat = nullptr) {
  const FlowQuery& q = t.query;
  const auto& g = m.application_gateways[gi];
  const auto& fe = g.frontends[fi];
  const int pip = dnat != nullptr ? t.public_ip : fe.public_ip.index;
  const std::uint16_t port = dnat != nullptr ? dnat->port : q.destination_port;  // the port the gateway listens on
  t.application_gateway = gi;
  t.public_ip = pip;
  t.via_public_ip = true;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  // The reason `code` about this gateway and the packet.
  auto because = [&](ReasonCode code) {
    Reason why;
    why.code = code;
    why.entry = EntryPoint{RK::kApplicationGateway, gi};
    why.frontend = fi;
    why.public_ip = pip;
    why.flow = FlowPacket{q.source, q.protocol, q.source_port, q.destination_port};
    return why;
  };
  // Each stage of the path (solver/path.h) decided for the packet; they go on the trace in the stages' order, by
  // walk() below.
  const TraceHop source = dnat != nullptr ? dnat->source : source_hop(m, space, q.source, t);
  const TraceHop entry =
      dnat != nullptr ? dnat->entry : entry_hop(m, pip, q, EntryPoint{RK::kApplicationGateway, gi}, fi);
  const model::Ref subnet_ref = gateway_subnet(g);
  // Behind a DNAT rule the gateway subnet's NSG sees the firewall's SNAT addresses on the translated port.
  const TraceHop entry_nsg =
      dnat != nullptr
          ? snat_entry_nsg_hop(m, space, q, subnet_ref, gateway_frontend_addresses(m, g), port, "gateway-subnet",
                               EntryPoint{RK::kApplicationGateway, gi}, dnat->snat, dnat->snat_address)
          : entry_nsg_hop(m, space, q, subnet_ref, gateway_frontend_addresses(m, g), port, "gateway-subnet",
                          EntryPoint{RK::kApplicationGateway, gi});
  // The gateway's own admin stage, where its path has one (gateway_admin_vnet: Allow and AlwaysAllow rules only),
  // and whether an AlwaysAllow rule admitted the packet past the gateway subnet's NSG. Behind a DNAT rule it sees
  // the firewall's SNAT addresses, as the NSG does.
  bool entry_skip_nsg = false;
  TraceHop entry_admin;
  const GatewayListeners which = dnat != nullptr ? GatewayListeners::kBehindDnat : GatewayListeners::kPublicFrontends;
  if (const int admin_vnet = gateway_admin_vnet(m, gi, which); admin_vnet >= 0) {
    entry_admin = dnat != nullptr ? snat_entry_admin_hop(m, space, admin_vnet, dnat->snat, port, subnet_ref.index,
                                                         gateway_frontend_addresses(m, g), entry_skip_nsg)
                                  : packet_entry_admin_hop(m, space, admin_vnet, q, port, subnet_ref.index,
                                                           gateway_frontend_addresses(m, g), true, entry_skip_nsg);
  }
  PathEntry how;
  how.via = Via::kApplicationGateway;
  how.gateway = gi;
  how.public_ip = pip;
  how.hub_address = pip < 0 && t.entry_address.has_value();
  if (dnat != nullptr) {
    how.dnat_firewall = dnat->firewall;
    how.dnat_rule = dnat->rule;
  }

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
    if (fp.unknown || fp.port == port) on_port.push_back(static_cast<int>(li));  // unknown: every port
  }
  if (q.protocol != Protocol::kTcp) {
    listener.why = because(ReasonCode::kAgNotTcp);
  } else if (on_port.empty()) {
    listener.why = because(ReasonCode::kAgNoListener);
    listener.why.flow.destination_port = port;  // behind a DNAT rule: the translated port
  } else {
    const int li = on_port.front();
    const auto& l = g.listeners[li];
    t.listener = listener.listener = listener.rule = li;
    listener.frontend_port = port;
    listener.waf_mode = model::effective_waf_mode(g, l);
    listener.passes = true;
    listener.why = because(ReasonCode::kAgListener);
    listener.why.listener = li;
    listener.why.waf_mode = listener.waf_mode;
    listener.why.also.assign(on_port.begin() + 1, on_port.end());
  }
  TraceHop routing;
  routing.kind = K::kApplicationGateway;
  routing.scope = "routing";
  routing.resource_kind = RK::kApplicationGateway;
  routing.resource = gi;
  TraceHop forward;
  TraceHop back;
  TraceHop internal_lb;  // the internal load balancer between the gateway and the backend, if any
  FirewallLeg through;
  ForwardedSources who = ForwardedSources::kGatewaySubnet;
  std::optional<IpAddress> appliance;
  const AgBackend* chosen = nullptr;
  // Puts the stages on the trace up to `last` (none: all of them), each as decided.
  auto walk = [&](const std::vector<Stage>& stages, std::string_view last) {
    bool target_nsgs = false;
    bool skip_nsgs = false;   // an AlwaysAllow security admin rule admitted the leg past the backend's NSGs
    bool at_gateway = false;  // the stages before the gateway's are a DNAT rule's (its forward route)
    for (const Stage& stage : stages) {
      const std::string_view scope = stage.scope;
      switch (stage.kind) {
        case K::kSource: t.hops.push_back(source); break;
        case K::kEntry: t.hops.push_back(entry); break;
        case K::kApplicationGateway:
          at_gateway = true;
          t.hops.push_back(scope == "listener" ? listener : routing);
          break;
        case K::kAdminRule: {               // the backend VNet's security admin rules, on the gateway's addresses
          if (scope == "gateway-subnet") {  // the gateway's own, before its subnet's NSG
            t.hops.push_back(entry_admin);
            break;
          }
          if (chosen == nullptr) break;
          const auto& bcfg = m.nics[chosen->x.nic].ip_configurations[chosen->x.ip_configuration];
          const Destination bdst{bcfg.private_ip, bcfg.subnet.index, &bcfg.asgs};
          const PacketSet leg(Cube{through.sources, IpSet::all(), model::bit(model::Protocol::kTcp), PortSet::all(),
                                   PortSet::single(chosen->port)});
          t.hops.push_back(packet_admin_hop(m, space, stage, leg, bdst, skip_nsgs));
          break;
        }
        case K::kNsg:
        case K::kNoNsg:
          if (scope == "gateway-subnet") {
            if (!entry_skip_nsg) t.hops.push_back(entry_nsg);
          } else if (!target_nsgs && !skip_nsgs) {  // the backend's two NSG stages, decided together
            target_nsgs = true;
            forwarded_nsg_hops(m, space, Via::kApplicationGateway, chosen->x, through.sources, chosen->port, who,
                               through.sources, t);
          }
          break;
        case K::kRoute:
          t.hops.push_back(!at_gateway && dnat != nullptr ? dnat->forward : scope == "forward" ? forward : back);
          break;
        case K::kLoadBalancer: t.hops.push_back(internal_lb); break;  // the internal load balancer's rule
        case K::kFirewall:
          if (scope == "dnat" && dnat != nullptr) {  // a DNAT rule to a private frontend
            t.hops.push_back(dnat->dnat);
            break;
          }
          // crossed both ways: its rules decide which of the gateway subnet's addresses go on
          through = gateway_firewall_hop(m, space, t, stage.resource, *appliance, *chosen, through.sources);
          if (!(through.sources == subnet_space(m, subnet_ref.index))) {
            who = ForwardedSources::kGatewaySubnetThroughFirewall;
          }
          break;
        default: break;  // the target (analyze's)
      }
      if (!last.empty() && scope == last) return;
    }
  };
  if (!listener.passes) {
    walk(gateway_head_path(m, how), "listener");
    finish_trace(t, Reason{});
    return;
  }
  how.gateway_rule = t.listener;

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
  routing.listener = t.listener;
  routing.passes = true;
  if (inner.empty()) {
    routing.why = because(ReasonCode::kAgSubnetUnknown);
  } else if (candidates.empty()) {
    routing.why = because(ReasonCode::kAgNoBackend);
    routing.why.unresolved = unresolved;
  }
  if (inner.empty() || candidates.empty()) {
    walk(gateway_head_path(m, how), "");
    Reason allowed = because(ReasonCode::kAllowedAgListener);
    allowed.listener = t.listener;
    finish_trace(t, std::move(allowed));
    return;
  }
  std::size_t pick = 0;
  if (!q.backend.empty()) {
    pick = candidates.size();
    for (std::size_t i = 0; i < candidates.size() && pick == candidates.size(); ++i) {
      if (names_member(m, candidates[i].x, q.backend)) pick = i;
    }
    if (pick == candidates.size()) {
      QueryError& e = query_error(t, FlowTrace::Status::kBadBackend, QueryOption::kBackend,
                                  QueryErrorCode::kBackendNotGatewayBackend);
      e.kind = model::ResourceKind::kApplicationGateway;
      e.index = t.application_gateway;
      e.child = t.listener;
      t.hops.clear();
      std::set<model::IpConfigIndex> listed;
      for (const auto& c : candidates) {
        if (listed.insert(c.x).second) {
          e.candidates.push_back(QueryCandidate{model::ResourceKind::kNetworkInterface, c.x.nic, c.x.ip_configuration,
                                                false, std::nullopt});
        }
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
  routing.routing_rule = b.rule;
  routing.routing_target = b.target;
  routing.frontend_port = port;
  routing.backend_port = b.port;
  routing.internal_lb = b.lb;
  routing.internal_lb_rule = b.lb_rule;
  routing.why = because(ReasonCode::kAgRouting);
  routing.why.routing_rule = b.rule;
  routing.why.routing_target = b.target;
  routing.why.target = b.x;
  routing.why.backend_port = b.port;
  routing.why.load_balancer = b.lb;
  routing.why.rule = b.lb_rule;
  routing.why.members = routing.backends;
  routing.why.backend = !q.backend.empty()            ? LbBackend::kChosen
                        : routing.backends.size() > 1 ? LbBackend::kFirst
                                                      : LbBackend::kOnly;

  if (b.lb >= 0) {  // the leg's members: the candidates of the same routing target and load balancer rule, in order
    std::vector<model::IpConfigIndex> members;
    for (const auto& c : candidates) {
      if (c.rule == b.rule && c.target == b.target && c.lb == b.lb && c.lb_rule == b.lb_rule) members.push_back(c.x);
    }
    const auto at = std::find(members.begin(), members.end(), b.x) - members.begin();
    internal_lb = internal_lb_hop(m, EntryPoint{RK::kApplicationGateway, gi}, b.lb, b.lb_rule, b.lb_address, b.lb_port,
                                  b.port, std::move(members), static_cast<std::size_t>(at), !q.backend.empty());
  }
  t.nic = b.x.nic;
  t.ip_configuration = b.x.ip_configuration;
  t.vm = m.nics[b.x.nic].virtual_machine.index;
  std::tie(forward, back) = forwarded_route_hops(m, EntryPoint{RK::kApplicationGateway, gi}, vnet, subnet, b.x, true,
                                                 b.lb_address, &appliance);
  chosen = &b;
  through = FirewallLeg{inner, -1, -1};
  how.load_balancer = b.lb;
  how.rule = b.lb_rule;
  how.crossing_firewall = appliance ? firewall_at(m, *appliance) : -1;
  walk(inbound_path(m, how, b.x), "");
  Reason allowed = because(ReasonCode::kAllowedAgBackend);
  allowed.listener = t.listener;
  allowed.routing_rule = b.rule;
  allowed.routing_target = b.target;
  allowed.target = b.x;
  allowed.backend_port = b.port;
  allowed.firewall = through.firewall;
  allowed.rule = through.position;
  finish_trace(t, std::move(allowed));
}

}  // namespace

void explain_gateway_behind_dnat(const model::Model& m, FlowTrace& t, int gateway, int frontend,
                                 const DnatToGateway& d) {
  explain_application_gateway(m, t, gateway, frontend, &d);
}

/// When t.query.target names an application gateway (or a public IP of one): traces the packet (or sets t's error
/// fields) and returns true; otherwise returns false.
bool explain_application_gateway_target(const model::Model& m, FlowTrace& t) {
  const FlowQuery& q = t.query;
  bool gateway_named = false;
  const auto gateways = gateways_named(m, q.target, gateway_named);
  if (gateways.size() > 1) {
    QueryError& e =
        query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo, QueryErrorCode::kAmbiguousResources);
    e.kind = model::ResourceKind::kApplicationGateway;
    e.count = gateways.size();
    for (const auto& [g, f] : gateways) e.candidates.push_back(QueryCandidate{e.kind, g, f, false, std::nullopt});
    return true;
  }
  if (gateways.size() == 1) {
    explain_application_gateway(m, t, gateways.front().first, gateways.front().second);
    return true;
  }
  if (gateway_named) {
    query_error(t, FlowTrace::Status::kBadTarget, QueryOption::kTo, QueryErrorCode::kNoPublicFrontend);
    return true;
  }
  return false;
}

}  // namespace exposim::solver::explain_internal
