// explain() through a network virtual appliance (--via appliance): the client reaches the appliance's public IP
// (its own NSGs admit it), the appliance is assumed to forward the packet with the client's address to a host whose
// subnet routes its internet-bound replies back to the appliance, and that host's NSGs see the client. The same
// decisions as analyze's appliance stage (solver/appliance.cpp), for one packet (docs/model.md, "Network virtual
// appliances").
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "solver/appliance.h"
#include "solver/explain/internal.h"
#include "solver/exposure.h"
#include "solver/network.h"
#include "solver/path.h"

namespace exposim::solver::explain_internal {

using model::IpAddress;
using K = HopKind;
using RK = model::ResourceKind;

namespace {

/// The network virtual appliances of the input as analyze finds them: the ip configurations with a public IP and a
/// private IP of a NIC with IP forwarding.
std::vector<model::IpConfigIndex> explain_appliance_candidates(const model::Model& m) {
  std::vector<model::IpConfigIndex> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& nic = m.nics[n];
    if (!nic.enable_ip_forwarding) continue;
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& cfg = nic.ip_configurations[c];
      if (cfg.public_ip.set() && cfg.private_ip) out.push_back({static_cast<int>(n), static_cast<int>(c)});
    }
  }
  return out;
}

/// Does the route `r` lead to appliance `a`'s private IP?
bool explain_route_to_appliance(const model::Model& m, const RouteChoice& r, const model::IpConfigIndex& a) {
  const auto& acfg = m.nics[a.nic].ip_configurations[a.ip_configuration];
  return r.next_hop == model::NextHopType::kVirtualAppliance && r.next_hop_ip && acfg.private_ip &&
         r.next_hop_ip->value == acfg.private_ip->value;
}

/// Is appliance `a` in front of `x` as analyze decides it: x's subnet sends the replies it diverts to the appliance,
/// x is not the appliance's own NIC, and x is of the appliance's public IP's version.
bool explain_appliance_in_front(const model::Model& m, const AddressSpace& space, const model::IpConfigIndex& a,
                                const model::IpConfigIndex& x) {
  if (a.nic == x.nic) return false;
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  const int pip = m.nics[a.nic].ip_configurations[a.ip_configuration].public_ip.index;
  if (pip >= 0 && m.public_ips[pip].family != cfg.family) return false;
  const auto d = reply_diversion(m, space, cfg.subnet.index, cfg.family);
  return d && explain_route_to_appliance(m, d->second, a);
}

/// The ip configurations the target text names: a NIC or VM (name or id), an ip configuration id, a private IP.
std::set<model::IpConfigIndex> explain_appliance_targets(const model::Model& m, const std::string& text) {
  std::set<model::IpConfigIndex> found;
  const auto ip = IpAddress::parse(text);
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& nic = m.nics[n];
    const int vm = nic.virtual_machine.index;
    const bool whole = !ip && (named(nic, canonical, lowered) || (vm >= 0 && named(m.vms[vm], canonical, lowered)));
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& cfg = nic.ip_configurations[c];
      if (ip ? cfg.private_ip == ip : whole || cfg.key == canonical) {
        found.insert({static_cast<int>(n), static_cast<int>(c)});
      }
    }
  }
  return found;
}

QueryCandidate explain_appliance_candidate(const model::IpConfigIndex& a) {
  return QueryCandidate{RK::kNetworkInterface, a.nic, a.ip_configuration, true, std::nullopt};
}

