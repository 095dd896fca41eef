// explain() of an east-west flow: a source inside the estate (a private address, or a NIC, VM or ip configuration by
// name or id) to an ip configuration or private endpoint, hop by hop. The stages are east_west_path()'s
// (solver/east_west.h), the one definition of the path that reach() evaluates over packet sets; each is decided here
// for the one packet: the source VNet's outbound security admin rules, the source's outbound NSGs (NIC, then
// subnet), the route chosen (and where it leads), an Azure Firewall's network or application rule or an appliance's
// assumption, the target VNet's admin rules and the target's inbound NSGs, and the route of the reply. Data only:
// cli/explain_text.cpp writes the words.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "solver/east_west.h"
#include "solver/east_west_internal.h"
#include "solver/explain/internal.h"
#include "solver/firewall.h"
#include "solver/network.h"
#include "solver/nsg.h"

namespace exposim::solver::explain_internal {

using model::Access;
using model::IpAddress;
using model::NextHopType;
using model::Protocol;
using K = HopKind;
using RK = model::ResourceKind;

namespace {

/// An ip configuration a source or target text names.
struct ExplainEwEnd {
  int nic{-1};
  int cfg{-1};
  int endpoint{-1};  // a private endpoint (nic -1)
  IpAddress address;
  friend auto operator<=>(const ExplainEwEnd&, const ExplainEwEnd&) = default;
};

/// Is `a` inside the address space of a VNet of the estate?
bool explain_ew_in_vnets(const model::Model& m, const IpAddress& a) {
  for (const auto& v : m.vnets) {
    for (const auto& p : v.address_space) {
      if (p.contains(a)) return true;
    }
  }
  return false;
}

/// Is `a` inside VNet `vnet`'s own address space?
bool explain_ew_in_vnet(const model::Model& m, int vnet, const IpAddress& a) {
  if (vnet < 0) return false;
  const auto& space = m.vnets[static_cast<std::size_t>(vnet)].address_space;
  return std::any_of(space.begin(), space.end(), [&](const model::IpPrefix& p) { return p.contains(a); });
}

/// The ip configurations (with a private address) a NIC, VM or ip configuration name or id names.
std::set<ExplainEwEnd> explain_ew_named_configs(const model::Model& m, const std::string& text) {
  std::set<ExplainEwEnd> out;
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  auto add_nic = [&](int n, int only) {
    const auto& cfgs = m.nics[static_cast<std::size_t>(n)].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if ((only < 0 || static_cast<int>(c) == only) && cfgs[c].private_ip) {
        out.insert({n, static_cast<int>(c), -1, *cfgs[c].private_ip});
      }
    }
  };
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (named(m.nics[n], canonical, lowered)) add_nic(static_cast<int>(n), -1);
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (cfgs[c].key == canonical) add_nic(static_cast<int>(n), static_cast<int>(c));
    }
  }
  for (const auto& vm : m.vms) {
    if (!named(vm, canonical, lowered)) continue;
    for (const auto& ref : vm.network_interfaces) {
      if (ref.resolved()) add_nic(ref.index, -1);
    }
  }
  return out;
}

/// The ip configurations whose private address is `a`.
std::set<ExplainEwEnd> explain_ew_configs_at(const model::Model& m, const IpAddress& a) {
  std::set<ExplainEwEnd> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (cfgs[c].private_ip == a) out.insert({static_cast<int>(n), static_cast<int>(c), -1, a});
    }
  }
  return out;
}

/// Is NIC `n` a private endpoint's own NIC (which the private endpoint stands for as a target)?
bool explain_ew_endpoint_nic(const model::Model& m, int n) {
  for (const auto& pe : m.private_endpoints) {
    for (const auto& ref : pe.network_interfaces) {
      if (ref.index == n) return true;
    }
  }
  return false;
}

/// What the --to text names as an east-west target: ip configurations (by private address, NIC, VM or ip
/// configuration name or id) and private endpoints (by private address, name or id), a private endpoint's own NIC
/// standing for the endpoint.
std::set<ExplainEwEnd> explain_ew_targets(const model::Model& m, const std::string& text) {
  std::set<ExplainEwEnd> out;
  const auto ip = IpAddress::parse(text);
  const std::set<ExplainEwEnd> cfgs = ip ? explain_ew_configs_at(m, *ip) : explain_ew_named_configs(m, text);
  for (const auto& e : cfgs) {
    if (!explain_ew_endpoint_nic(m, e.nic)) out.insert(e);
  }
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  for (std::size_t p = 0; p < m.private_endpoints.size(); ++p) {
    const auto& pe = m.private_endpoints[p];
    for (const auto& a : pe.private_ips) {
      if (ip ? a == *ip : named(pe, canonical, lowered)) out.insert({-1, -1, static_cast<int>(p), a});
    }
  }
  return out;
}

