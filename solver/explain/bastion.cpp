// explain() through Azure Bastion: the host's own 443, and a session (--via bastion) to an ip configuration of its
// VNet or one peered with it.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "solver/bastion.h"
#include "solver/explain/internal.h"
#include "solver/forwarding.h"
#include "solver/network.h"
#include "solver/path.h"

namespace exposim::solver::explain_internal {

using model::Access;
using model::Direction;
using model::IpAddress;
using model::Protocol;
using K = HopKind;
using RK = model::ResourceKind;

namespace {

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

/// The reason `code` about Bastion `bi` for the packet of `q`.
Reason bastion_reason(ReasonCode code, int bi, const FlowQuery& q) {
  Reason why;
  why.code = code;
  why.entry = EntryPoint{RK::kBastionHost, bi};
  why.flow = FlowPacket{q.source, q.protocol, q.source_port, q.destination_port};
  why.session = q.via_bastion;
  return why;
}

/// The entry hop into Bastion `bi`: its public IP, or the host itself when it has none (Developer: a shared
/// Bastion; or none, or private only). Returns whether clients reach it through a public IP (its subnet's NSG then
/// filters them: bastion_nsg_hop).
bool bastion_entry_hop(const model::Model& m, FlowTrace& t, int bi) {
  const FlowQuery& q = t.query;
  const auto& b = m.bastion_hosts[bi];
  const auto* cfg = bastion_entry(b);
  if (b.sku == model::BastionSku::kDeveloper) {
    TraceHop entry;
    entry.kind = K::kEntry;
    entry.resource_kind = RK::kBastionHost;
    entry.resource = bi;
    // Sessions of a shared Bastion come through the portal (analyze: any IPv4 internet client); the Bastion
    // itself has no address a client connects to.
    entry.passes = q.via_bastion && q.source.family() == model::IpFamily::kV4;
    entry.why = bastion_reason(ReasonCode::kBastionShared, bi, q);
    t.hops.push_back(entry);
    return false;
  }
  if (cfg == nullptr || !cfg->public_ip.set() || b.enable_private_only) {
    TraceHop entry;
    entry.kind = K::kEntry;
    entry.resource_kind = RK::kBastionHost;
    entry.resource = bi;
    entry.why =
        bastion_reason(b.enable_private_only ? ReasonCode::kBastionPrivateOnly : ReasonCode::kBastionNoPublicIp, bi, q);
    t.hops.push_back(entry);
    return false;
  }
  const int pip = cfg->public_ip.index;
  t.public_ip = pip;
  t.via_public_ip = true;
  t.hops.push_back(entry_hop(m, pip, q, EntryPoint{RK::kBastionHost, bi}));
  return true;
}

/// The hop of Bastion `bi`'s subnet NSG for a client on `port` through its public IP.
void bastion_nsg_hop(const model::Model& m, const AddressSpace& space, FlowTrace& t, int bi, std::uint16_t port) {
  const FlowQuery& q = t.query;
  const auto& b = m.bastion_hosts[bi];
  const auto* cfg = bastion_entry(b);
  const int pip = cfg->public_ip.index;
  const IpSet frontends = pip >= 0 && m.public_ips[pip].address ? model::to_set(*m.public_ips[pip].address) : IpSet{};
  FlowQuery at = q;
  if (q.via_bastion) at.protocol = Protocol::kTcp;  // the client's connection to the Bastion is TCP 443
  t.hops.push_back(
      entry_nsg_hop(m, space, at, cfg->subnet, frontends, port, "bastion-subnet", EntryPoint{RK::kBastionHost, bi}));
}

/// The host hop of Bastion `bi`: it listens on TCP 443.
void bastion_host_hop(FlowTrace& t, int bi) {
  const FlowQuery& q = t.query;
  TraceHop host;
  host.kind = K::kBastion;
  host.scope = "host";
  host.resource_kind = RK::kBastionHost;
  host.resource = bi;
  host.passes = q.protocol == Protocol::kTcp && q.destination_port == 443;
  host.why = bastion_reason(ReasonCode::kBastionHost, bi, q);
  host.why.passes = host.passes;
  t.hops.push_back(host);
}

void explain_bastion(const model::Model& m, FlowTrace& t, int bi) {
  const FlowQuery& q = t.query;
  t.bastion = bi;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  const auto& b = m.bastion_hosts[bi];
  const auto* cfg = b.sku == model::BastionSku::kDeveloper ? nullptr : bastion_entry(b);
  PathEntry how;
  how.via = Via::kBastion;
  how.gateway = bi;
  how.public_ip = cfg != nullptr ? cfg->public_ip.index : -1;
  // The host's own stages (solver/path.h), as analyze lists them for its own exposure, each decided for the packet.
  for (const Stage& stage : entry_point_path(m, RK::kBastionHost, how)) {
    switch (stage.kind) {
      case K::kSource: t.hops.push_back(source_hop(m, space, q.source, t)); break;
      case K::kEntry: bastion_entry_hop(m, t, bi); break;
      case K::kNsg:
      case K::kNoNsg: bastion_nsg_hop(m, space, t, bi, q.destination_port); break;  // its subnet's, on the port
      case K::kBastion: bastion_host_hop(t, bi); break;
      default: break;  // kTarget: analyze's last hop (explain names the target in its verdict)
    }
  }
  Reason allowed = bastion_reason(ReasonCode::kAllowedToBastionHost, bi, q);
  allowed.public_ip = t.public_ip;
  finish_trace(t, std::move(allowed));
}

/// The session hop of Bastion `bi`: the SKU's ports, TCP only.
void bastion_session_hop(const model::Model& m, FlowTrace& t, int bi) {
  const FlowQuery& q = t.query;
  const auto& b = m.bastion_hosts[bi];
  TraceHop session;
  session.kind = K::kBastion;
  session.scope = "session";
  session.resource_kind = RK::kBastionHost;
  session.resource = bi;
  const PortSet ports = bastion_ports(b);
  const bool any_port = ports == PortSet::all();
  session.passes = q.protocol == Protocol::kTcp && ports.contains(q.destination_port);
  session.why = bastion_reason(ReasonCode::kBastionSession, bi, q);
  session.why.passes = session.passes;
  session.why.any_port = any_port;
  t.hops.push_back(session);
}

/// The forward route hop of a session from Bastion `bi` (its subnet `subnet`) to `x`: the target must be in the
/// Bastion's VNet or one peered with it both ways (IPv4). Sets `inner` and `who` (where the session comes from,
/// for the target's NSGs) and `back` (the reply's route); returns false when the session stops here.
bool bastion_forward_hop(const model::Model& m, FlowTrace& t, int bi, const model::Ref& subnet,
                         const model::IpConfigIndex& x, IpSet& inner, ForwardedSources& who, TraceHop& back) {
  const auto& b = m.bastion_hosts[bi];
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  const int target_vnet = vnet_of(m, cfg.subnet);
  // forward: the target must be in the Bastion's VNet or one peered with it both ways (IPv4).
  TraceHop reach;
  reach.kind = K::kRoute;
  reach.scope = "forward";
  reach.resource_kind = RK::kSubnet;
  reach.resource = subnet.index;
  const auto vnets = bastion_vnets(m, b);
  reach.passes = cfg.family == model::IpFamily::kV4 && target_vnet >= 0 && vnets.count(target_vnet) > 0;
  const int own_vnet = b.sku == model::BastionSku::kDeveloper ? b.virtual_network.index : vnet_of(m, subnet);
  const ReasonCode code = cfg.family != model::IpFamily::kV4       ? ReasonCode::kBastionTargetIpv6
                          : target_vnet < 0                        ? ReasonCode::kBastionTargetVnetUnknown
                          : own_vnet < 0                           ? ReasonCode::kBastionVnetUnknown
                          : reach.passes                           ? ReasonCode::kBastionReaches
                          : b.sku == model::BastionSku::kDeveloper ? ReasonCode::kBastionDeveloperVnet
                                                                   : ReasonCode::kBastionCannotReach;
  reach.why = bastion_reason(code, bi, t.query);
  reach.why.target = x;
  reach.why.vnet = target_vnet;
  reach.why.other_vnet = own_vnet;
  if (reach.passes) {
    const auto [forward, reply] = forwarded_route_hops(
        m, EntryPoint{RK::kBastionHost, bi}, b.sku == model::BastionSku::kDeveloper ? -1 : own_vnet,
        b.sku == model::BastionSku::kDeveloper ? -1 : subnet.index, x, false);
    reach.next_hop = forward.next_hop;
    reach.route_table = forward.route_table;
    reach.route = forward.route;
    reach.why.then.push_back(forward.why);
    t.hops.push_back(reach);
    back = reply;
    inner = b.sku == model::BastionSku::kDeveloper ? azure_platform_address() : subnet_space(m, subnet.index);
    who =
        b.sku == model::BastionSku::kDeveloper ? ForwardedSources::kDeveloperBastion : ForwardedSources::kBastionSubnet;
    if (inner.empty()) {
      TraceHop unknown = reach;
      unknown.passes = false;
      unknown.breaks = false;
      unknown.why = bastion_reason(ReasonCode::kBastionSubnetUnknown, bi, t.query);
      t.hops.back() = unknown;
      return false;
    }
    return true;
  }
  t.hops.push_back(reach);
  return false;
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
    query_error(t, FlowTrace::Status::kUnknownTarget, QueryOption::kTo, QueryErrorCode::kUnknownSessionTarget);
    return;
  }
  if (found.size() > 1) {
    QueryError& e = query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo,
                                ip ? QueryErrorCode::kAmbiguousSessionAddress : QueryErrorCode::kAmbiguousSessionName);
    e.count = found.size();
    for (const auto& x : found) {
      e.candidates.push_back(
          QueryCandidate{model::ResourceKind::kNetworkInterface, x.nic, x.ip_configuration, false, std::nullopt});
    }
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
      QueryError& e = query_error(
          t, named_hosts.empty() ? FlowTrace::Status::kUnknownTarget : FlowTrace::Status::kAmbiguousTarget,
          QueryOption::kVia, named_hosts.empty() ? QueryErrorCode::kBastionUnknown : QueryErrorCode::kBastionSeveral);
      e.kind = model::ResourceKind::kBastionHost;
      for (int h : named_hosts) e.candidates.push_back(QueryCandidate{e.kind, h, -1, false, std::nullopt});
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
      query_error(t, FlowTrace::Status::kBadTarget, QueryOption::kVia, QueryErrorCode::kNoBastion);
      return;
    }
    if (reaching.size() > 1) {
      QueryError& e =
          query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kVia, QueryErrorCode::kBastionsReach);
      e.kind = model::ResourceKind::kBastionHost;
      e.count = reaching.size();
      for (int h : reaching) e.candidates.push_back(QueryCandidate{e.kind, h, -1, false, std::nullopt});
      return;
    }
    bi = reaching.empty() ? 0 : reaching.front();  // none reaches it: the first shows why
  }
  const auto& b = m.bastion_hosts[bi];
  t.bastion = bi;
  t.nic = x.nic;
  t.ip_configuration = x.ip_configuration;
  t.vm = m.nics[x.nic].virtual_machine.index;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  const auto* entry_cfg = b.sku == model::BastionSku::kDeveloper ? nullptr : bastion_entry(b);
  const model::Ref subnet = entry_cfg != nullptr ? entry_cfg->subnet : model::Ref{};
  PathEntry how;
  how.via = Via::kBastion;
  how.gateway = bi;
  how.public_ip = entry_cfg != nullptr ? entry_cfg->public_ip.index : -1;
  // The session's stages (solver/path.h), as analyze lists them, each decided for the packet; a stage that stops
  // the session (the target not reached, or the address it comes from unknown) ends the trace.
  IpSet inner;
  ForwardedSources who = ForwardedSources::kUnnamed;
  TraceHop back;
  bool stopped = false;
  bool target_nsgs = false;
  bool skip_nsgs = false;  // an AlwaysAllow security admin rule admitted the session past the target's NSGs
  for (const Stage& stage : inbound_path(m, how, x)) {
    if (stopped) break;
    switch (stage.kind) {
      case K::kSource: t.hops.push_back(source_hop(m, space, q.source, t)); break;
      case K::kEntry: bastion_entry_hop(m, t, bi); break;
      case K::kAdminRule: {  // the target VNet's security admin rules, on the session's sources (the Bastion's)
        const auto& tcfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
        const Destination tdst{tcfg.private_ip, tcfg.subnet.index, &tcfg.asgs};
        const PacketSet session(Cube{inner, IpSet::all(), model::bit(model::Protocol::kTcp), PortSet::all(),
                                     PortSet::single(q.destination_port)});
        t.hops.push_back(packet_admin_hop(m, space, stage, session, tdst, skip_nsgs));
        break;
      }
      case K::kNsg:
      case K::kNoNsg:
        if (std::string_view(stage.scope) == "bastion-subnet") {
          bastion_nsg_hop(m, space, t, bi, 443);
        } else if (!target_nsgs && !skip_nsgs) {  // the target's two NSG stages, decided together
          target_nsgs = true;
          forwarded_nsg_hops(m, space, Via::kBastion, x, inner, q.destination_port, who, inner, t);
        }
        break;
      case K::kBastion: bastion_session_hop(m, t, bi); break;
      case K::kRoute:
        if (std::string_view(stage.scope) == "forward") {
          stopped = !bastion_forward_hop(m, t, bi, subnet, x, inner, who, back);
        } else {
          t.hops.push_back(back);
        }
        break;
      default: break;
    }
  }
  Reason allowed = bastion_reason(ReasonCode::kAllowedBastionSession, bi, q);
  allowed.public_ip = t.public_ip;
  allowed.target = x;
  finish_trace(t, std::move(allowed));
}

/// When t.query.target names a Bastion host (or its public IP): traces the packet to it (or sets t's error fields)
/// and returns true; otherwise returns false.
bool explain_bastion_target(const model::Model& m, FlowTrace& t) {
  const FlowQuery& q = t.query;
  if (const auto bastions = bastions_named(m, q.target); !bastions.empty()) {
    if (bastions.size() > 1) {
      QueryError& e =
          query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo, QueryErrorCode::kAmbiguousResources);
      e.kind = model::ResourceKind::kBastionHost;
      e.count = bastions.size();
      for (int b : bastions) e.candidates.push_back(QueryCandidate{e.kind, b, -1, false, std::nullopt});
      return true;
    }
    if (!reject_backend(t)) explain_bastion(m, t, bastions.front());
    return true;
  }
  return false;
}

}  // namespace exposim::solver::explain_internal
