// explain() to an ip configuration: the target named (a VM, NIC, ip configuration, private or public IP), entered
// through its own public IP or a public load balancer frontend, then its subnet's and NIC's NSGs and the reply's
// route; and the other entries through which analyze() reaches it.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "solver/compute.h"
#include "solver/explain/internal.h"
#include "solver/exposure.h"
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

struct Candidate {
  int nic{-1};
  int cfg{-1};
  bool via_public{false};
  friend auto operator<=>(const Candidate&, const Candidate&) = default;
};

/// The ip configurations a NIC stands for as a target: those with a public IP, else all of them.
void nic_candidates(const model::Model& m, int n, std::set<Candidate>& out) {
  const auto& cfgs = m.nics[n].ip_configurations;
  bool any_public = false;
  for (const auto& c : cfgs) any_public = any_public || c.public_ip.set();
  for (std::size_t c = 0; c < cfgs.size(); ++c) {
    if (!any_public || cfgs[c].public_ip.set()) out.insert({n, static_cast<int>(c), cfgs[c].public_ip.set()});
  }
}

/// The ip configurations a public IP is attached to (normally one).
std::vector<Candidate> attached_to(const model::Model& m, int pip) {
  std::vector<Candidate> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (cfgs[c].public_ip.index == pip) out.push_back({static_cast<int>(n), static_cast<int>(c), true});
    }
  }
  return out;
}

/// An ip configuration a target text fits, as a query error lists it.
QueryCandidate query_candidate(const Candidate& c) {
  QueryCandidate q;
  q.kind = model::ResourceKind::kNetworkInterface;
  q.index = c.nic;
  q.child = c.cfg;
  q.via_public = c.via_public;
  return q;
}

/// Resolves the target text to ip configurations; fills the error fields of `t` when it cannot. When the text
/// fits several, `backend` (a NIC or VM name or id, an ip configuration id, or a private IP) chooses among them.
std::optional<Candidate> resolve_target(const model::Model& m, const std::string& text, const std::string& backend,
                                        model::IpFamily family, FlowTrace& t) {
  std::set<Candidate> found;
  std::vector<int> unattached;  // public IPs that matched but lead nowhere
  auto add_pip = [&](int p) {
    const auto to = attached_to(m, p);
    if (to.empty()) unattached.push_back(p);
    found.insert(to.begin(), to.end());
  };
  if (const auto ip = IpAddress::parse(text)) {
    for (std::size_t p = 0; p < m.public_ips.size(); ++p) {
      if (m.public_ips[p].address == ip) add_pip(static_cast<int>(p));
    }
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      const auto& cfgs = m.nics[n].ip_configurations;
      for (std::size_t c = 0; c < cfgs.size(); ++c) {
        if (cfgs[c].private_ip == ip) found.insert({static_cast<int>(n), static_cast<int>(c), false});
      }
    }
  } else {
    const std::string canonical = model::canonical_id(text);
    const std::string lowered = lower(text);
    for (std::size_t p = 0; p < m.public_ips.size(); ++p) {
      if (named(m.public_ips[p], canonical, lowered)) add_pip(static_cast<int>(p));
    }
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      if (named(m.nics[n], canonical, lowered)) nic_candidates(m, static_cast<int>(n), found);
      const auto& cfgs = m.nics[n].ip_configurations;
      for (std::size_t c = 0; c < cfgs.size(); ++c) {
        if (cfgs[c].key == canonical) found.insert({static_cast<int>(n), static_cast<int>(c), cfgs[c].public_ip.set()});
      }
    }
    for (const auto& vm : m.vms) {
      if (!named(vm, canonical, lowered)) continue;
      for (const auto& ref : vm.network_interfaces) {
        if (ref.resolved()) nic_candidates(m, ref.index, found);
      }
    }
  }
  const bool by_address = IpAddress::parse(text).has_value();
  if (!backend.empty()) {
    if (found.size() <= 1) {
      query_error(t, FlowTrace::Status::kBadBackend, QueryOption::kBackend, QueryErrorCode::kBackendNotApplicable)
          .applies_to = BackendAppliesTo::kLoadBalancerGatewayOrAmbiguous;
      return std::nullopt;
    }
    std::set<Candidate> chosen;
    for (const auto& c : found) {
      if (names_member(m, model::IpConfigIndex{c.nic, c.cfg}, backend)) chosen.insert(c);
    }
    if (chosen.size() == 1) return *chosen.begin();
    QueryError& e =
        query_error(t, FlowTrace::Status::kBadBackend, QueryOption::kBackend,
                    chosen.empty() ? QueryErrorCode::kBackendNamesNone : QueryErrorCode::kBackendFitsSeveral);
    e.target = text;
    e.backend = backend;
    e.count = chosen.empty() ? found.size() : chosen.size();
    for (const auto& c : found) e.candidates.push_back(query_candidate(c));
    return std::nullopt;
  }
  if (found.size() == 1) return *found.begin();
  if (found.size() > 1) {
    // A dual-stack NIC or VM: the ip configuration of the client's IP version is the one it can reach.
    std::vector<Candidate> same;
    for (const auto& c : found) {
      if (m.nics[c.nic].ip_configurations[c.cfg].family == family) same.push_back(c);
    }
    if (same.size() == 1) return same.front();
  }
  if (found.empty()) {
    if (!unattached.empty()) {
      QueryError& e =
          query_error(t, FlowTrace::Status::kBadTarget, QueryOption::kTo, QueryErrorCode::kPublicIpUnattached);
      e.kind = model::ResourceKind::kPublicIp;
      e.index = unattached.front();
    } else {
      query_error(t, FlowTrace::Status::kUnknownTarget, QueryOption::kTo, QueryErrorCode::kUnknownTarget);
    }
    t.error.target = text;
    return std::nullopt;
  }
  // The candidates are listed (the CLI prints them as notes); --backend or an ip configuration id chooses one.
  QueryError& e = query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo,
                              by_address ? QueryErrorCode::kAmbiguousAddress : QueryErrorCode::kAmbiguousName);
  e.target = text;
  e.count = found.size();
  for (const auto& c : found) e.candidates.push_back(query_candidate(c));
  return std::nullopt;
}