/// Narrows several ends to one: those of IP version `family` (when given), then the primary ip configurations, then
/// a private endpoint's first address. Leaves `ends` as it is when none or more than one remains.
void explain_ew_narrow(const model::Model& m, std::set<ExplainEwEnd>& ends, std::optional<model::IpFamily> family) {
  auto keep = [&](auto pred) {
    std::set<ExplainEwEnd> kept;
    for (const auto& e : ends) {
      if (pred(e)) kept.insert(e);
    }
    if (!kept.empty()) ends = std::move(kept);
  };
  if (ends.size() > 1 && family) keep([&](const ExplainEwEnd& e) { return e.address.family() == *family; });
  if (ends.size() > 1) {
    keep([&](const ExplainEwEnd& e) {
      return e.nic >= 0 &&
             m.nics[static_cast<std::size_t>(e.nic)].ip_configurations[static_cast<std::size_t>(e.cfg)].primary;
    });
  }
  if (ends.size() > 1 && std::all_of(ends.begin(), ends.end(), [&](const ExplainEwEnd& e) {
        return e.endpoint >= 0 && e.endpoint == ends.begin()->endpoint;
      })) {
    ends = {*ends.begin()};
  }
}

QueryCandidate explain_ew_candidate(const ExplainEwEnd& e) {
  QueryCandidate c;
  if (e.endpoint >= 0) {
    c.kind = RK::kPrivateEndpoint;
    c.index = e.endpoint;
    c.address = e.address;
  } else {
    c.kind = RK::kNetworkInterface;
    c.index = e.nic;
    c.child = e.cfg;
  }
  return c;
}

/// The VNet of subnet `subnet`, or -1.
int explain_ew_vnet(const model::Model& m, int subnet) {
  return subnet >= 0 ? m.subnets[static_cast<std::size_t>(subnet)].vnet.index : -1;
}

/// The one packet as a packet set.
PacketSet explain_ew_packet(const FlowQuery& q, const IpAddress& to) {
  const bool ported = model::has_ports(q.protocol);
  return PacketSet(Cube{model::to_set(q.source), model::to_set(to), model::bit(q.protocol),
                        ported ? PortSet::single(q.source_port) : PortSet::all(),
                        ported ? PortSet::single(q.destination_port) : PortSet::all()});
}

/// The hop of outbound NSG stage `stage` (scope "nic-outbound" or "subnet-outbound") for the packet `q` to `to`: the
/// first outbound rule that takes it, as reach() evaluates it (evaluate_nsg over the outbound rules, the target as
/// the rules' destination side sees it: `to_end`, the VirtualNetwork tag the source subnet's).
TraceHop explain_ew_outbound_hop(const model::Model& m, const AddressSpace& space, const Stage& stage,
                                 const FlowQuery& q, const IpAddress& to, const Destination& to_end) {
  TraceHop h = nsg_stage_hop(stage);
  if (stage.slot.state != NsgSlot::State::kPresent) return h;
  const auto& nsg = m.nsgs[static_cast<std::size_t>(stage.slot.index)];
  const auto decisions = evaluate_nsg(nsg, model::Direction::kOutbound, explain_ew_packet(q, to), to_end, space);
  if (decisions.empty()) {
    h.why = no_rule_reason();
    return h;
  }
  const auto& r = nsg.rules[static_cast<std::size_t>(decisions.front().rule)];
  h.rule = decisions.front().rule;
  h.passes = decisions.front().access == Access::kAllow;
  h.why.code = ReasonCode::kNsgRule;
  NsgRuleWhy& w = h.why.nsg;
  w.nsg = stage.slot.index;
  w.rule = h.rule;
  w.outbound = true;
  w.source = side_match_why(m, space, r.source, r.access, to_end.subnet, q.source);
  w.to_side = side_match_why(m, space, r.destination, r.access, to_end.subnet, to);
  w.address = q.source;
  w.protocol = q.protocol;
  w.source_port = q.source_port;
  w.destination_port = q.destination_port;
  w.destination = to;
  w.subnet = to_end.subnet;
  return h;
}