/// The packet as it reaches the appliance's public IP: the query's protocol and port when the appliance admits the
/// client there (analyze's own exposures of the appliance), else the first protocol and port at which it does (the
/// appliance's translation is unknown: analyze takes every source it admits at all); the query's when none does.
FlowQuery explain_appliance_entry_packet(const model::Model& m, const Analysis& a, const model::IpConfigIndex& at,
                                         const FlowQuery& q) {
  FlowQuery entry = q;
  entry.via_appliance = false;
  entry.appliance.clear();
  entry.backend.clear();
  const auto& nic = m.nics[at.nic];
  entry.target = model::ip_configuration_id(nic, nic.ip_configurations[at.ip_configuration]);
  std::optional<FlowQuery> other;
  for (const auto& e : a.exposures) {
    if (e.via != Via::kPublicIp || e.nic != at.nic || e.ip_configuration != at.ip_configuration) continue;
    if (!e.sources.contains(q.source.value)) continue;
    const bool ported = model::has_ports(e.protocol);
    if (ported && (e.ports.empty() || e.source_ports.empty())) continue;
    if (e.protocol == q.protocol &&
        (!ported || (e.ports.contains(q.destination_port) && e.source_ports.contains(q.source_port)))) {
      return entry;
    }
    if (!other) {
      other = entry;
      other->protocol = e.protocol;
      other->destination_port = ported ? e.ports.intervals().front().lo : std::uint16_t{0};
      other->source_port = !ported                                                                  ? std::uint16_t{0}
                           : model::has_ports(q.protocol) && e.source_ports.contains(q.source_port) ? q.source_port
                           : e.source_ports.contains(49152) ? std::uint16_t{49152}
                                                            : e.source_ports.intervals().front().lo;
    }
  }
  return other ? *other : entry;
}

Reason explain_appliance_reason(ReasonCode code, const model::Model& m, const model::IpConfigIndex& a,
                                const model::IpConfigIndex& x, const FlowQuery& q) {
  Reason why;
  why.code = code;
  why.entry = EntryPoint{RK::kNetworkInterface, a.nic};
  why.target = x;
  why.public_ip = m.nics[a.nic].ip_configurations[a.ip_configuration].public_ip.index;
  why.flow = FlowPacket{q.source, q.protocol, q.source_port, q.destination_port};
  return why;
}

/// Chooses the appliance (--via appliance:NAME, or the only one in front of `x`); sets t's error fields when it
/// cannot.
std::optional<model::IpConfigIndex> explain_choose_appliance(const model::Model& m, const AddressSpace& space,
                                                             FlowTrace& t, const model::IpConfigIndex& x) {
  const FlowQuery& q = t.query;
  const auto all = explain_appliance_candidates(m);
  std::vector<model::IpConfigIndex> chosen;
  if (!q.appliance.empty()) {
    const std::string canonical = model::canonical_id(q.appliance);
    const std::string lowered = lower(q.appliance);
    for (const auto& a : all) {
      const auto& nic = m.nics[a.nic];
      const int vm = nic.virtual_machine.index;
      if (named(nic, canonical, lowered) || (vm >= 0 && named(m.vms[vm], canonical, lowered))) chosen.push_back(a);
    }
    if (chosen.size() > 1) {  // a NIC with several public ip configurations: the ones in front of the target
      std::vector<model::IpConfigIndex> front;
      for (const auto& a : chosen) {
        if (explain_appliance_in_front(m, space, a, x)) front.push_back(a);
      }
      if (front.size() == 1) chosen = front;
    }
    if (chosen.size() == 1) return chosen.front();
    QueryError& e = query_error(t, chosen.empty() ? FlowTrace::Status::kBadTarget : FlowTrace::Status::kAmbiguousTarget,
                                QueryOption::kVia,
                                chosen.empty() ? QueryErrorCode::kApplianceUnknown : QueryErrorCode::kApplianceSeveral);
    e.via = q.appliance;
    e.kind = RK::kNetworkInterface;
    e.count = chosen.size();
    for (const auto& a : chosen) e.candidates.push_back(explain_appliance_candidate(a));
    return std::nullopt;
  }
  for (const auto& a : all) {
    if (explain_appliance_in_front(m, space, a, x)) chosen.push_back(a);
  }
  if (chosen.size() == 1) return chosen.front();
  QueryError& e =
      query_error(t, chosen.empty() ? FlowTrace::Status::kBadTarget : FlowTrace::Status::kAmbiguousTarget,
                  QueryOption::kVia, chosen.empty() ? QueryErrorCode::kNoAppliance : QueryErrorCode::kAppliancesFront);
  e.kind = RK::kNetworkInterface;
  e.count = chosen.size();
  for (const auto& a : chosen.empty() ? all : chosen) e.candidates.push_back(explain_appliance_candidate(a));
  return std::nullopt;
}

}  // namespace

