// explain() to a PaaS public endpoint (its ports, public network access and firewall, as analyze's `paas-public`
// exposures) and to a private endpoint (never reached from the internet).
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "solver/explain/internal.h"
#include "solver/network_manager.h"
#include "solver/paas.h"
#include "solver/paas_hop.h"
#include "solver/path.h"

namespace exposim::solver::explain_internal {

using model::Access;
using model::Direction;
using model::IpAddress;
using model::Protocol;
using K = HopKind;
using RK = model::ResourceKind;

/// The PaaS services the target names (name, id, or host name), with whether the SCM host was named.
std::vector<std::pair<int, bool>> paas_services_named(const model::Model& m, const std::string& text) {
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

TraceHop paas_endpoint_hop(const model::Model& m, int si, const FlowQuery& q, const Reason& base) {
  const auto& s = m.paas_services[si];
  TraceHop endpoint;
  endpoint.kind = K::kPaas;
  endpoint.scope = "endpoint";
  endpoint.resource_kind = RK::kPaasService;
  endpoint.resource = si;
  endpoint.why = base;
  if (q.source.family() != model::IpFamily::kV4) {
    endpoint.why.code = ReasonCode::kPaasIpv6Client;
  } else if (q.protocol != Protocol::kTcp || !s.tcp_ports.contains(q.destination_port)) {
    endpoint.why.code = ReasonCode::kPaasPortNotServed;
  } else {
    endpoint.passes = true;
    endpoint.why.code = ReasonCode::kPaasServes;
  }
  return endpoint;
}

namespace {

void explain_paas(const model::Model& m, FlowTrace& t, int si, bool scm) {
  const FlowQuery& q = t.query;
  const auto& s = m.paas_services[si];
  t.paas_service = si;
  t.scm = scm;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  // Each stage of the endpoint's path (solver/path.h, paas_path()) decided for the packet; they go on the trace in
  // the stages' order at the end.
  const TraceHop source = source_hop(m, space, q.source, t);
  // The reason `code` about this service's endpoint and the packet.
  auto because = [&](ReasonCode code) {
    Reason why;
    why.code = code;
    why.paas_service = si;
    why.scm = scm;
    why.flow = FlowPacket{q.source, q.protocol, q.source_port, q.destination_port};
    return why;
  };

  const TraceHop endpoint = paas_endpoint_hop(m, si, q, because(ReasonCode::kPaasServes));
  // A SQL managed instance's admin stage (set before walking when its path has one), and whether an AlwaysAllow rule
  // admitted the packet past the subnet's NSG (which is then not on the trace, as in analyze's path).
  TraceHop admin;
  bool skip_nsg = false;
  auto walk = [&](const TraceHop& setting, const TraceHop& filter) {
    for (const Stage& stage : paas_path(m, si, scm)) {
      const std::string_view scope = stage.scope;
      switch (stage.kind) {
        case K::kSource: t.hops.push_back(source); break;
        case K::kPaas:  // the port served, then the public data endpoint or access, then the firewall (scope empty)
          t.hops.push_back(scope == "endpoint" ? endpoint : scope.empty() ? filter : setting);
          break;
        case K::kAdminRule: t.hops.push_back(admin); break;  // a SQL managed instance's virtual network's
        case K::kNsg:
        case K::kNoNsg:  // a SQL managed instance's subnet NSG
          if (!skip_nsg) t.hops.push_back(filter);
          break;
        default: break;  // the target (analyze's)
      }
    }
  };

  if (s.kind == model::PaasKind::kSqlManagedInstance) {
    // The public data endpoint, then the NSG of the instance's subnet, as analyze decides them.
    TraceHop data;
    data.kind = K::kPaas;
    data.scope = "public-data-endpoint";
    data.resource_kind = RK::kPaasService;
    data.resource = si;
    data.passes = data_endpoint_open(s);
    data.why = because(data.passes ? ReasonCode::kPaasDataEndpointEnabled : ReasonCode::kPaasDataEndpointDisabled);
    data.why.note = data_endpoint_note(s);
    TraceHop nsg;
    if (!s.subnet.set()) {  // the subnet, hence its NSG, is not known: assumed to admit everything
      nsg.kind = K::kNsg;
      nsg.scope = "subnet";
      nsg.resource_kind = RK::kNetworkSecurityGroup;
      nsg.passes = true;
      nsg.why = missing_nsg_reason();
    } else {
      nsg =
          entry_nsg_hop(m, space, q, s.subnet, IpSet{}, q.destination_port, "subnet", EntryPoint{RK::kPaasService, si});
    }
    if (const int vnet = admin_rules_vnet(m, s.subnet.index); vnet >= 0) {
      // The packet as analyze's admin stage decides it: an entry whose address in the subnet is not known.
      admin = packet_entry_admin_hop(m, space, vnet, q, q.destination_port, s.subnet.index, IpSet{}, false, skip_nsg);
    }
    walk(data, nsg);
    finish_trace(t, because(ReasonCode::kAllowedPaas));
    return;
  }

  TraceHop access;
  access.kind = K::kPaas;
  access.scope = scm ? "scm-public-network-access" : "public-network-access";
  access.resource_kind = RK::kPaasService;
  access.resource = si;
  TraceHop firewall = access;
  switch (s.public_network_access) {
    case model::PublicNetworkAccess::kDisabled: access.why = because(ReasonCode::kPaasAccessDisabled); break;
    case model::PublicNetworkAccess::kSecuredByPerimeter:
      access.passes = true;
      access.why = because(ReasonCode::kPaasAccessPerimeter);
      break;
    case model::PublicNetworkAccess::kEnabled:
      access.passes = true;
      access.why = because(ReasonCode::kPaasAccessEnabled);
      break;
  }

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
    firewall.why = because(ReasonCode::kPaasPerimeterDecides);
  } else {
    bool decided = false;
    for (const auto& d : paas_firewall(s, rules, default_action, universe)) {
      if (!d.sources.contains(q.source.value)) continue;
      decided = true;
      firewall.passes = d.access == Access::kAllow;
      firewall.rule = d.rule;
      if (d.rule >= 0) {
        firewall.scope = rule_scope;
        firewall.why = because(ReasonCode::kPaasRule);
        firewall.why.rule = d.rule;
        firewall.why.note = d.note;
      } else {
        firewall.scope = default_scope;
        firewall.why = because(ReasonCode::kPaasDefaultAction);
        firewall.why.rules_apply = s.kind == model::PaasKind::kAppService || default_action == Access::kDeny;
      }
      firewall.why.passes = firewall.passes;
      break;
    }
    if (!decided) {
      firewall.scope = default_scope;
      firewall.why = because(ReasonCode::kPaasNotEvaluated);
    }
  }
  walk(access, firewall);
  finish_trace(t, because(ReasonCode::kAllowedPaas));
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
  t.private_endpoint = p;
  model::Diagnostics scratch;
  const AddressSpace space(m, scratch);
  t.hops.push_back(source_hop(m, space, q.source, t));
  TraceHop entry;
  entry.kind = K::kEntry;
  entry.resource_kind = RK::kPrivateEndpoint;
  entry.resource = p;
  entry.why.code = ReasonCode::kPrivateEndpoint;
  entry.why.private_endpoint = p;
  t.hops.push_back(entry);
  finish_trace(t, Reason{});
}

}  // namespace

/// When t.query.target names a PaaS service (name, id or host name): traces the packet to its public endpoint (or
/// sets t's error fields) and returns true; otherwise returns false.
bool explain_paas_target(const model::Model& m, FlowTrace& t) {
  const FlowQuery& q = t.query;
  if (const auto services = paas_services_named(m, q.target); !services.empty()) {
    if (services.size() > 1) {
      QueryError& e =
          query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo, QueryErrorCode::kAmbiguousResources);
      e.kind = model::ResourceKind::kPaasService;
      e.count = services.size();
      for (const auto& [s, scm] : services) e.candidates.push_back(QueryCandidate{e.kind, s, -1, false, std::nullopt});
      return true;
    }
    if (!reject_backend(t)) explain_paas(m, t, services.front().first, services.front().second);
    return true;
  }
  return false;
}

/// When t.query.target names a private endpoint: traces why the internet does not reach it (or sets t's error
/// fields) and returns true; otherwise returns false.
bool explain_private_endpoint_target(const model::Model& m, FlowTrace& t) {
  const FlowQuery& q = t.query;
  if (const auto pes = private_endpoints_named(m, q.target); !pes.empty()) {
    if (pes.size() > 1) {
      QueryError& e =
          query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo, QueryErrorCode::kAmbiguousResources);
      e.kind = model::ResourceKind::kPrivateEndpoint;
      e.count = pes.size();
      for (int p : pes) e.candidates.push_back(QueryCandidate{e.kind, p, -1, false, std::nullopt});
      return true;
    }
    if (!reject_backend(t)) explain_private_endpoint(m, t, pes.front());
    return true;
  }
  return false;
}

}  // namespace exposim::solver::explain_internal