/// What the walk along the stages knows: the device the first forward route sends the request to (the reply must
/// come back through it), and the firewall whose application rule translated the source (then the target sees the
/// firewall's SNAT addresses, and replies go to the firewall's own address).
struct ExplainEwWalk {
  east_west_internal::Device request;
  east_west_internal::Device last_device;  // the device the last forward route leads to
  bool first_route{true};
  int snat_firewall{-1};
};

/// The route hop of a "forward" stage: the route the subnet takes to the target (forward_route(), as reach()) and
/// where it leads. It passes when the path goes on after it (east_west_path() ends the list at a route that does not
/// deliver, its note saying why).
TraceHop explain_ew_route_hop(const model::Model& m, const Stage& stage, bool last, const FlowQuery& q,
                              const IpAddress& to, int endpoint, int target_vnet, ExplainEwWalk& walk) {
  using east_west_internal::Device;
  TraceHop h;
  h.kind = K::kRoute;
  h.scope = stage.scope;
  h.resource_kind = RK::kSubnet;
  h.resource = stage.resource;
  h.passes = !last;
  const int subnet = stage.resource;
  const RouteChoice r = east_west_internal::forward_route(m, subnet, to, endpoint);
  take_route(h, r);
  const Device device = east_west_internal::device_of(m, r);
  if (walk.first_route) walk.request = device;
  walk.last_device = device;
  walk.first_route = false;
  Reason& why = h.why;
  why.code = ReasonCode::kEastWestRoute;
  why.subnet = subnet;
  why.address = to;
  why.route = r;
  why.note = stage.note;
  why.passes = h.passes;
  const int from_vnet = explain_ew_vnet(m, subnet);
  why.vnet = from_vnet;
  why.other_vnet = target_vnet;
  // The packet's source is outside this VNet: a firewall or appliance forwarded it (allowForwardedTraffic decides).
  why.forwarded = from_vnet >= 0 && !explain_ew_in_vnet(m, from_vnet, q.source);
  switch (device.kind) {
    case Device::Kind::kNone:
      if (east_west_internal::hub_transit(r)) {
        why.leg = EastWestLeg::kThroughHub;
        break;
      }
      why.leg = r.next_hop == NextHopType::kVnetLocal ? EastWestLeg::kInVnet : EastWestLeg::kPeered;
      if (r.next_hop == NextHopType::kVnetPeering && r.peer_vnet >= 0) why.other_vnet = r.peer_vnet;
      break;
    case Device::Kind::kFirewall:
      why.leg = EastWestLeg::kToFirewall;
      why.firewall = device.index;
      why.other_vnet = explain_ew_vnet(m, firewall_side(m, m.firewalls[static_cast<std::size_t>(device.index)]).subnet);
      break;
    case Device::Kind::kAppliance:
      why.leg = EastWestLeg::kToAppliance;
      why.entry = EntryPoint{RK::kNetworkInterface, device.index};
      why.other_vnet = explain_ew_vnet(m, device.subnet);
      break;
    case Device::Kind::kUnknown: why.leg = EastWestLeg::kUnknownDevice; break;
    case Device::Kind::kLost:
      why.leg = r.next_hop == NextHopType::kNone               ? EastWestLeg::kDropped
                : r.next_hop == NextHopType::kInternet         ? EastWestLeg::kToInternet
                : r.next_hop == NextHopType::kVirtualAppliance ? EastWestLeg::kNoDevice
                                                               : EastWestLeg::kGateway;
      break;
  }
  // A route that leads somewhere yet ends the path: the VNets are not connected, or a second appliance.
  if (!h.passes && why.leg != EastWestLeg::kDropped && why.leg != EastWestLeg::kToInternet &&
      why.leg != EastWestLeg::kGateway && why.leg != EastWestLeg::kNoDevice) {
    why.leg = std::string_view(stage.note) == east_west_internal::kRoutingLoopNote ? EastWestLeg::kRoutingLoop
                                                                                   : EastWestLeg::kNotConnected;
    if (east_west_internal::hub_transit(r)) why.other_vnet = -1;  // the hub does not connect it: the note says so
  }
  return h;
}