void explain_via_appliance(const model::Model& m, FlowTrace& t, const Analysis* analysis) {
  const FlowQuery& q = t.query;
  if (!q.backend.empty()) {
    query_error(t, FlowTrace::Status::kBadBackend, QueryOption::kBackend, QueryErrorCode::kBackendNotApplicable)
        .applies_to = BackendAppliesTo::kLoadBalancerGatewayOrAmbiguous;
    return;
  }
  // The target: an ip configuration of a NIC or VM, or a private IP; of a dual-stack one, the client's version.
  auto found = explain_appliance_targets(m, q.target);
  if (found.size() > 1) {
    std::set<model::IpConfigIndex> same;
    for (const auto& x : found) {
      if (m.nics[x.nic].ip_configurations[x.ip_configuration].family == q.source.family()) same.insert(x);
    }
    if (same.size() == 1) found = same;
  }
  if (found.empty()) {
    query_error(t, FlowTrace::Status::kUnknownTarget, QueryOption::kTo, QueryErrorCode::kUnknownSessionTarget);
    return;
  }
  if (found.size() > 1) {
    const bool by_address = IpAddress::parse(q.target).has_value();
    QueryError& e =
        query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo,
                    by_address ? QueryErrorCode::kAmbiguousSessionAddress : QueryErrorCode::kAmbiguousSessionName);
    e.count = found.size();
    for (const auto& x : found)
      e.candidates.push_back(QueryCandidate{RK::kNetworkInterface, x.nic, x.ip_configuration, false, std::nullopt});
    return;
  }
  const model::IpConfigIndex x = *found.begin();
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  const auto chosen = explain_choose_appliance(m, space, t, x);
  if (!chosen) return;
  const model::IpConfigIndex a = *chosen;
  const auto& acfg = m.nics[a.nic].ip_configurations[a.ip_configuration];
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  const int subnet = cfg.subnet.index;
  t.appliance = a.nic;
  t.nic = x.nic;
  t.ip_configuration = x.ip_configuration;
  t.vm = m.nics[x.nic].virtual_machine.index;
  t.public_ip = acfg.public_ip.index;
  t.via_public_ip = true;

  // The appliance's own part: the client to its public IP, as explain traces it directly (entry, its NSGs, the route
  // of its replies), on the port where it admits the client.
  std::optional<Analysis> own;
  const Analysis& all = analysis != nullptr ? *analysis : own.emplace(analyze(m));
  const FlowQuery at_appliance = explain_appliance_entry_packet(m, all, a, q);
  const FlowTrace front = explain(m, at_appliance, &all);

  PathEntry how;
  how.via = Via::kAppliance;
  how.public_ip = acfg.public_ip.index;
  how.gateway = a.nic;
  const bool ported = model::has_ports(q.protocol);
  const Destination dst{cfg.private_ip, subnet, &cfg.asgs};
  const PacketSet packet(Cube{model::to_set(q.source), IpSet::all(), model::bit(q.protocol),
                              ported ? PortSet::single(q.source_port) : PortSet::all(),
                              ported ? PortSet::single(q.destination_port) : PortSet::all()});
  const int avnet = vnet_of(m, acfg.subnet);
  const int vnet = vnet_of(m, cfg.subnet);
  bool skip_nsgs = false;  // an AlwaysAllow security admin rule admitted the packet past the NSGs
  for (const Stage& stage : inbound_path(m, how, x)) {
    switch (stage.kind) {
      case K::kSource: t.hops.push_back(source_hop(m, space, q.source, t)); break;
      case K::kEntry:
        // The appliance's entry, its subnet's and NIC's NSGs and its replies' route, from the direct trace.
        for (std::size_t i = 1; front.status == FlowTrace::Status::kOk && i < front.hops.size(); ++i) {
          TraceHop h = front.hops[i];
          const std::string_view scope = h.scope;
          if (h.kind == K::kNsg || h.kind == K::kNoNsg)
            h.scope = scope == "subnet" ? "appliance-subnet" : "appliance-nic";
          if (h.kind == K::kRoute) {
            h.scope = "appliance-return";
            h.breaks = false;  // analyze takes only the clients the appliance answers: the others are not broken
          }
          t.hops.push_back(h);
        }
        break;
      case K::kAppliance: {
        TraceHop h;
        h.kind = K::kAppliance;
        h.resource_kind = RK::kNetworkInterface;
        h.resource = a.nic;
        h.why = explain_appliance_reason(ReasonCode::kApplianceForwards, m, a, x, front.query);
        h.why.address = cfg.private_ip;
        h.why.backend_port = ported ? q.destination_port : -1;
        h.why.onward_protocol = q.protocol;
        const int pip = acfg.public_ip.index;
        h.why.versions_differ = pip >= 0 && m.public_ips[pip].family != cfg.family;
        h.why.passes = front.status == FlowTrace::Status::kOk && front.allowed;
        h.passes = h.why.passes && !h.why.versions_differ;
        t.hops.push_back(h);
        // The forwarded packet keeps its internet source: across a peering, the target's side must allow forwarded
        // traffic (appliance_forward_blocks: analyze decides it with the same function).
        TraceHop forward;
        forward.kind = K::kRoute;
        forward.scope = "forward";
        forward.resource_kind = RK::kSubnet;
        forward.resource = acfg.subnet.index;
        forward.breaks = true;
        forward.why.entry = EntryPoint{RK::kNetworkInterface, a.nic};
        forward.why.address = cfg.private_ip;
        forward.why.broken = appliance_forward_blocks(m, a.nic, avnet, vnet, x);
        forward.passes = forward.why.broken == nullptr;
        if (!forward.passes) {
          forward.why.code = ReasonCode::kForwardedLeg;
        } else if (acfg.subnet.resolved() && cfg.private_ip) {
          const RouteChoice r = choose_route(m, acfg.subnet.index, *cfg.private_ip);
          take_route(forward, r);
          forward.why.code = ReasonCode::kForwardRoute;
          forward.why.route = r;
        } else {
          forward.next_hop = model::NextHopType::kVnetLocal;
          forward.why.code = ReasonCode::kForwardInVnet;
        }
        t.hops.push_back(forward);
        break;
      }
      case K::kAdminRule:  // the target VNet's security admin rules, before its NSGs
        t.hops.push_back(packet_admin_hop(m, space, stage, packet, dst, skip_nsgs));
        break;
      case K::kNsg:
      case K::kNoNsg:
        if (!skip_nsgs) t.hops.push_back(packet_nsg_hop(m, space, stage, packet, dst, q));
        break;
      case K::kRoute: {
        // The reply must go back to the appliance: the client is one of the sources the subnet diverts, and the
        // route analyze takes for them leads to the appliance's private IP.
        TraceHop back;
        back.kind = K::kRoute;
        back.scope = "return";
        back.resource_kind = RK::kSubnet;
        back.resource = subnet;
        const auto d = reply_diversion(m, space, subnet, cfg.family);
        const bool diverted = d && d->first.contains(q.source.value);
        const RouteChoice r = diverted ? d->second : reply_route(m, subnet, q.source);
        take_route(back, r);
        back.passes = diverted && explain_route_to_appliance(m, r, a);
        back.why = explain_appliance_reason(ReasonCode::kApplianceReturn, m, a, x, q);
        back.why.route = r;
        back.why.subnet = subnet;
        back.why.address = q.source;
        back.why.passes = back.passes;
        t.hops.push_back(back);
        break;
      }
      default: break;  // kTarget: analyze's last hop
    }
  }
  finish_trace(t, explain_appliance_reason(ReasonCode::kAllowedThroughAppliance, m, a, x, q));
}

}  // namespace exposim::solver::explain_internal
