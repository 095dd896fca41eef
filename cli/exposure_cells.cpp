// The shared cells of an exposure (cli/exposure_cells.h).
#include "cli/exposure_cells.h"

#include <optional>
#include <set>

#include <fmt/format.h>

#include "cli/analyze_report.h"
#include "cli/json_parts.h"
#include "solver/analysis.h"
#include "solver/paas_hop.h"

namespace exposim::cli {

using solver::Exposure;
using solver::Hop;
using solver::HopKind;
using solver::IpSet;

namespace {

const model::IpConfiguration& ip_config(const model::Model& m, const Exposure& e) {
  return m.nics[e.nic].ip_configurations[e.ip_configuration];
}

}  // namespace

std::string private_ip(const model::Model& m, const Exposure& e) {
  if (e.nic < 0) return target_address(m, e.target_kind, e.target);
  const auto& cfg = ip_config(m, e);
  return cfg.private_ip ? cfg.private_ip->to_string() : "";
}

const model::ResourceBase* resource_of(const model::Model& m, model::ResourceKind kind, int index) {
  if (index < 0 || kind == model::ResourceKind::kInternet) return nullptr;
  return m.resource(model::GraphVertex{kind, index});
}

std::tuple<int, int, int> target_key(const Exposure& e) {
  return {static_cast<int>(e.target_kind), e.nic >= 0 ? e.nic : e.target, e.ip_configuration};
}

std::string entry_ip(const model::Model& m, const Exposure& e) {
  if (e.public_ip < 0) return e.entry_address ? e.entry_address->to_string() : "";
  const auto& pip = m.public_ips[e.public_ip];
  return pip.address ? pip.address->to_string() : "";
}

std::string paas_entry(const model::Model& m, const Exposure& e) {
  const auto& s = m.paas_services[e.target];
  const std::string& host = solver::entry_host(s, e);
  if (!host.empty()) return host;
  return s.name + (&host == &s.scm_host_name ? " (SCM site)" : " (public endpoint)");
}

std::string entry_label(const model::Model& m, const Exposure& e) {
  std::string label;
  if (e.via == solver::Via::kPaasPublic) {
    label = paas_entry(m, e);
  } else if (e.public_ip < 0) {
    label = e.entry_address ? e.entry_address->to_string() : "(unknown public IP)";
  } else {
    const auto& pip = m.public_ips[e.public_ip];
    label = pip.address ? pip.address->to_string() : pip.name + " (unallocated)";
  }
  // A load balancer may translate the port: show the port the client connects to.
  if (e.via != solver::Via::kPublicIp && model::has_ports(e.protocol) && e.entry_ports != e.ports) {
    label.append(":").append(model::to_string(e.entry_ports));
  }
  // Bastion and application gateway entries name what the client talks to.
  if (e.target_kind == model::ResourceKind::kBastionHost) label += " (Bastion)";
  const bool gateway = e.via == solver::Via::kApplicationGateway ||
                       (e.nic < 0 && e.target_kind == model::ResourceKind::kApplicationGateway);
  if (gateway && e.gateway >= 0 && e.gateway_rule >= 0) {
    label.append(" (listener ").append(m.application_gateways[e.gateway].listeners[e.gateway_rule].name).append(")");
  }
  return label;
}

std::string cidr_list(const IpSet& s, std::size_t shown) {
  // Only the prefixes shown become text: a rule-heavy estate's source sets hold thousands of prefixes.
  const auto prefixes = model::to_prefixes(s);
  const std::size_t limit = shown == 0 ? prefixes.size() : shown;
  std::string out;
  for (std::size_t i = 0; i < prefixes.size() && i < limit; ++i) {
    if (i) out += ',';
    out.append(prefixes[i].to_string());
  }
  if (prefixes.size() > limit) out += fmt::format(" +{} more", prefixes.size() - limit);
  return out;
}

namespace {

/// The internet sources of the family of `e`'s sources that they lack, when listing those is the shorter way to write
/// the sources ("any except ..."); else nothing.
std::optional<IpSet> sources_missing(const Exposure& e, const IpSet& internet) {
  static const IpSet all_v4 = model::to_set(*model::IpPrefix::parse("0.0.0.0/0"));
  const IpSet family = e.sources.empty() ? IpSet{}
                       : model::IpAddress{e.sources.intervals().front().lo}.family() == model::IpFamily::kV4
                           ? internet.intersect(all_v4)
                           : internet.subtract(all_v4);
  if (!e.sources.subtract(family).empty()) return std::nullopt;
  IpSet missing = family.subtract(e.sources);
  if (model::prefix_count(missing) < model::prefix_count(e.sources)) return missing;
  return std::nullopt;
}

}  // namespace

std::string sources_text(const Exposure& e, const IpSet& internet, std::size_t shown) {
  if (e.any_source) return "any";
  if (const auto missing = sources_missing(e, internet)) return "any except " + cidr_list(*missing, shown);
  return cidr_list(e.sources, shown);
}

bool sources_text_is_any(const Exposure& e, const IpSet& internet) {
  // A CIDR list begins with a digit or (IPv6) a hexadecimal digit, never with "any".
  return e.any_source || sources_missing(e, internet).has_value();
}

std::string ports_text(const Exposure& e) {
  if (!model::has_ports(e.protocol)) return "-";
  std::string p = e.ports.is_all() ? "all" : model::to_string(e.ports);
  if (!e.source_ports.is_all()) p += " (from source ports " + model::to_string(e.source_ports) + ")";
  return p;
}

std::string rules_text(const model::Model& m, const Exposure& e) {
  std::string out;
  for (const auto& h : e.path) {
    if (h.kind == HopKind::kLoadBalancer || h.kind == HopKind::kFirewall) {
      if (!out.empty()) out += " > ";
      out += (h.kind == HopKind::kFirewall ? "fw: " : "lb: ") + describe_hop(m, h);
      continue;
    }
    if (h.kind == HopKind::kApplicationGateway || h.kind == HopKind::kBastion) {
      if (!out.empty()) out += " > ";
      out += (h.kind == HopKind::kBastion ? "bastion: " : "agw: ") + describe_hop(m, h);
      continue;
    }
    if (h.kind == HopKind::kPaas || h.kind == HopKind::kAdminRule) {
      if (!out.empty()) out += " > ";
      out += (h.kind == HopKind::kPaas ? "paas: " : "admin: ") + describe_hop(m, h);
      continue;
    }
    if (h.kind != HopKind::kNsg && h.kind != HopKind::kNoNsg) continue;
    if (!out.empty()) out += " > ";
    out += std::string(h.scope) + ": " + describe_hop(m, h);
  }
  return out;
}

std::pair<std::size_t, std::size_t> count_targets(const std::vector<Exposure>& exposures) {
  std::set<std::tuple<int, int, int>> nics;
  std::set<std::tuple<int, int, int>> others;
  for (const auto& e : exposures) (e.nic >= 0 ? nics : others).insert(target_key(e));
  return {nics.size(), others.size()};
}

std::vector<std::string> table_row(const model::Model& m, const Exposure& e, const IpSet& internet) {
  std::string via = solver::to_string(e.via);
  if (e.jit) via += " (jit)";
  return {target_name(m, e), private_ip(m, e),          entry_label(m, e), via, model::to_string(e.protocol),
          ports_text(e),     sources_text(e, internet), rules_text(m, e)};
}

}  // namespace exposim::cli
