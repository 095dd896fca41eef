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

#include <fmt/format.h>

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
std::string not_internet_because(const model::Model& m, const IpAddress& a) {
  for (const auto& vnet : m.vnets) {
    for (const auto& p : vnet.address_space) {
      if (p.contains(a)) return fmt::format("inside {}, address space of VNet '{}'", p.to_string(), vnet.name);
    }
    for (const auto& peering : vnet.peerings) {
      for (const auto& p : peering.remote_address_space) {
        if (p.contains(a)) return fmt::format("inside {}, peered to VNet '{}'", p.to_string(), vnet.name);
      }
    }
  }
  for (const auto& s : m.subnets) {
    for (const auto& p : s.prefixes) {
      if (p.contains(a)) return fmt::format("inside {}, prefix of subnet '{}'", p.to_string(), s.name);
    }
  }
  static const std::pair<const char*, const char*> kRanges[] = {
      {"168.63.129.16/32", "Azure's platform address"},
      {"0.0.0.0/8", "'this network'"},
      {"10.0.0.0/8", "a private range"},
      {"100.64.0.0/10", "shared address space (carrier-grade NAT)"},
      {"127.0.0.0/8", "loopback"},
      {"169.254.0.0/16", "link-local"},
      {"172.16.0.0/12", "a private range"},
      {"192.0.0.0/24", "IETF protocol assignments"},
      {"192.0.2.0/24", "a documentation range"},
      {"192.88.99.0/24", "the deprecated 6to4 relay range"},
      {"192.168.0.0/16", "a private range"},
      {"198.18.0.0/15", "the benchmarking range"},
      {"198.51.100.0/24", "a documentation range"},
      {"203.0.113.0/24", "a documentation range"},
      {"224.0.0.0/4", "multicast"},
      {"240.0.0.0/4", "reserved"},
      {"2001:db8::/32", "a documentation range"},
      {"3fff::/20", "a documentation range"},
  };
  for (const auto& [text, what] : kRanges) {
    const auto p = *model::IpPrefix::parse(text);
    if (p.contains(a)) return fmt::format("{} {}", what, p.to_string());
  }
  return a.family() == model::IpFamily::kV6 ? "not global unicast IPv6 (outside 2000::/3)" : "not a public address";
}

}  // namespace

std::string lower(std::string_view s) { return model::ascii::lower(s); }

bool named(const model::ResourceBase& r, const std::string& canonical, const std::string& lowered) {
  return r.key == canonical || lower(r.name) == lowered;
}

TraceHop source_hop(const model::Model& m, const AddressSpace& space, const IpAddress& src, FlowTrace& t) {
  TraceHop source;
  source.kind = HopKind::kSource;
  t.internet_source = space.internet().contains(src.value);
  source.passes = t.internet_source;
  source.why =
      said(t.internet_source
               ? fmt::format("{} is an internet address", src.to_string())
               : fmt::format("{} is not an internet address ({}): such a packet does not come from the internet",
                             src.to_string(), not_internet_because(m, src)));
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
  t.status = FlowTrace::Status::kBadBackend;
  t.error = fmt::format(
      "--backend '{}' applies only when the target is a load balancer frontend's or an application "
      "gateway's public IP",
      q.backend);
  return true;
}

}  // namespace exposim::solver::explain_internal

namespace exposim::solver {

using namespace explain_internal;

FlowTrace explain(const model::Model& m, const FlowQuery& q, const Analysis* analysis) {
  FlowTrace t;
  t.query = q;
  if (!model::has_ports(q.protocol)) t.query.destination_port = t.query.source_port = 0;
  if (q.via_bastion) {
    explain_via_bastion(m, t);
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