/// The firewall hop: firewall `fw`'s network, then application rules for the packet (filter_through_firewall, as
/// reach() applies them): the rule that takes it first, or the default deny. An application rule translates the
/// source to the firewall's own address (walk.snat_firewall).
TraceHop explain_ew_firewall_hop(const model::Model& m, int fw, const FlowQuery& q, const IpAddress& to,
                                 ExplainEwWalk& walk) {
  const auto& firewall = m.firewalls[static_cast<std::size_t>(fw)];
  TraceHop h;
  h.kind = K::kFirewall;
  h.resource_kind = RK::kFirewall;
  h.resource = fw;
  h.scope = "default";
  Reason& why = h.why;
  why.code = ReasonCode::kEastWestFirewall;
  why.firewall = fw;
  why.address = to;
  why.flow = FlowPacket{q.source, q.protocol, q.source_port, q.destination_port};
  const auto decisions = filter_through_firewall(m, firewall, explain_ew_packet(q, to));
  if (decisions.empty() || decisions.front().position < 0) return h;  // no rule: default deny
  const FirewallDecision& d = decisions.front();
  h.rule = d.position;
  h.passes = d.allow;
  const bool application = rule_at(m, firewall, firewall.order[static_cast<std::size_t>(d.position)]).kind ==
                           model::FirewallRuleKind::kApplication;
  h.scope = application ? "application" : "network";
  why.rule = d.position;
  why.passes = d.allow;
  why.assumed = d.assumed;
  if (d.allow && application) {
    walk.snat_firewall = fw;
    why.sources = firewall_side(m, firewall).snat;  // the words name the SNAT addresses
  }
  return h;
}

/// The packets that reach the target after a firewall's application rule translated the source: every SNAT address
/// of the firewall, any source port (as reach() sees them).
PacketSet explain_ew_snat_packet(const model::Model& m, int fw, const FlowQuery& q, const IpAddress& to) {
  const bool ported = model::has_ports(q.protocol);
  return PacketSet(Cube{firewall_side(m, m.firewalls[static_cast<std::size_t>(fw)]).snat, model::to_set(to),
                        model::bit(q.protocol), PortSet::all(),
                        ported ? PortSet::single(q.destination_port) : PortSet::all()});
}

/// An inbound NSG stage for the SNAT addresses `arriving` of firewall `fw`: the first rule that admits some of them
/// (else the first that decides), the reason naming the SNAT addresses; `arriving` narrows to what it admits.
TraceHop explain_ew_snat_nsg_hop(const model::Model& m, const AddressSpace& space, const Stage& stage, int fw,
                                 PacketSet& arriving, const Destination& dst, const FlowQuery& q) {
  if (stage.slot.state != NsgSlot::State::kPresent) return packet_nsg_hop(m, space, stage, arriving, dst, q);
  TraceHop h;
  h.kind = K::kNsg;
  h.scope = stage.scope;
  h.resource_kind = RK::kNetworkSecurityGroup;
  h.resource = stage.slot.index;
  const auto decisions = decide_inbound(m, stage.slot, arriving, dst, space);
  const RuleDecision* decided = decisions.empty() ? nullptr : &decisions.front();
  for (const auto& d : decisions) {
    if (d.access == Access::kAllow) {
      decided = &d;
      break;
    }
  }
  if (decided == nullptr) {
    h.why = no_rule_reason();
    return h;
  }
  h.rule = decided->rule;
  h.passes = decided->access == Access::kAllow;
  const FirewallSide side = firewall_side(m, m.firewalls[static_cast<std::size_t>(fw)]);
  FlowQuery at = q;
  const IpSet sources = sources_of(decided->packets);
  if (side.address && sources.contains(side.address->value)) {
    at.source = *side.address;
  } else if (!sources.empty()) {
    at.source = model::IpAddress{sources.intervals().front().lo};
  }
  h.why = rule_reason(m, stage.slot.index, h.rule, at, dst, space);
  h.why.nsg.snat = side.snat;
  if (h.passes) arriving = decided->packets;
  return h;
}

