// explain() through an Azure Firewall's public address: the DNAT rule that takes the packet, then the translated
// target as analyze() sees it (the firewall's route, the NSGs seeing its SNAT address, the reply's route).
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
#include "solver/network.h"
#include "solver/nsg.h"
#include "solver/path.h"

namespace exposim::solver::explain_internal {

using model::Access;
using model::Direction;
using model::IpAddress;
using model::Protocol;
using K = HopKind;
using RK = model::ResourceKind;

namespace {

/// A firewall's public address: a public IP resource (`public_ip`), or a secured virtual hub firewall's
/// `hubIPAddresses` address (`public_ip` -1: not a resource). `unknown`: a public IP whose address is only known
/// at deployment (`address` is not used): it could be any of unknown_public_ip_addresses().
struct FirewallAddress {
  int firewall{-1};
  int public_ip{-1};
  IpAddress address;
  bool unknown{false};
};

/// The firewall public addresses that `text` names: the address itself, a public IP's name or id, or the
/// firewall's own name or id (all its addresses).
std::vector<FirewallAddress> firewalls_named(const model::Model& m, const std::string& text) {
  std::vector<FirewallAddress> out;
  const auto ip = IpAddress::parse(text);
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  for (std::size_t f = 0; f < m.firewalls.size(); ++f) {
    const auto pips = firewall_public_ips(m, m.firewalls[f]);
    const auto unknown = firewall_unknown_public_ips(m, m.firewalls[f]);
    const bool itself = !ip && named(m.firewalls[f], canonical, lowered);
    for (const auto& [p, address] : pips) {
      if (std::find(unknown.begin(), unknown.end(), p) != unknown.end()) continue;  // below
      const bool by_name = !ip && p >= 0 && named(m.public_ips[p], canonical, lowered);
      if (itself || (ip && address == *ip) || by_name) out.push_back(FirewallAddress{static_cast<int>(f), p, address});
    }
    for (const int p : unknown) {
      // A template's placeholder address names it too.
      if (itself || (ip && m.public_ips[p].address == *ip) || (!ip && named(m.public_ips[p], canonical, lowered))) {
        out.push_back(FirewallAddress{static_cast<int>(f), p, IpAddress{}, true});
      }
    }
  }
  return out;
}

/// A packet to a firewall's public address (a public IP, or a secured hub firewall's address): the DNAT rule,
/// then the translated target as analyze() sees it.
void explain_dnat(const model::Model& m, FlowTrace& t, const FirewallAddress& at) {
  const FlowQuery& q = t.query;
  const int f = at.firewall;
  const int pip = at.public_ip;
  const auto& fw = m.firewalls[f];
  const bool ported = model::has_ports(q.protocol);
  t.firewall = f;
  t.public_ip = pip;
  if (pip < 0) t.entry_address = at.address;
  t.via_public_ip = true;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  const IpAddress& src = q.source;
  const model::IpFamily family = at.unknown ? m.public_ips[pip].family : at.address.family();
  // The reason `code` about this firewall, the packet and the address it was sent to.
  auto because = [&](ReasonCode code) {
    Reason why;
    why.code = code;
    why.firewall = f;
    why.public_ip = pip;
    if (!at.unknown) why.address = at.address;
    why.flow = FlowPacket{src, q.protocol, q.source_port, q.destination_port};
    return why;
  };
  // entry: only clients of the address's own IP version reach it.
  auto entry_of = [&]() {
    TraceHop entry;
    entry.kind = HopKind::kEntry;
    entry.resource_kind = model::ResourceKind::kPublicIp;
    entry.resource = pip;
    entry.passes = src.family() == family;
    entry.why = because(ReasonCode::kFirewallEntry);
    entry.why.versions_differ = !entry.passes;
    return entry;
  };
  // firewall: the first DNAT rule (in Azure's order) whose share of the internet holds the packet.
  const model::FirewallRule* rule = nullptr;
  auto dnat_of = [&]() {
    TraceHop hop;
    hop.kind = HopKind::kFirewall;
    hop.resource_kind = model::ResourceKind::kFirewall;
    hop.resource = f;
    const Packet packet{src.value, at.address.value, q.protocol, ported ? q.source_port : std::uint16_t{0},
                        ported ? q.destination_port : std::uint16_t{0}};
    // A public IP of unknown address: the first rule that takes the packet at some address it could have (as
    // analyze, which reports every rule that could).
    const PacketSet could =
        at.unknown ? PacketSet(Cube{model::to_set(src), unknown_public_ip_addresses(m, fw, pip), model::bit(q.protocol),
                                    PortSet::single(packet.src_port), PortSet::single(packet.dst_port)})
                   : PacketSet{};
    for (const auto& match : dnat_matches(m, fw, space.internet(family))) {
      if (at.unknown ? match.packets.intersect(could).empty() : !match.packets.contains(packet)) continue;
      t.firewall_rule = hop.rule = match.position;
      rule = &rule_at(m, fw, fw.order[match.position]);
      break;
    }
    hop.why = because(rule == nullptr ? ReasonCode::kDnatNoRule : ReasonCode::kDnatRule);
    if (rule != nullptr) {
      hop.passes = true;
      hop.why.rule = hop.rule;
    }
    return hop;
  };
  // The firewall's own stages (solver/path.h, entry_point_path: the source, its public address, the DNAT rule), as
  // analyze lists them for the firewall's own exposures, each decided for the packet: the whole trace when the rule's
  // target is not in the input, else the head of the target's.
  PathEntry own;
  own.via = Via::kFirewallDnat;
  own.public_ip = pip;
  own.hub_address = pip < 0;
  own.gateway = f;
  std::vector<TraceHop> head;
  TraceHop source;
  TraceHop entry;
  TraceHop hop;
  for (const Stage& stage : entry_point_path(m, model::ResourceKind::kFirewall, own)) {
    switch (stage.kind) {
      case HopKind::kSource: head.push_back(source = source_hop(m, space, src, t)); break;
      case HopKind::kEntry: head.push_back(entry = entry_of()); break;
      case HopKind::kFirewall: head.push_back(hop = dnat_of()); break;
      default: break;  // kTarget: analyze's last hop (explain names the target in its verdict)
    }
  }
  std::optional<IpAddress> translated;
  std::uint16_t port = q.destination_port;
  if (rule != nullptr) {
    translated = rule->translated_address;
    if (rule->translated_port != 0) port = rule->translated_port;
  }

  const FirewallSide side = firewall_side(m, fw);
  // forward: peering between the firewall's VNet and the target's (in `to_subnet`, at `to`), and the firewall
  // subnet's route.
  auto forward_hop = [&](const IpAddress& to, int to_subnet) {
    TraceHop forward;
    forward.kind = HopKind::kRoute;
    forward.scope = "forward";
    forward.resource_kind = model::ResourceKind::kSubnet;
    forward.resource = side.subnet;  // == the forward route stage's subnet (firewall_subnet)
    RouteChoice to_target;
    // dnat_forward_blocks (solver/firewall.cpp, shared with analyze) says why a forward route is blocked.
    forward.why.code = ReasonCode::kForwardedLeg;
    forward.why.broken = dnat_forward_blocks(m, fw, side, to, to_subnet, to_target);
    take_route(forward, to_target);
    forward.passes = forward.why.broken == nullptr;
    forward.breaks = true;  // analyze reports the DNAT flow as broken
    if (forward.passes) {
      forward.why = because(ReasonCode::kFirewallForward);
      forward.why.address = to;
      forward.why.route = to_target;
    }
    return forward;
  };

  // The target: an ip configuration holding the translated address.
  std::optional<std::pair<int, int>> target;
  if (translated) {
    for (std::size_t n = 0; n < m.nics.size() && !target; ++n) {
      const auto& cfgs = m.nics[n].ip_configurations;
      for (std::size_t c = 0; c < cfgs.size(); ++c) {
        if (cfgs[c].private_ip == translated) {
          target = std::make_pair(static_cast<int>(n), static_cast<int>(c));
          break;
        }
      }
    }
  }
  // Else an internal load balancer's frontend (docs/model.md#azure-firewall): its first load-balancing rule on the
  // frontend for the protocol and port, as analyze enumerates them, and one member of its pools (--backend, else the
  // first), reached on the rule's backend port.
  int ilb = -1;
  int ilb_frontend = -1;
  int ilb_rule = -1;
  int ilb_port = -1;  // the frontend port of the rule (-1: HA ports)
  TraceHop lb_hop;
  if (!target && translated) {
    for (std::size_t l = 0; l < m.load_balancers.size() && ilb < 0; ++l) {
      const auto& fes = m.load_balancers[l].frontends;
      for (std::size_t fe = 0; fe < fes.size(); ++fe) {
        if (!fes[fe].public_ip.set() && fes[fe].private_ip == translated) {
          ilb = static_cast<int>(l);
          ilb_frontend = static_cast<int>(fe);
          break;
        }
      }
    }
  }
  // Else an application gateway's private frontend: the gateway takes the packet on (its subnet's NSG seeing the
  // firewall's SNAT addresses, the listener on the translated port, the routing rule and a backend).
  if (!target && ilb < 0 && translated && !side.snat.empty()) {
    for (std::size_t g = 0; g < m.application_gateways.size(); ++g) {
      const auto& fes = m.application_gateways[g].frontends;
      for (std::size_t fe = 0; fe < fes.size(); ++fe) {
        if (fes[fe].public_ip.set() || fes[fe].private_ip != translated) continue;
        DnatToGateway d;
        d.source = source;
        d.entry = entry;
        d.dnat = hop;
        d.forward = forward_hop(*translated, gateway_subnet(m.application_gateways[g]).index);
        d.firewall = f;
        d.rule = hop.rule;
        d.snat = side.snat;
        d.snat_address = side.address;
        d.port = port;
        explain_gateway_behind_dnat(m, t, static_cast<int>(g), static_cast<int>(fe), d);
        return;
      }
    }
  }
  if (!q.backend.empty() && ilb < 0) {
    query_error(t, FlowTrace::Status::kBadBackend, QueryOption::kBackend, QueryErrorCode::kBackendNotApplicable)
        .applies_to = BackendAppliesTo::kLoadBalancerOrDnatToInternalLb;
    return;
  }
  if (ilb >= 0) {
    const auto& lb = m.load_balancers[ilb];
    std::vector<model::IpConfigIndex> members;
    std::uint16_t backend_port = port;
    for (std::size_t lr = 0; lr < lb.rules.size() && ported && ilb_rule < 0; ++lr) {
      const auto& r = lb.rules[lr];
      if (r.frontend.child != ilb_frontend || !(r.protocols & model::bit(q.protocol))) continue;
      if (r.frontend_port != 0 && r.frontend_port != port) continue;
      ilb_rule = static_cast<int>(lr);
      ilb_port = r.frontend_port == 0 ? -1 : port;
      backend_port = r.frontend_port == 0 ? port : r.backend_port;
      std::set<model::IpConfigIndex> done;  // as analyze: a member of two of the rule's pools once
      for (const auto& pool : r.backend_pools) {
        if (pool.child < 0) continue;
        for (const auto& x : lb.backend_pools[pool.child].members) {
          if (done.insert(x).second) members.push_back(x);
        }
      }
    }
    if (ilb_rule < 0) {
      lb_hop.kind = HopKind::kLoadBalancer;
      lb_hop.resource_kind = model::ResourceKind::kLoadBalancer;
      lb_hop.resource = ilb;
      lb_hop.why.code = ReasonCode::kLbNoRule;
      lb_hop.why.entry = EntryPoint{model::ResourceKind::kFirewall, f};
      lb_hop.why.load_balancer = ilb;
      lb_hop.why.frontend = ilb_frontend;
      lb_hop.why.address = translated;
      lb_hop.why.flow = FlowPacket{src, q.protocol, q.source_port, port};
    } else {
      std::size_t pick = 0;
      if (!q.backend.empty()) {
        pick = members.size();
        for (std::size_t i = 0; i < members.size() && pick == members.size(); ++i) {
          if (names_member(m, members[i], q.backend)) pick = i;
        }
        if (pick == members.size()) {
          QueryError& e =
              query_error(t, FlowTrace::Status::kBadBackend, QueryOption::kBackend, QueryErrorCode::kBackendNotMember);
          e.kind = model::ResourceKind::kLoadBalancer;
          e.index = ilb;
          e.child = ilb_rule;
          for (const auto& x : members) {
            e.candidates.push_back(
                QueryCandidate{model::ResourceKind::kNetworkInterface, x.nic, x.ip_configuration, false, std::nullopt});
          }
          t.hops.clear();
          return;
        }
      }
      lb_hop = internal_lb_hop(m, EntryPoint{model::ResourceKind::kFirewall, f}, ilb, ilb_rule, translated, port,
                               backend_port, members, pick, !q.backend.empty());
      lb_hop.why.flow.source = src;
      lb_hop.why.flow.protocol = q.protocol;
      lb_hop.why.flow.source_port = q.source_port;
      if (pick < members.size()) target = std::make_pair(members[pick].nic, members[pick].ip_configuration);
    }
    if (!target) {  // no rule takes the packet, or its pools are empty: the trace ends at the load balancer
      t.hops.insert(t.hops.end(), head.begin(), head.end());
      t.hops.push_back(lb_hop);
      finish_trace(t, Reason{});
      return;
    }
    port = backend_port;
  }
  if (!target) {  // the firewall's own stages only
    t.hops.insert(t.hops.end(), head.begin(), head.end());
    Reason allowed;
    if (rule != nullptr) {
      allowed = because(ReasonCode::kAllowedDnatOutside);
      allowed.rule = hop.rule;
    }
    finish_trace(t, std::move(allowed));
    return;
  }
  const auto [n, c] = *target;
  const auto& nic = m.nics[n];
  const auto& cfg = nic.ip_configurations[c];
  t.nic = n;
  t.ip_configuration = c;
  t.vm = nic.virtual_machine.index;
  const int subnet = cfg.subnet.index;
  const std::optional<IpAddress>& snat = side.address;
  const IpSet& snat_set = side.snat;

  // Through an internal load balancer the firewall's route to the backend decides, as analyze decides it.
  const TraceHop forward = forward_hop(ilb >= 0 && cfg.private_ip ? *cfg.private_ip : *translated, subnet);

  // nsg: subnet, then NIC, seeing the SNAT addresses (any of them passing admits the flow, as in analyze).
  const Destination dst{cfg.private_ip, subnet, &cfg.asgs};
  FlowQuery at_target = q;
  at_target.destination_port = port;
  if (snat) at_target.source = *snat;
  PacketSet arriving(Cube{snat_set, IpSet::all(), model::bit(q.protocol),
                          ported ? PortSet::single(q.source_port) : PortSet::all(),
                          ported ? PortSet::single(port) : PortSet::all()});
  auto nsg_hop = [&](const Stage& stage) {
    const NsgSlot& s = stage.slot;
    TraceHop h = nsg_stage_hop(stage);
    if (s.state != NsgSlot::State::kPresent) return h;
    const auto decisions = decide_inbound(m, s, arriving, dst, space);
    const RuleDecision* decided = decisions.empty() ? nullptr : &decisions.front();
    for (const auto& d : decisions) {
      if (d.access == Access::kAllow) {
        decided = &d;
        break;
      }
    }
    if (decided == nullptr) {
      h.why = no_rule_reason();
      arriving = PacketSet{};
      return h;
    }
    h.rule = decided->rule;
    h.passes = decided->access == Access::kAllow;
    h.why = rule_reason(m, s.index, h.rule, at_target, dst, space);
    h.why.nsg.snat = snat_set;
    h.why.nsg.subnet = subnet;
    if (!h.passes) h.why.nsg.excluding_peering = excluding_peering(m, space, subnet, snat_set);
    if (h.passes) arriving = decided->packets;
    return h;
  };
  // route: the replies to the SNAT address must go back to the firewall directly (docs/model.md#azure-firewall).
  auto back_hop = [&]() {
    TraceHop back;
    back.kind = HopKind::kRoute;
    back.scope = "return";
    back.resource_kind = model::ResourceKind::kSubnet;
    back.resource = subnet;
    back.breaks = true;
    if (snat) {
      const RouteChoice r = choose_route(m, subnet, *snat);
      take_route(back, r);
      back.passes = r.next_hop == model::NextHopType::kVnetLocal || r.next_hop == model::NextHopType::kVnetPeering;
      back.why = because(ReasonCode::kFirewallReturn);
      back.why.address = snat;
      back.why.route = r;
      back.why.passes = back.passes;
    } else {
      back.why = because(ReasonCode::kFirewallAddressUnknown);
    }
    return back;
  };

  // The target's path (solver/path.h), the stages analyze evaluates, decided here for the one packet.
  PathEntry how = own;
  how.gateway_rule = hop.rule;
  how.load_balancer = ilb;
  how.rule = ilb_rule;
  how.frontend_port = ilb_port;
  bool skip_nsgs = false;  // an AlwaysAllow security admin rule admitted the packet past the NSGs
  for (const Stage& stage : inbound_path(m, how, model::IpConfigIndex{n, c})) {
    switch (stage.kind) {
      case HopKind::kSource: t.hops.push_back(source); break;
      case HopKind::kEntry: t.hops.push_back(entry); break;
      case HopKind::kFirewall: t.hops.push_back(hop); break;
      case HopKind::kLoadBalancer: t.hops.push_back(lb_hop); break;  // an internal load balancer's rule
      case HopKind::kRoute: t.hops.push_back(std::string_view(stage.scope) == "forward" ? forward : back_hop()); break;
      case HopKind::kAdminRule:  // the target VNet's security admin rules, before its NSGs, on what the NSGs see
        t.hops.push_back(packet_admin_hop(m, space, stage, arriving, dst, skip_nsgs));
        break;
      case HopKind::kNsg:
      case HopKind::kNoNsg:
        if (!skip_nsgs) t.hops.push_back(nsg_hop(stage));
        break;
      default: break;  // kTarget: analyze's last hop (explain names the target in its verdict)
    }
  }
  Reason allowed = because(ReasonCode::kAllowedDnat);
  allowed.rule = hop.rule;
  allowed.target = model::IpConfigIndex{n, c};
  allowed.backend_port = port;
  finish_trace(t, std::move(allowed));
}

}  // namespace

/// When t.query.target names a firewall's public address (or the firewall): traces the packet through its DNAT rule
/// (or sets t's error fields) and returns true; otherwise returns false.
bool explain_firewall_target(const model::Model& m, FlowTrace& t) {
  const FlowQuery& q = t.query;
  const auto fws = firewalls_named(m, q.target);
  if (fws.empty()) return false;
  if (fws.size() > 1) {
    QueryError& e =
        query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo, QueryErrorCode::kAmbiguousResources);
    e.kind = model::ResourceKind::kFirewall;
    e.count = fws.size();
    for (const auto& a : fws) {
      e.candidates.push_back(a.public_ip >= 0
                                 ? QueryCandidate{model::ResourceKind::kPublicIp, a.public_ip, -1, false, std::nullopt}
                                 : QueryCandidate{model::ResourceKind::kFirewall, a.firewall, -1, false, a.address});
    }
    return true;
  }
  explain_dnat(m, t, fws.front());
  return true;
}

}  // namespace exposim::solver::explain_internal