/// The entries other than its own public IP through which analyze() reaches ip configuration (nic, cfg) with the
/// query's packet (protocol, the target's port, the client), in analyze()'s order, one per entry.
std::vector<OtherEntry> entries_reaching(const model::Model& m, const Analysis& analysis, const FlowQuery& q, int nic,
                                         int cfg) {
  std::vector<OtherEntry> out;
  const bool ported = model::has_ports(q.protocol);
  const std::string id = model::ip_configuration_id(m.nics[nic], m.nics[nic].ip_configurations[cfg]);
  std::set<std::tuple<Via, std::string, int, std::string>> seen;
  for (const auto& e : analysis.exposures) {
    if (e.nic != nic || e.ip_configuration != cfg || e.protocol != q.protocol) continue;
    if ((ported && !e.ports.contains(q.destination_port)) || !e.sources.contains(q.source.value)) continue;
    std::optional<IpAddress> at = e.entry_address;
    if (e.public_ip >= 0) at = m.public_ips[e.public_ip].address;
    if (!at) continue;  // an unallocated entry address: nothing to send the packet to
    OtherEntry o;
    o.via = e.via;
    o.gateway = e.gateway;
    o.gateway_rule = e.gateway_rule;
    o.load_balancer = e.load_balancer;
    o.address = *at;
    o.target = at->to_string();
    // The entry's port: the target's own when the entry keeps it, else the entry's (a translated port).
    o.port = !ported || e.entry_ports.contains(q.destination_port) || e.entry_ports.empty()
                 ? q.destination_port
                 : e.entry_ports.intervals().front().lo;
    switch (e.via) {
      case Via::kFirewallDnat:
        if (e.load_balancer >= 0) o.backend = id;  // to an internal load balancer's frontend: this backend of its rule
        break;
      case Via::kLoadBalancer:
      case Via::kLoadBalancerNat:
      case Via::kApplicationGateway: o.backend = id; break;
      case Via::kBastion:
        o.target = q.target;
        o.port = q.destination_port;
        o.bastion = m.bastion_hosts[e.gateway].name;
        break;
      case Via::kAppliance:  // --via appliance:NAME, to the target on its own port
        o.target = q.target;
        o.port = q.destination_port;
        o.appliance = m.nics[e.gateway].name;
        break;
      case Via::kPublicIp:
      case Via::kPaasPublic: continue;  // the target's own public IP (it has none), or no ip configuration
    }
    if (seen.insert({o.via, o.target, o.port, o.bastion.empty() ? o.appliance : o.bastion}).second) {
      out.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace

/// Does the --backend text name this member (NIC or VM name or id, ip configuration id, or private IP)?
bool names_member(const model::Model& m, const model::IpConfigIndex& x, const std::string& text) {
  const auto& nic = m.nics[x.nic];
  const auto& cfg = nic.ip_configurations[x.ip_configuration];
  if (const auto ip = IpAddress::parse(text)) return cfg.private_ip == ip;
  const std::string canonical = model::canonical_id(text);
  const std::string lowered = lower(text);
  if (named(nic, canonical, lowered) || cfg.key == canonical) return true;
  const int vm = nic.virtual_machine.index;
  return vm >= 0 && named(m.vms[vm], canonical, lowered);
}

/// The entry hop for a public IP owned by `owner` (frontend `frontend` of an application gateway, a Bastion host).
TraceHop entry_hop(const model::Model& m, int pip, const FlowQuery& q, const EntryPoint& owner, int frontend) {
  TraceHop h;
  h.kind = K::kEntry;
  h.resource_kind = RK::kPublicIp;
  h.resource = pip;
  const model::IpFamily family = pip >= 0 ? m.public_ips[pip].family : model::IpFamily::kV4;
  h.passes = q.source.family() == family;
  h.why.code = ReasonCode::kOwnedPublicIp;
  h.why.public_ip = pip;
  h.why.entry = owner;
  h.why.frontend = frontend;
  h.why.versions_differ = !h.passes;
  return h;
}

FlowTrace explain_ip_configuration(const model::Model& m, const FlowQuery& q, FlowTrace t, const Analysis* analysis) {
  const bool ported = model::has_ports(q.protocol);
  std::optional<Candidate> target;
  std::optional<LbChoice> lb;
  const auto frontends = frontends_named(m, q.target);
  if (frontends.size() > 1) {
    QueryError& e =
        query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo, QueryErrorCode::kAmbiguousResources);
    e.kind = model::ResourceKind::kLoadBalancer;
    e.count = frontends.size();
    for (const auto& [l, f] : frontends) e.candidates.push_back(QueryCandidate{e.kind, l, f, false, std::nullopt});
    return t;
  }
  if (frontends.size() == 1) {
    const auto [l, f] = frontends.front();
    t.load_balancer = l;
    t.frontend = f;
    t.via_public_ip = true;
    t.public_ip = m.load_balancers[l].frontends[f].public_ip.index;
    lb = load_balancer_hop(m, l, f, t.query, t);
    if (t.status != FlowTrace::Status::kOk) return t;
    if (lb->backend) target = Candidate{lb->backend->nic, lb->backend->ip_configuration, true};
  } else {
    target = resolve_target(m, q.target, q.backend, q.source.family(), t);
    if (!target) return t;
  }
  const IpAddress& src = q.source;

  model::Diagnostics scratch;  // findings about the estate are analyze's to report
  const AddressSpace space(m, scratch);

  // source: only internet addresses are attackers' packets (docs/model.md, "The internet").
  const TraceHop source = source_hop(m, space, src, t);

  auto lb_entry = [&]() {
    const auto& pip = m.public_ips[t.public_ip];
    TraceHop entry;
    entry.kind = HopKind::kEntry;
    entry.resource_kind = model::ResourceKind::kPublicIp;
    entry.resource = t.public_ip;
    entry.passes = src.family() == pip.family;
    entry.why.code = ReasonCode::kLoadBalancerEntry;
    entry.why.public_ip = t.public_ip;
    entry.why.load_balancer = t.load_balancer;
    entry.why.frontend = t.frontend;
    entry.why.versions_differ = !entry.passes;
    return entry;
  };
  if (lb && !target) {  // no rule matches, or the rule forwards nowhere: the trace ends at the load balancer
    PathEntry how;
    how.via = Via::kLoadBalancer;
    how.public_ip = t.public_ip;
    how.load_balancer = t.load_balancer;
    how.rule = lb->hop.lb_rule;
    for (const Stage& stage : load_balancer_head_path(how)) {
      t.hops.push_back(stage.kind == HopKind::kSource ? source : stage.kind == HopKind::kEntry ? lb_entry() : lb->hop);
    }
    finish_trace(t, Reason{});
    return t;
  }

  const auto& nic = m.nics[target->nic];
  const auto& cfg = nic.ip_configurations[target->cfg];
  t.nic = target->nic;
  t.ip_configuration = target->cfg;
  t.vm = nic.virtual_machine.index;
  t.via_public_ip = target->via_public;
  if (!lb) t.public_ip = cfg.public_ip.index;
  const int subnet = cfg.subnet.index;

  // entry: the public IP of the target's ip configuration (or the load balancer frontend's).
  TraceHop entry;
  entry.kind = HopKind::kEntry;
  entry.resource_kind = model::ResourceKind::kPublicIp;
  entry.resource = cfg.public_ip.index;
  entry.why.target = model::IpConfigIndex{target->nic, target->cfg};
  entry.why.flow = FlowPacket{src, q.protocol, q.source_port, q.destination_port};
  model::Sku sku = model::Sku::kBasic;
  if (lb) {
    entry = lb_entry();
    sku = m.load_balancers[t.load_balancer].sku;
  } else if (target->via_public) {
    sku = instance_public_ip_sku(m, cfg);
    entry.passes = src.family() == cfg.family;
    entry.why.code = ReasonCode::kInstancePublicIp;
    entry.why.public_ip = cfg.public_ip.index;
    entry.why.versions_differ = !entry.passes;
  } else if (cfg.public_ip.set()) {
    entry.why.code = ReasonCode::kPrivateAddressOnly;
    entry.why.public_ip = cfg.public_ip.index;
  } else {
    entry.why.code = ReasonCode::kNoPublicIp;
  }

  // nsg: the subnet's, then the NIC's (docs/model.md#network-security-groups), decided by the same first-match
  // evaluation as the analysis.
  // The target's path (solver/path.h): the stages analyze evaluates, decided here for the one packet.
  PathEntry how;
  how.via = !lb ? Via::kPublicIp : lb->hop.lb_nat ? Via::kLoadBalancerNat : Via::kLoadBalancer;
  how.public_ip = t.public_ip;
  how.sku = sku;
  if (lb) {
    how.load_balancer = t.load_balancer;
    how.rule = lb->hop.lb_rule;
    how.nat_pool = lb->hop.lb_nat_pool;
    how.frontend_port = lb->hop.frontend_port;
  }
  const std::vector<Stage> path = inbound_path(m, how, model::IpConfigIndex{target->nic, target->cfg});
  const auto nsgs = nsg_stages(path);
  const bool no_nsg = nsgs[0]->slot.state == NsgSlot::State::kNone && nsgs[1]->slot.state == NsgSlot::State::kNone;
  // Behind a load balancer the NSGs see the backend port, and with floating IP the frontend's address.
  FlowQuery at_target = t.query;
  if (lb) at_target.destination_port = static_cast<std::uint16_t>(lb->hop.backend_port);
  const std::optional<IpAddress> dst_ip = lb && lb->floating_ip ? m.public_ips[t.public_ip].address : cfg.private_ip;
  const Destination dst{dst_ip, subnet, &cfg.asgs};
  const PacketSet packet(Cube{model::to_set(src), IpSet::all(), model::bit(q.protocol),
                              ported ? PortSet::single(q.source_port) : PortSet::all(),
                              ported ? PortSet::single(at_target.destination_port) : PortSet::all()});
  auto nsg_hop = [&](const Stage& stage) {
    TraceHop h = packet_nsg_hop(m, space, stage, packet, dst, at_target);
    if (h.kind == HopKind::kNoNsg && no_nsg && target->via_public) {
      const RepliesThrough what = lb ? RepliesThrough::kTheLoadBalancer : RepliesThrough::kThePublicIp;
      if (sku == model::Sku::kStandard) {
        if (std::string_view(stage.scope) == "nic") {  // the packet stops once both scopes are known to have none
          h.passes = false;
          h.why.code = ReasonCode::kNoNsgStandard;
          h.why.replies_through = what;
        }
      } else {
        h.why.code = ReasonCode::kNoNsgBasic;
        h.why.replies_through = what;
      }
    }
    return h;
  };
  // route: the reply must go back out through the public IP or load balancer (docs/model.md, "Return routing").
  const bool has_public_ip = lb || cfg.public_ip.set();
  bool skip_nsgs = false;  // an AlwaysAllow security admin rule admitted the packet past the NSGs
  for (const Stage& stage : path) {
    switch (stage.kind) {
      case K::kSource: t.hops.push_back(source); break;
      case K::kEntry: t.hops.push_back(entry); break;
      case K::kLoadBalancer: t.hops.push_back(lb->hop); break;
      case K::kAdminRule: t.hops.push_back(packet_admin_hop(m, space, stage, packet, dst, skip_nsgs)); break;
      case K::kNsg:
      case K::kNoNsg:
        if (!skip_nsgs) t.hops.push_back(nsg_hop(stage));
        break;
      case K::kRoute:
        t.hops.push_back(route_hop(m, subnet, src,
                                   lb                   ? RepliesThrough::kTheLoadBalancer
                                   : target->via_public ? RepliesThrough::kThePublicIp
                                   : has_public_ip      ? RepliesThrough::kItsPublicIp
                                                        : RepliesThrough::kNothing));
        break;
      default: break;  // kTarget: analyze's last hop (explain names the target in its verdict)
    }
  }

  Reason allowed;
  allowed.target = model::IpConfigIndex{target->nic, target->cfg};
  allowed.flow = FlowPacket{src, q.protocol, q.source_port, q.destination_port};
  if (lb) {
    allowed.code = ReasonCode::kAllowedThroughLoadBalancer;
    allowed.load_balancer = t.load_balancer;
    allowed.frontend = t.frontend;
    allowed.rule = lb->hop.lb_rule;
    allowed.nat = lb->hop.lb_nat;
    allowed.nat_pool = lb->hop.lb_nat_pool;
    allowed.backend_port = lb->hop.backend_port;
  } else {
    allowed.code = ReasonCode::kAllowedThroughPublicIp;
  }
  finish_trace(t, std::move(allowed));
  // Not allowed directly: the other entries through which analyze() reaches the target with this packet. Without
  // a public IP of its own, follow the first (Bastion sessions and appliances are only listed); with one, list them.
  if (!lb && t.internet_source && !t.allowed) {
    std::optional<Analysis> own;
    const Analysis& a = analysis != nullptr ? *analysis : own.emplace(analyze(m));
    auto others = entries_reaching(m, a, t.query, t.nic, t.ip_configuration);
    for (std::size_t i = 0; i < others.size() && !has_public_ip; ++i) {
      const OtherEntry& o = others[i];
      if (!o.traceable || !o.bastion.empty() || !o.appliance.empty()) continue;
      FlowQuery alt = t.query;
      alt.target = o.target;
      alt.destination_port = o.port;
      alt.backend = o.backend;
      FlowTrace via = explain(m, alt, &a);
      if (via.status != FlowTrace::Status::kOk || !via.allowed) continue;  // never expected: analyze agrees
      via.redirected_from = q.target;
      via.direct = t.verdict;
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(i));
      via.other_entries = std::move(others);
      return via;
    }
    t.other_entries = std::move(others);
  }
  return t;
}

}  // namespace exposim::solver::explain_internal
