// explain() through an Azure Firewall's public address: the DNAT rule that takes the packet, then the translated
// target as analyze() sees it (the firewall's route, the NSGs seeing its SNAT address, the reply's route).
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
/// `hubIPAddresses` address (`public_ip` -1: not a resource).
struct FirewallAddress {
  int firewall{-1};
  int public_ip{-1};
  IpAddress address;
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
    const bool itself = !ip && named(m.firewalls[f], canonical, lowered);
    for (const auto& [p, address] : pips) {
      const bool by_name = !ip && p >= 0 && named(m.public_ips[p], canonical, lowered);
      if (itself || (ip && address == *ip) || by_name) out.push_back(FirewallAddress{static_cast<int>(f), p, address});
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
  const TraceHop source = source_hop(m, space, src, t);
  const IpAddress* address = &at.address;
  TraceHop entry;
  entry.kind = HopKind::kEntry;
  entry.resource_kind = model::ResourceKind::kPublicIp;
  entry.resource = pip;
  entry.passes = src.family() == at.address.family();
  if (pip >= 0) {
    const auto& p = m.public_ips[pip];
    entry.why = said(fmt::format("public IP '{}' {} ({}) belongs to firewall '{}'", p.name, address->to_string(),
                                 model::to_string(p.sku), fw.name));
  } else {
    const int hub = model::hub_of_firewall(m, f);
    entry.why = said(fmt::format(
        "{} is a public address of firewall '{}'{} (hubIPAddresses: not a public IP resource)", address->to_string(),
        fw.name, hub >= 0 ? fmt::format(" of secured virtual hub '{}'", m.virtual_hubs[hub].name) : ""));
  }
  if (!entry.passes) entry.why.text += ", but the client and the address are of different IP versions";

  // firewall: the first DNAT rule (in Azure's order) whose share of the internet holds the packet.
  TraceHop hop;
  hop.kind = HopKind::kFirewall;
  hop.resource_kind = model::ResourceKind::kFirewall;
  hop.resource = f;
  const Packet packet{src.value, address->value, q.protocol, ported ? q.source_port : std::uint16_t{0},
                      ported ? q.destination_port : std::uint16_t{0}};
  const model::FirewallRule* rule = nullptr;
  for (const auto& match : dnat_matches(m, fw, space.internet(address->family()))) {
    if (!match.packets.contains(packet)) continue;
    t.firewall_rule = hop.rule = match.position;
    rule = &rule_at(m, fw, fw.order[match.position]);
    break;
  }
  std::string to;
  std::optional<IpAddress> translated;
  std::uint16_t port = q.destination_port;
  if (rule == nullptr) {
    hop.why =
        said(fmt::format("no DNAT rule of firewall '{}' takes {} {} port {}: the firewall drops it (network and "
                         "application rules never admit inbound traffic to the firewall's own addresses)",
                         fw.name, model::to_string(q.protocol), src.to_string(), q.destination_port));
  } else {
    hop.passes = true;
    translated = rule->translated_address;
    if (rule->translated_port != 0) port = rule->translated_port;
    to = translated ? fmt::format("{}:{}", translated->to_string(), port)
                    : fmt::format("FQDN '{}' port {}", rule->translated_fqdn, port);
    hop.why = said(fmt::format("{} translates {}:{} to {}; the source becomes the firewall's own address (SNAT)",
                               rule_label(m, fw, fw.order[hop.rule]), address->to_string(), q.destination_port, to));
  }
  const std::string flow = fmt::format("{} {} -> {}:{}", model::to_string(q.protocol), src.to_string(),
                                       address->to_string(), q.destination_port);

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
  if (!target) {
    t.hops.insert(t.hops.end(), {source, entry, hop});
    finish_trace(t, rule == nullptr ? ""
                                    : fmt::format("allowed: {} is accepted by firewall '{}' and sent to {}, which "
                                                  "is not in the input",
                                                  flow, fw.name, to));
    return;
  }
  const auto [n, c] = *target;
  const auto& nic = m.nics[n];
  const auto& cfg = nic.ip_configurations[c];
  t.nic = n;
  t.ip_configuration = c;
  t.vm = nic.virtual_machine.index;
  const int subnet = cfg.subnet.index;
  const FirewallSide side = firewall_side(m, fw);
  const std::optional<IpAddress>& snat = side.address;
  const IpSet& snat_set = side.snat;

  // forward: peering between the firewall's VNet and the target's, and the firewall subnet's route.
  TraceHop forward;
  forward.kind = HopKind::kRoute;
  forward.scope = "forward";
  forward.resource_kind = model::ResourceKind::kSubnet;
  forward.resource = side.subnet;  // == the forward route stage's subnet (firewall_subnet)
  RouteChoice to_target;
  forward.why = said(dnat_forward_blocks(m, fw, side, *translated, subnet, to_target));
  forward.next_hop = to_target.next_hop;
  if (to_target.user) {
    forward.route_table = to_target.route_table;
    forward.route = to_target.route;
  }
  forward.passes = forward.why.text.empty();
  forward.breaks = true;  // analyze reports the DNAT flow as broken
  if (forward.passes) {
    forward.why = said(fmt::format("the firewall reaches {} by {}", translated->to_string(), describe(m, to_target)));
  }

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
    TraceHop h;
    h.scope = stage.scope;
    if (s.state == NsgSlot::State::kNone) {
      h.kind = HopKind::kNoNsg;
      h.resource_kind = stage.resource_kind;
      h.resource = stage.resource;
      h.passes = true;
      h.why = no_nsg_reason();
      return h;
    }
    h.kind = HopKind::kNsg;
    h.resource_kind = model::ResourceKind::kNetworkSecurityGroup;
    if (s.state == NsgSlot::State::kMissing) {
      h.passes = true;
      h.why = missing_nsg_reason();
      return h;
    }
    h.resource = s.index;
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
      back.next_hop = r.next_hop;
      if (r.user) {
        back.route_table = r.route_table;
        back.route = r.route;
      }
      back.passes = r.next_hop == model::NextHopType::kVnetLocal || r.next_hop == model::NextHopType::kVnetPeering;
      back.why =
          said(back.passes ? fmt::format("the reply to the firewall's address {} takes {}: it returns to the firewall",
                                         snat->to_string(), describe(m, r))
               : r.user    ? fmt::format("asymmetric routing: the reply to the firewall's address {} takes {}, not "
                                            "the firewall instance directly, so the connection fails",
                                         snat->to_string(), describe(m, r))
                        : fmt::format("the reply to the firewall's address {} takes {} and is lost", snat->to_string(),
                                      describe(m, r)));
    } else {
      back.why = said("the firewall's address is unknown");
    }
    return back;
  };

  // The target's path (solver/path.h), the stages analyze evaluates, decided here for the one packet.
  PathEntry how;
  how.via = Via::kFirewallDnat;
  how.public_ip = pip;
  how.hub_address = pip < 0;
  how.gateway = f;
  how.gateway_rule = hop.rule;
  for (const Stage& stage : inbound_path(m, how, model::IpConfigIndex{n, c})) {
    switch (stage.kind) {
      case HopKind::kSource: t.hops.push_back(source); break;
      case HopKind::kEntry: t.hops.push_back(entry); break;
      case HopKind::kFirewall: t.hops.push_back(hop); break;
      case HopKind::kRoute: t.hops.push_back(std::string_view(stage.scope) == "forward" ? forward : back_hop()); break;
      case HopKind::kNsg:
      case HopKind::kNoNsg: t.hops.push_back(nsg_hop(stage)); break;
      default: break;  // kTarget: analyze's last hop (explain names the target in its verdict)
    }
  }
  const std::string cfg_text =
      fmt::format("ip configuration '{}' of NIC '{}' ({})", cfg.name, nic.name, cfg.private_ip->to_string());
  finish_trace(t, fmt::format("allowed: {} reaches {} on port {} through firewall '{}' ({}), and replies return", flow,
                              cfg_text, port, fw.name, "DNAT rule '" + rule->name + "'"));
}

}  // namespace

