// The network recommendations decided by exact reachability alone (docs/recommendations.md): management ports
// (EXP-NET-001), just-in-time access (EXP-NET-002), risky ports (EXP-NET-010), ports open to the whole internet
// (EXP-NET-005). Each VM gets one finding per recommendation; the witnesses are Analysis::exposures.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/ascii.h"
#include "solver/analysis.h"
#include "solver/recommendations/context.h"
#include "solver/recommendations/network_facts.h"

namespace exposim::solver::recommendations {

namespace {

using model::PortSet;
using model::Protocol;
using model::ResourceKind;

/// The exposures of VM `vm` that reach `ports` over the protocols of `protocols` (TCP, and UDP when `udp`).
struct PortHits {
  std::vector<std::size_t> exposures;
  PortSet tcp;
  PortSet udp;
  std::vector<std::string> lines;
};

PortHits port_hits(const Context& ctx, const std::vector<std::size_t>& candidates, const PortSet& ports, bool udp) {
  PortHits h;
  for (std::size_t i : candidates) {
    const auto& e = ctx.analysis.exposures[i];
    if (e.protocol != Protocol::kTcp && !(udp && e.protocol == Protocol::kUdp)) continue;
    const PortSet hit = e.ports.intersect(ports);
    if (hit.empty()) continue;
    h.exposures.push_back(i);
    (e.protocol == Protocol::kTcp ? h.tcp : h.udp) = (e.protocol == Protocol::kTcp ? h.tcp : h.udp).unite(hit);
    h.lines.push_back(describe_exposure(ctx.model, e, hit));
  }
  return h;
}

/// "22, 3389, 5985-5986" for messages.
std::string port_list(const PortSet& ports) {
  std::string out;
  for (const auto& iv : ports.intervals()) {
    out += out.empty() ? "" : ", ";
    out += iv.lo == iv.hi ? std::to_string(iv.lo) : fmt::format("{}-{}", iv.lo, iv.hi);
  }
  return out;
}

void reachable_ports(Context& ctx, const NetworkFacts& facts, std::string_view id, const PortSet& ports, bool udp,
                     const char* what) {
  for (std::size_t v = 0; v < ctx.model.vms.size(); ++v) {
    const auto hits = port_hits(ctx, facts.vm_exposures(static_cast<int>(v)), ports, udp);
    const bool open = !hits.exposures.empty();
    auto& f = ctx.add(id, open ? FindingStatus::kUnhealthy : FindingStatus::kHealthy, ResourceKind::kVirtualMachine,
                      static_cast<int>(v));
    f.exposed = !facts.vm_exposures(static_cast<int>(v)).empty();
    if (open) {
      f.exposures = hits.exposures;
      f.tcp_ports = hits.tcp;
      f.udp_ports = hits.udp;
      f.summary = join_limited(hits.lines);
    } else {
      f.summary = fmt::format("no {} ({}) reachable from the internet", what, port_list(ports));
      if (facts.bastion_reaches(static_cast<int>(v))) f.summary += "; reached through Azure Bastion sessions only";
    }
  }
}

/// The TCP ports of VM `vm` that the just-in-time policies of the model cover, and the policies' names.
struct JitCover {
  PortSet tcp;
  std::vector<std::string> policies;
};

JitCover jit_cover(const model::Model& m, int vm) {
  JitCover c;
  const auto& key = m.vms[vm].key;
  for (const auto& p : m.jit_policies) {
    bool named = false;
    for (const auto& v : p.virtual_machines) {
      if (!(v.vm.index == vm || (!v.vm.resolved() && v.vm.id == key))) continue;
      for (const auto& port : v.ports) {
        const bool tcp = port.protocol.empty() || port.protocol == "*" || model::ascii::iequals(port.protocol, "tcp");
        if (!tcp || port.number < 0 || port.number > 65535) continue;
        c.tcp.add(static_cast<std::uint16_t>(port.number), static_cast<std::uint16_t>(port.number));
        named = true;
      }
    }
    if (named) c.policies.push_back("'" + p.name + "'");
  }
  return c;
}

/// The VM has an NSG (on a NIC or its subnet) or an Azure Firewall in front (a DNAT rule to it, or its subnet's
/// default route to a firewall): what just-in-time access needs to write its rules.
bool jit_supported(const Context& ctx, const NetworkFacts& facts, int vm) {
  for (int n : facts.vm_nics(vm)) {
    const auto& nic = ctx.model.nics[n];
    if (nic.nsg.set()) return true;
    for (const auto& c : nic.ip_configurations) {
      if (!c.subnet.resolved()) continue;
      if (ctx.model.subnets[c.subnet.index].nsg.set()) return true;
      if (default_route(ctx.model, c.subnet.index).firewall >= 0) return true;
    }
  }
  for (std::size_t i : facts.vm_exposures(vm)) {
    if (ctx.analysis.exposures[i].via == Via::kFirewallDnat) return true;
  }
  return false;
}

void evaluate_jit(Context& ctx, const NetworkFacts& facts) {
  const auto& mgmt = ctx.options.management_ports;
  for (std::size_t vi = 0; vi < ctx.model.vms.size(); ++vi) {
    const int v = static_cast<int>(vi);
    const auto hits = port_hits(ctx, facts.vm_exposures(v), mgmt, false);
    if (!jit_supported(ctx, facts, v)) {
      auto& f = ctx.add("EXP-NET-002", FindingStatus::kNotApplicable, ResourceKind::kVirtualMachine, v);
      f.exposed = !facts.vm_exposures(v).empty();
      f.exposures = hits.exposures;
      f.tcp_ports = hits.tcp;
      f.summary =
          "no network security group nor Azure Firewall in front of the machine: just-in-time access cannot "
          "be configured (Defender: unsupported)";
      continue;
    }
    const JitCover cover = jit_cover(ctx.model, v);
    // Defender puts its deny rules for a covered port under the rules that already exist for it: a rule that JIT did
    // not write keeps the port open. Exposures through a JIT-written rule are what JIT opened on request.
    std::vector<std::size_t> permanent;
    std::vector<std::string> lines;
    PortSet open;
    PortSet on_request;
    for (std::size_t i : hits.exposures) {
      const auto& e = ctx.analysis.exposures[i];
      const PortSet hit = e.ports.intersect(mgmt);
      if (e.jit && cover.tcp.contains(hit)) {
        on_request = on_request.unite(hit);
        continue;
      }
      permanent.push_back(i);
      open = open.unite(hit);
      const PortSet covered = hit.intersect(cover.tcp);
      std::string line = describe_exposure(ctx.model, e, hit);
      const auto rules = deciding_rules(ctx.model, e);
      if (e.jit) {
        line += "; a rule written by just-in-time access opens it but no just-in-time policy of the design covers it";
      } else if (!covered.empty()) {
        line += fmt::format(
            "; just-in-time policy {} covers TCP {} but its deny rules sit under the existing rules for the port, so "
            "{} "
            "keeps it open",
            fmt::join(cover.policies, ", "), model::to_string(covered),
            rules.empty() ? std::string("the path") : fmt::format("{}", fmt::join(rules, " and ")));
      } else {
        line += "; no just-in-time policy covers it";
      }
      lines.push_back(std::move(line));
    }
    const bool unhealthy = !permanent.empty();
    auto& f = ctx.add("EXP-NET-002", unhealthy ? FindingStatus::kUnhealthy : FindingStatus::kHealthy,
                      ResourceKind::kVirtualMachine, v);
    f.exposed = !facts.vm_exposures(v).empty();
    if (unhealthy) {
      f.exposures = permanent;
      f.tcp_ports = open;
      f.summary = join_limited(lines);
    } else if (!on_request.empty()) {
      f.exposures = hits.exposures;
      f.tcp_ports = on_request;
      f.summary = fmt::format(
          "TCP {} reachable only through rules written by just-in-time access (opened on request), covered by "
          "just-in-time policy {}",
          model::to_string(on_request), fmt::join(cover.policies, ", "));
    } else if (!cover.tcp.empty()) {
      f.summary = fmt::format("no management port reachable from the internet; just-in-time policy {} covers TCP {}",
                              fmt::join(cover.policies, ", "), model::to_string(cover.tcp));
    } else {
      f.summary = "no management port reachable from the internet";
    }
  }
}

/// `e`'s sources count as unrestricted: they hold the whole internet of a family (Analysis::internet), or, with
/// `broad_prefix` N > 0, an IPv4 range broader than /N (a prefix shorter than N bits). IPv6 sources count only when
/// they hold the whole IPv6 internet.
bool unrestricted(const Analysis& a, const Exposure& e, int broad_prefix) {
  if (e.any_source) return true;
  for (const auto& family : {model::all_v4(), model::all_v6()}) {
    const auto internet = a.internet.intersect(family);
    if (!internet.empty() && e.sources.intersects(family) && e.sources.contains(internet)) return true;
  }
  if (broad_prefix <= 0) return false;
  for (const auto& p : model::to_prefixes(e.sources)) {
    if (p.family() == model::IpFamily::kV4 && p.length < broad_prefix) return true;
  }
  return false;
}

}  // namespace

void evaluate_management_ports(Context& ctx, const NetworkFacts& facts) {
  if (!ctx.skipped("EXP-NET-001")) {
    reachable_ports(ctx, facts, "EXP-NET-001", ctx.options.management_ports, false, "management port");
  }
  if (!ctx.skipped("EXP-NET-002")) evaluate_jit(ctx, facts);
  if (!ctx.skipped("EXP-NET-010")) {
    if (!ctx.options.risky_ports.empty()) {
      reachable_ports(ctx, facts, "EXP-NET-010", ctx.options.risky_ports, true, "risky port");
    } else {
      for (std::size_t v = 0; v < ctx.model.vms.size(); ++v) {
        auto& f =
            ctx.add("EXP-NET-010", FindingStatus::kUndecidable, ResourceKind::kVirtualMachine, static_cast<int>(v));
        f.exposed = !facts.vm_exposures(static_cast<int>(v)).empty();
        f.summary = "no risky-port list configured (Defender does not publish its list)";
      }
    }
  }
}

void evaluate_open_sources(Context& ctx, const NetworkFacts& facts) {
  if (ctx.skipped("EXP-NET-005")) return;
  const int broad = ctx.options.broad_prefix;
  for (std::size_t vi = 0; vi < ctx.model.vms.size(); ++vi) {
    const int v = static_cast<int>(vi);
    std::vector<std::size_t> hits;
    std::vector<std::string> lines;
    PortSet tcp, udp;
    std::vector<std::string> portless;
    for (std::size_t i : facts.vm_exposures(v)) {
      const auto& e = ctx.analysis.exposures[i];
      if (!unrestricted(ctx.analysis, e, broad)) continue;
      hits.push_back(i);
      if (e.protocol == model::Protocol::kTcp) tcp = tcp.unite(e.ports);
      if (e.protocol == model::Protocol::kUdp) udp = udp.unite(e.ports);
      if (!model::has_ports(e.protocol)) portless.push_back(protocol_name(e.protocol));
      lines.push_back(describe_exposure(ctx.model, e));
    }
    auto& f = ctx.add("EXP-NET-005", hits.empty() ? FindingStatus::kHealthy : FindingStatus::kUnhealthy,
                      ResourceKind::kVirtualMachine, v);
    f.exposed = !facts.vm_exposures(v).empty();
    const std::string scope = broad > 0 ? fmt::format("the whole internet or a range broader than /{}", broad)
                                        : std::string("the whole internet");
    if (hits.empty()) {
      f.summary = f.exposed ? "every port reachable from the internet is restricted to chosen sources"
                            : "nothing reachable from the internet";
      continue;
    }
    f.exposures = hits;
    f.tcp_ports = tcp;
    f.udp_ports = udp;
    std::vector<std::string> ports;
    if (!tcp.empty()) ports.push_back("TCP " + model::to_string(tcp));
    if (!udp.empty()) ports.push_back("UDP " + model::to_string(udp));
    std::sort(portless.begin(), portless.end());
    portless.erase(std::unique(portless.begin(), portless.end()), portless.end());
    ports.insert(ports.end(), portless.begin(), portless.end());
    f.summary = fmt::format("{} open to {}: {}", fmt::join(ports, " and "), scope, join_limited(lines));
  }
}

}  // namespace exposim::solver::recommendations