/// The route of the reply from the target's subnet to the source (to the firewall's own address after SNAT): it must
/// return through the device the request crossed, or directly when it crossed none (reach()'s broken flows).
TraceHop explain_ew_return_hop(const model::Model& m, const Stage& stage, const FlowQuery& q, bool gateway_source,
                               const ExplainEwWalk& walk, int endpoint, int source_vnet, const IpAddress& to) {
  // A private endpoint's replies follow its subnet's user-defined routes only when its network policies say so.
  const bool user_routes = east_west_internal::endpoint_user_routes(m, endpoint);
  using east_west_internal::Device;
  TraceHop h;
  h.kind = K::kRoute;
  h.scope = stage.scope;
  h.resource_kind = RK::kSubnet;
  h.resource = stage.resource;
  h.breaks = true;  // every filter may pass, the reply still not return: broken, as reach()'s broken flows
  Reason& why = h.why;
  why.code = ReasonCode::kEastWestReturn;
  why.subnet = stage.resource;
  why.address = q.source;
  Device request = walk.request;
  RouteChoice r;
  r.next_hop = NextHopType::kNone;
  if (walk.snat_firewall >= 0) {  // the replies go to the firewall's own address
    const FirewallSide side = firewall_side(m, m.firewalls[static_cast<std::size_t>(walk.snat_firewall)]);
    why.address = side.address;
    why.firewall = walk.snat_firewall;
    why.forwarded = true;  // the words: the reply goes to the firewall that translated the source
    if (side.address) r = choose_route(m, stage.resource, *side.address, user_routes);
    request = Device{};  // the reply goes straight to the firewall: no device in between
    request.kind = Device::Kind::kNone;
  } else {
    r = choose_route(m, stage.resource, q.source, user_routes);
    if (request.kind == Device::Kind::kFirewall) why.firewall = request.index;
    if (request.kind == Device::Kind::kAppliance) why.entry = EntryPoint{RK::kNetworkInterface, request.index};
    if (request.kind == Device::Kind::kUnknown) why.destination = IpAddress{request.address};
  }
  take_route(h, r);
  why.route = r;
  Device reply = east_west_internal::device_of(m, r);
  // Replies to on-premises addresses leave through the gateway: a system route to Internet or None stands for the
  // routes the gateway learns by BGP, which are not modelled (as reach()).
  if (gateway_source && (r.next_hop == NextHopType::kVirtualNetworkGateway ||
                         (!r.user && (r.next_hop == NextHopType::kInternet || r.next_hop == NextHopType::kNone)))) {
    reply.kind = Device::Kind::kNone;
  }
  if (reply.kind == Device::Kind::kLost) {
    why.leg = r.next_hop == NextHopType::kNone               ? EastWestLeg::kDropped
              : r.next_hop == NextHopType::kInternet         ? EastWestLeg::kToInternet
              : r.next_hop == NextHopType::kVirtualAppliance ? EastWestLeg::kNoDevice
                                                             : EastWestLeg::kGateway;
    return h;
  }
  h.passes = reply.same(request);
  why.leg = h.passes ? EastWestLeg::kReturns : EastWestLeg::kAsymmetric;
  int device_vnet = -1;
  if (h.passes && east_west_internal::reply_not_forwarded(m, request, source_vnet, to, device_vnet)) {
    h.passes = false;
    why.leg = EastWestLeg::kNotForwarded;
    why.vnet = device_vnet;
    why.other_vnet = source_vnet;
  }
  why.passes = h.passes;
  return h;
}

}  // namespace