std::string rule_label(const model::Model& m, const model::Firewall& fw, const model::FirewallRulePosition& at) {
  const auto& c = collection_at(m, fw, at);
  std::string where = fmt::format("collection '{}' (priority {})", c.name, c.priority);
  if (at.policy >= 0) {
    const auto& policy = m.firewall_policies[at.policy];
    where += fmt::format(" of group '{}' in policy '{}'", policy.groups[at.group].name, policy.name);
  }
  const auto& rule = c.rules[at.rule];
  const char* kind = rule.kind == model::FirewallRuleKind::kNat       ? "DNAT"
                     : rule.kind == model::FirewallRuleKind::kNetwork ? "network"
                                                                      : "application";
  return fmt::format("{} rule '{}', {}", kind, rule.name, where);
}

/// When t.query.target names a firewall's public address (or the firewall): traces the packet through its DNAT rule
/// (or sets t's error fields) and returns true; otherwise returns false.
bool explain_firewall_target(const model::Model& m, FlowTrace& t) {
  const FlowQuery& q = t.query;
  const auto fws = firewalls_named(m, q.target);
  if (fws.empty()) return false;
  if (fws.size() > 1) {
    t.status = FlowTrace::Status::kAmbiguousTarget;
    for (const auto& a : fws) {
      t.candidates.push_back(
          a.public_ip >= 0 ? m.public_ips[a.public_ip].id
                           : fmt::format("{} (firewall '{}')", a.address.to_string(), m.firewalls[a.firewall].name));
    }
    std::sort(t.candidates.begin(), t.candidates.end());
    t.error = fmt::format("ambiguous target '{}': it names {} firewall public IPs", q.target, fws.size());
    return true;
  }
  if (!q.backend.empty()) {
    t.status = FlowTrace::Status::kBadBackend;
    t.error =
        fmt::format("--backend '{}' applies only when the target is a load balancer frontend's public IP", q.backend);
    return true;
  }
  explain_dnat(m, t, fws.front());
  return true;
}

}  // namespace exposim::solver::explain_internal
