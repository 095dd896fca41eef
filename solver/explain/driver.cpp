// explain(): one packet through the modelled path, with the reason at every hop. The target named chooses the path:
// a managed entry point (application gateway, Bastion host, PaaS service, private endpoint), a firewall's public
// address, or an ip configuration (directly or through a load balancer frontend); each family's file follows it.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "model/ascii.h"
#include "solver/explain/internal.h"

namespace exposim::solver::explain_internal {

using model::Access;
using model::Direction;
using model::IpAddress;
using model::Protocol;
using K = HopKind;
using RK = model::ResourceKind;

namespace {

/// Why an address is not in the internet (docs/model.md): the estate's space first, then the special ranges.
void not_internet_because(const model::Model& m, const IpAddress& a, Reason& why) {
  for (std::size_t v = 0; v < m.vnets.size(); ++v) {
    const auto& vnet = m.vnets[v];
    for (const auto& p : vnet.address_space) {
      if (p.contains(a)) {
        why.not_internet = NotInternet::kVnetSpace;
        why.prefix = p;
        why.vnet = static_cast<int>(v);
        return;
      }
    }
    for (const auto& peering : vnet.peerings) {
      for (const auto& p : peering.remote_address_space) {
        if (p.contains(a)) {
          why.not_internet = NotInternet::kPeeredSpace;
          why.prefix = p;
          why.vnet = static_cast<int>(v);
          return;
        }
      }
    }
  }
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    for (const auto& p : m.subnets[s].prefixes) {
      if (p.contains(a)) {
        why.not_internet = NotInternet::kSubnetPrefix;
        why.prefix = p;
        why.subnet = static_cast<int>(s);
        return;
      }
    }
  }
  using N = NotInternet;
  static const std::pair<const char*, NotInternet> kRanges[] = {
      {"168.63.129.16/32", N::kPlatform},
      {"0.0.0.0/8", N::kThisNetwork},
      {"10.0.0.0/8", N::kPrivate},
      {"100.64.0.0/10", N::kSharedSpace},
      {"127.0.0.0/8", N::kLoopback},
      {"169.254.0.0/16", N::kLinkLocal},
      {"172.16.0.0/12", N::kPrivate},
      {"192.0.0.0/24", N::kProtocolAssignments},
      {"192.0.2.0/24", N::kDocumentation},
      {"192.88.99.0/24", N::kRelay6to4},
      {"192.168.0.0/16", N::kPrivate},
      {"198.18.0.0/15", N::kBenchmarking},
      {"198.51.100.0/24", N::kDocumentation},
      {"203.0.113.0/24", N::kDocumentation},
      {"224.0.0.0/4", N::kMulticast},
      {"240.0.0.0/4", N::kReserved},
      {"2001:db8::/32", N::kDocumentation},
      {"3fff::/20", N::kDocumentation},
  };
  for (const auto& [text, what] : kRanges) {
    const auto p = *model::IpPrefix::parse(text);
    if (p.contains(a)) {
      why.not_internet = what;
      why.prefix = p;
      return;
    }
  }
  why.not_internet = a.family() == model::IpFamily::kV6 ? N::kNotGlobalV6 : N::kNotPublic;
}

}  // namespace

bool named(const model::ResourceBase& r, const std::string& canonical, const std::string& lowered) {
  return r.key == canonical || lower(r.name) == lowered;
}

TraceHop source_hop(const model::Model& m, const AddressSpace& space, const IpAddress& src, FlowTrace& t) {
  TraceHop source;
  source.kind = HopKind::kSource;
  t.internet_source = space.internet().contains(src.value);
  source.passes = t.internet_source;
  source.why.code = t.internet_source ? ReasonCode::kInternetSource : ReasonCode::kNotInternetSource;
  source.why.flow.source = src;
  if (!t.internet_source) not_internet_because(m, src, source.why);
  return source;
}

/// Marks the hops reached, the first that stops the packet, and the verdict.
void finish_trace(FlowTrace& t, Reason allowed_reason) {
  bool stopped = false;
  for (std::size_t i = 0; i < t.hops.size(); ++i) {
    t.hops[i].reached = !stopped;
    if (!stopped && !t.hops[i].passes) {
      stopped = true;
      t.stopped_at = static_cast<int>(i);
    }
  }
  t.allowed = !stopped;
  t.verdict = Verdict{};
  t.verdict.allowed = t.allowed;
  if (t.allowed) {
    t.verdict.why = std::move(allowed_reason);
  } else {
    const TraceHop& h = t.hops[t.stopped_at];
    // Broken: every filter passes, only the path fails (analyze reports such flows under `broken`).
    t.broken = std::all_of(t.hops.begin(), t.hops.end(), [](const TraceHop& x) { return x.passes || x.breaks; });
    t.verdict.broken = t.broken;
    t.verdict.kind = h.kind;
    t.verdict.scope = h.scope;
    t.verdict.why = h.why;
  }
}

bool reject_backend(FlowTrace& t) {
  const FlowQuery& q = t.query;
  if (q.backend.empty()) return false;
  query_error(t, FlowTrace::Status::kBadBackend, QueryOption::kBackend, QueryErrorCode::kBackendNotApplicable)
      .applies_to = BackendAppliesTo::kLoadBalancerOrGateway;
  return true;
}

QueryError& query_error(FlowTrace& t, FlowTrace::Status status, QueryOption option, QueryErrorCode code) {
  t.status = status;
  t.error = QueryError{};
  t.error.option = option;
  t.error.code = code;
  t.error.target = t.query.target;
  t.error.backend = t.query.backend;
  t.error.via = t.query.via_appliance ? t.query.appliance : t.query.bastion;
  t.error.source = t.query.source_name.empty() ? t.query.source.to_string() : t.query.source_name;
  return t.error;
}

}  // namespace exposim::solver::explain_internal

namespace exposim::solver {

using namespace explain_internal;

FlowTrace explain(const model::Model& m, const FlowQuery& q, const Analysis* analysis) {
  FlowTrace t;
  t.query = q;
  if (!model::has_ports(q.protocol)) t.query.destination_port = t.query.source_port = 0;
  // A source inside the estate: the east-west path (an internet client, or a private address to a public target,
  // keeps the trace below).
  if (explain_east_west(m, t)) return t;
  if (q.via_bastion) {
    explain_via_bastion(m, t);
    return t;
  }
  if (q.via_appliance) {
    explain_via_appliance(m, t, analysis);
    return t;
  }
  // The managed entry points, then a firewall's public address, then an ip configuration (through its own public
  // IP or a load balancer frontend).
  if (explain_application_gateway_target(m, t) || explain_bastion_target(m, t) || explain_paas_target(m, t) ||
      explain_private_endpoint_target(m, t) || explain_firewall_target(m, t)) {
    return t;
  }
  return explain_ip_configuration(m, q, std::move(t), analysis);
}

}  // namespace exposim::solver