bool explain_east_west(const model::Model& m, FlowTrace& t) {
  FlowQuery& q = t.query;
  if (q.via_bastion || q.via_appliance) return false;
  std::set<ExplainEwEnd> targets = explain_ew_targets(m, q.target);
  std::optional<ExplainEwEnd> from;
  int from_subnet = -1;
  if (!q.source_name.empty()) {
    std::set<ExplainEwEnd> sources = explain_ew_named_configs(m, q.source_name);
    if (sources.empty()) {
      query_error(t, FlowTrace::Status::kUnknownTarget, QueryOption::kFrom, QueryErrorCode::kUnknownSource);
      return true;
    }
    // A dual-stack source: the IP version the target has (when it has one).
    std::optional<model::IpFamily> family;
    for (const auto& e : targets) {
      if (!family) {
        family = e.address.family();
      } else if (*family != e.address.family()) {
        family.reset();
        break;
      }
    }
    explain_ew_narrow(m, sources, family);
    if (sources.size() > 1) {
      QueryError& e =
          query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kFrom, QueryErrorCode::kAmbiguousSource);
      e.count = sources.size();
      for (const auto& s : sources) e.candidates.push_back(explain_ew_candidate(s));
      return true;
    }
    from = *sources.begin();
    q.source = from->address;
  } else {
    // An internet client, or an address outside every VNet of the estate: today's trace (the source hop says why).
    if (!explain_ew_in_vnets(m, q.source)) return false;
    const std::set<ExplainEwEnd> at = explain_ew_configs_at(m, q.source);
    if (at.size() > 1) {
      QueryError& e =
          query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kFrom, QueryErrorCode::kAmbiguousSource);
      e.count = at.size();
      for (const auto& s : at) e.candidates.push_back(explain_ew_candidate(s));
      return true;
    }
    if (at.size() == 1) {
      from = *at.begin();
    } else {
      from_subnet = subnet_containing(m, q.source);
      if (from_subnet < 0) return false;  // in a VNet's space but in none of its subnets: nothing sends it
    }
  }
  if (targets.empty()) {
    // A PaaS service's public endpoint (by name, id or host name) from an ip configuration (by name or address):
    // the stages reach() decides toward it. An address no ip configuration holds keeps today's trace.
    if (from) {
      const model::IpConfigIndex x{from->nic, from->cfg};
      const int subnet = m.nics[static_cast<std::size_t>(from->nic)]
                             .ip_configurations[static_cast<std::size_t>(from->cfg)]
                             .subnet.index;
      if (subnet >= 0 && explain_east_west_paas(m, t, x, subnet)) return true;
    }
    // A private source to a public address or an entry point: today's trace (not internet traffic), unless the
    // source was named, which asks for an east-west flow.
    if (q.source_name.empty()) return false;
    query_error(t, FlowTrace::Status::kUnknownTarget, QueryOption::kTo, QueryErrorCode::kEastWestTarget);
    return true;
  }
  explain_ew_narrow(m, targets, q.source.family());
  if (targets.size() > 1) {
    const bool by_address = IpAddress::parse(q.target).has_value();
    QueryError& e = query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo,
                                by_address ? QueryErrorCode::kAmbiguousAddress : QueryErrorCode::kAmbiguousName);
    e.count = targets.size();
    for (const auto& x : targets) e.candidates.push_back(explain_ew_candidate(x));
    return true;
  }
  if (reject_backend(t)) return true;
  const ExplainEwEnd to = *targets.begin();

  t.east_west = true;
  t.internet_source = false;
  const model::IpConfiguration* source_cfg = nullptr;
  if (from) {
    const auto& nic = m.nics[static_cast<std::size_t>(from->nic)];
    source_cfg = &nic.ip_configurations[static_cast<std::size_t>(from->cfg)];
    from_subnet = source_cfg->subnet.index;
    t.source_nic = from->nic;
    t.source_ip_configuration = from->cfg;
    t.source_vm = nic.virtual_machine.index;
  }
  t.source_subnet = from_subnet;
  int target_subnet = -1;
  const std::vector<model::Ref>* target_asgs = nullptr;
  if (to.endpoint >= 0) {
    t.private_endpoint = to.endpoint;
    target_subnet = m.private_endpoints[static_cast<std::size_t>(to.endpoint)].subnet.index;
  } else {
    const auto& nic = m.nics[static_cast<std::size_t>(to.nic)];
    const auto& cfg = nic.ip_configurations[static_cast<std::size_t>(to.cfg)];
    t.nic = to.nic;
    t.ip_configuration = to.cfg;
    t.vm = nic.virtual_machine.index;
    target_subnet = cfg.subnet.index;
    target_asgs = &cfg.asgs;
  }
  const int target_vnet = explain_ew_vnet(m, target_subnet);
  const bool gateway_source = !from && east_west_internal::is_gateway_subnet(m, from_subnet);

  model::Diagnostics scratch;  // findings about the estate are analyze's and reach's to report
  const AddressSpace space(m, scratch);
  EastWestEnds ends;
  if (from) ends.from = model::IpConfigIndex{from->nic, from->cfg};
  ends.from_subnet = from_subnet;
  ends.to = to.address;
  if (to.endpoint < 0) ends.x = model::IpConfigIndex{to.nic, to.cfg};
  ends.endpoint = to.endpoint;
  const std::vector<Stage> stages = east_west_path(m, ends);

  // The outbound rules see the target (its address, its ASGs) with the source subnet's VirtualNetwork tag; the
  // inbound rules see it with its own.
  const Destination to_end{to.address, from_subnet, target_asgs};
  const Destination dst{to.address, target_subnet, target_asgs};
  PacketSet packet = explain_ew_packet(q, to.address);
  ExplainEwWalk walk;
  bool skip_nsgs = false;      // an AlwaysAllow security admin rule admitted the packet past the target's NSGs
  bool skip_outbound = false;  // ... an outbound one past the source's outbound NSGs
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const Stage& stage = stages[i];
    const bool last = i + 1 == stages.size();
    const std::string_view scope = stage.scope;
    switch (stage.kind) {
      case K::kSource: {
        TraceHop h;
        h.kind = K::kSource;
        h.resource_kind = stage.resource_kind;
        h.resource = stage.resource;
        h.passes = true;
        h.why.code = ReasonCode::kEastWestSource;
        h.why.flow = FlowPacket{q.source, q.protocol, q.source_port, q.destination_port};
        if (from) h.why.source = model::IpConfigIndex{from->nic, from->cfg};
        h.why.subnet = from_subnet;
        h.why.note = stage.note;
        t.hops.push_back(h);
        break;
      }
      case K::kNsg:
      case K::kNoNsg:
        if (scope.ends_with("-outbound")) {
          if (!skip_outbound) t.hops.push_back(explain_ew_outbound_hop(m, space, stage, q, to.address, to_end));
        } else if (!skip_nsgs) {
          TraceHop h = walk.snat_firewall >= 0
                           ? explain_ew_snat_nsg_hop(m, space, stage, walk.snat_firewall, packet, dst, q)
                           : packet_nsg_hop(m, space, stage, packet, dst, q);
          if (h.kind == K::kNoNsg) h.why.note = stage.note;
          t.hops.push_back(h);
        }
        break;
      case K::kRoute:
        t.hops.push_back(scope == "return"
                             ? explain_ew_return_hop(m, stage, q, gateway_source, walk, to.endpoint,
                                                     explain_ew_vnet(m, from_subnet), to.address)
                             : explain_ew_route_hop(m, stage, last, q, to.address, to.endpoint, target_vnet, walk));
        break;
      case K::kFirewall: {
        t.hops.push_back(explain_ew_firewall_hop(m, stage.resource, q, to.address, walk));
        if (walk.snat_firewall >= 0) packet = explain_ew_snat_packet(m, walk.snat_firewall, q, to.address);
        break;
      }
      case K::kAppliance: {
        TraceHop h;
        h.kind = K::kAppliance;
        h.resource_kind = RK::kNetworkInterface;
        h.resource = stage.resource;
        h.passes = true;
        h.why.code = ReasonCode::kEastWestAppliance;
        h.why.entry = EntryPoint{RK::kNetworkInterface, stage.resource};
        h.why.address = to.address;
        h.why.flow = FlowPacket{q.source, q.protocol, q.source_port, q.destination_port};
        if (walk.last_device.kind == east_west_internal::Device::Kind::kUnknown) {
          h.why.destination = IpAddress{walk.last_device.address};  // the next hop not in the input
        }
        t.hops.push_back(h);
        break;
      }
      case K::kAdminRule:
        if (scope == "outbound") {  // the source VNet's outbound rules see the packet as its outbound NSGs do
          t.hops.push_back(
              packet_outbound_admin_hop(m, space, stage, explain_ew_packet(q, to.address), to_end, skip_outbound));
        } else {
          t.hops.push_back(packet_admin_hop(m, space, stage, packet, dst, skip_nsgs));
        }
        break;
      default: break;  // kTarget: the verdict names the target
    }
  }
  Reason allowed;
  allowed.code = ReasonCode::kAllowedEastWest;
  allowed.flow = FlowPacket{q.source, q.protocol, q.source_port, q.destination_port};
  if (from) allowed.source = model::IpConfigIndex{from->nic, from->cfg};
  allowed.subnet = from_subnet;
  allowed.address = to.address;
  allowed.private_endpoint = to.endpoint;
  if (to.endpoint < 0) allowed.target = model::IpConfigIndex{to.nic, to.cfg};
  finish_trace(t, std::move(allowed));
  return true;
}

}  // namespace exposim::solver::explain_internal
