// reach's table, JSON and CSV (cli/reach_report.h).
#include "cli/reach_report.h"

#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_csv.h"
#include "cli/analyze_report.h"
#include "cli/broken_text.h"
#include "cli/exposure_cells.h"
#include "cli/hop_json.h"
#include "cli/json_parts.h"
#include "cli/reach_query_text.h"
#include "cli/text_table.h"
#include "model/ascii.h"
#include "solver/paas_hop.h"

namespace exposim::cli {

using nlohmann::ordered_json;
using solver::HopKind;
using solver::ReachFlow;
using RK = model::ResourceKind;

namespace {

std::string reach_subnet_name(const model::Model& m, int s) {
  if (s < 0) return "";
  const auto& subnet = m.subnets[static_cast<std::size_t>(s)];
  if (!subnet.vnet.resolved()) return subnet.name;
  return m.vnets[static_cast<std::size_t>(subnet.vnet.index)].name + "/" + subnet.name;
}

std::string reach_ports_text(const ReachFlow& f) {
  if (!model::has_ports(f.protocol)) return "-";
  std::string p = f.ports.is_all() ? "all" : model::to_string(f.ports);
  if (!f.source_ports.is_all()) p += " (from source ports " + model::to_string(f.source_ports) + ")";
  return p;
}

ordered_json reach_ports_json(const model::PortSet& ports) {
  ordered_json out = ordered_json::array();
  for (const auto& iv : ports.intervals()) out.push_back({iv.lo, iv.hi});
  return out;
}

ordered_json reach_cidrs_json(const model::IpSet& s) {
  ordered_json out = ordered_json::array();
  for (const auto& c : model::to_cidr_strings(s)) out.push_back(c);
  return out;
}

/// The `source` object of a flow: an ip configuration as analyze's `target` object, or the subnet of addresses no
/// ip configuration holds (`type` "subnet"), or on-premises addresses (`type` "on-premises", the gateway subnet).
ordered_json reach_source_json(const model::Model& m, const ReachFlow& f) {
  if (f.source.nic >= 0) return target_json(m, f.source.nic, f.source.ip_configuration, f.source_vm);
  ordered_json j = ordered_json::object();
  j["type"] = "addresses";
  if (f.source_subnet >= 0) {
    const auto& s = m.subnets[static_cast<std::size_t>(f.source_subnet)];
    j["subnet"] = {{"id", s.id}, {"name", s.name}};
  } else {
    j["subnet"] = nullptr;
  }
  return j;
}

ordered_json reach_target_json(const model::Model& m, const ReachFlow& f) {
  if (f.target_kind == RK::kPaasService) {
    ordered_json j = target_json(m, f.target_kind, f.target);
    if (solver::scm_path(f.path)) {  // an App Service's SCM site: its host, and which site
      const auto& host = m.paas_services[static_cast<std::size_t>(f.target)].scm_host_name;
      j["host"] = host.empty() ? ordered_json(nullptr) : ordered_json(host);
      j["site"] = "scm";
    }
    return j;
  }
  if (f.target_kind == RK::kPrivateEndpoint) {
    ordered_json j = target_json(m, f.target_kind, f.target);
    j["ip"] = reach_target_ip(m, f);  // the endpoint's address the flow reaches
    return j;
  }
  return target_json(m, f.nic, f.ip_configuration, f.vm);
}

}  // namespace

ordered_json reach_flow_json(const model::Model& m, const ReachFlow& f) {
  ordered_json j;
  j["source"] = reach_source_json(m, f);
  j["target"] = reach_target_json(m, f);
  j["protocol"] = model::to_string(f.protocol);
  if (model::has_ports(f.protocol)) {
    j["ports"] = reach_ports_json(f.ports);
    if (!f.source_ports.is_all()) j["source_ports"] = reach_ports_json(f.source_ports);
  }
  j["sources"] = reach_cidrs_json(f.sources);
  j["destinations"] = reach_cidrs_json(f.destinations);
  if (f.broken) j["broken"] = broken_text(m, *f.broken);
  ordered_json path = ordered_json::array();
  for (const auto& h : f.path) path.push_back(hop_json(m, h));
  j["path"] = std::move(path);
  return j;
}

namespace {

ordered_json reach_query_source_json(const model::Model& m, const solver::ReachSource& s) {
  using K = solver::ReachSource::Kind;
  ordered_json j;
  switch (s.kind) {
    case K::kIpConfiguration: {
      const int vm = m.nics[static_cast<std::size_t>(s.ip_configuration.nic)].virtual_machine.index;
      j = target_json(m, s.ip_configuration.nic, s.ip_configuration.ip_configuration, vm);
      break;
    }
    case K::kSubnet: {
      const auto& sub = m.subnets[static_cast<std::size_t>(s.subnet)];
      j = {{"type", "subnet"}, {"id", sub.id}, {"name", sub.name}};
      break;
    }
    case K::kVirtualNetwork: {
      const auto& v = m.vnets[static_cast<std::size_t>(s.vnet)];
      j = {{"type", "virtual-network"}, {"id", v.id}, {"name", v.name}};
      break;
    }
    case K::kPrefix: {
      j = {{"type", "on-premises"}, {"prefixes", reach_cidrs_json(s.prefix)}};
      if (s.subnet >= 0) {
        const auto& sub = m.subnets[static_cast<std::size_t>(s.subnet)];
        j["gateway_subnet"] = {{"id", sub.id}, {"name", sub.name}};
      }
      break;
    }
  }
  return j;
}

/// Distinct targets of flows: (kind, index, ip configuration); an App Service's SCM site is a target of its own.
std::size_t reach_target_count(const std::vector<ReachFlow>& flows) {
  std::set<std::tuple<int, int, int>> out;
  for (const auto& f : flows) {
    const int slot = f.target_kind == RK::kPaasService && solver::scm_path(f.path) ? -2 : f.ip_configuration;
    out.insert({static_cast<int>(f.target_kind), f.nic >= 0 ? f.nic : f.target, slot});
  }
  return out.size();
}

/// Rows of portless protocols (ICMP, ESP, AH) that differ in nothing else become one row ("icmp,esp,ah"), as in
/// analyze's table.
std::vector<std::vector<std::string>> merge_portless(std::vector<std::vector<std::string>> rows) {
  constexpr std::size_t kProto = 3;
  constexpr std::size_t kPorts = 4;
  std::vector<std::vector<std::string>> out;
  for (auto& row : rows) {
    if (!out.empty() && row[kPorts] == "-" && out.back()[kPorts] == "-") {
      auto a = out.back();
      auto b = row;
      a[kProto].clear();
      b[kProto].clear();
      if (a == b) {
        out.back()[kProto] += "," + row[kProto];
        continue;
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

std::string reach_target_ip(const model::Model& m, const ReachFlow& f) {
  if (f.target_kind == RK::kPaasService) {
    // A public endpoint: its host name (its address is Azure's to choose); an App Service's SCM site's for a flow to
    // that site.
    const auto& host = solver::entry_host(m.paas_services[static_cast<std::size_t>(f.target)], f.path);
    return host.empty() ? "-" : host;
  }
  if (f.nic >= 0) {
    const auto& cfg =
        m.nics[static_cast<std::size_t>(f.nic)].ip_configurations[static_cast<std::size_t>(f.ip_configuration)];
    if (cfg.private_ip) return cfg.private_ip->to_string();
  }
  const auto& iv = f.destinations.intervals();
  if (iv.size() == 1 && iv.front().lo == iv.front().hi) return model::IpAddress{iv.front().lo}.to_string();
  return cidr_list(f.destinations, 0);
}

std::vector<std::string> reach_row(const model::Model& m, const ReachFlow& f) {
  return {reach_flow_source(m, f), reach_flow_target(m, f), reach_target_ip(m, f), model::to_string(f.protocol),
          reach_ports_text(f),     cidr_list(f.sources, 3), reach_rules_text(m, f)};
}

std::string reach_flow_source(const model::Model& m, const ReachFlow& f) {
  if (f.source.nic >= 0) {
    if (f.source_vm >= 0) return m.vms[static_cast<std::size_t>(f.source_vm)].name;
    return m.nics[static_cast<std::size_t>(f.source.nic)].name;
  }
  if (f.source_subnet >= 0 &&
      !model::ascii::iequals(m.subnets[static_cast<std::size_t>(f.source_subnet)].name, "GatewaySubnet")) {
    return reach_subnet_name(m, f.source_subnet);
  }
  return "on-premises";
}

std::string reach_flow_target(const model::Model& m, const ReachFlow& f) {
  if (f.target_kind == RK::kPrivateEndpoint) return m.private_endpoints[static_cast<std::size_t>(f.target)].name;
  if (f.target_kind == RK::kPaasService) return m.paas_services[static_cast<std::size_t>(f.target)].name;
  if (f.vm >= 0) return m.vms[static_cast<std::size_t>(f.vm)].name;
  return f.nic >= 0 ? m.nics[static_cast<std::size_t>(f.nic)].name : "";
}

std::string reach_hop_words(const model::Model& m, model::ResourceKind target_kind, int target, const solver::Hop& h) {
  switch (h.kind) {
    case HopKind::kNsg: return std::string(h.scope) + ": " + describe_hop(m, h);
    case HopKind::kNoNsg: {
      // A private endpoint's subnet NSG that its network policies leave out: named, as not applied.
      const int subnet =
          target_kind == RK::kPrivateEndpoint ? m.private_endpoints[static_cast<std::size_t>(target)].subnet.index : -1;
      const int nsg = subnet >= 0 ? m.subnets[static_cast<std::size_t>(subnet)].nsg.index : -1;
      if (h.kind == HopKind::kNoNsg && std::string_view(h.scope) == "subnet" && nsg >= 0) {
        return "subnet: " + m.nsgs[static_cast<std::size_t>(nsg)].name +
               " not applied (private endpoint network policies)";
      }
      return std::string(h.scope) + ": " + describe_hop(m, h);
    }
    case HopKind::kFirewall: return "fw: " + describe_hop(m, h);
    case HopKind::kAdminRule:
      return std::string(std::string_view(h.scope) == "outbound" ? "admin-outbound: " : "admin: ") + describe_hop(m, h);
    case HopKind::kAppliance: return "appliance: " + describe_hop(m, h);
    case HopKind::kRoute:
      // A user-defined route on the way decides where the flow goes; system routes are the default. Toward a PaaS
      // public endpoint the system route is named too: the service endpoint's, or the one to the internet.
      if (h.resource >= 0 && std::string_view(h.scope) != "return") return "route: " + describe_hop(m, h);
      if (target_kind == RK::kPaasService && std::string_view(h.scope) == "forward") {
        return std::string("route: ") + (*h.note ? h.note : "system");
      }
      return "";
    case HopKind::kPaas: return "service: " + describe_hop(m, h);
    default: return "";
  }
}

std::string reach_rules_text(const model::Model& m, const ReachFlow& f) {
  std::string out;
  for (const auto& h : f.path) {
    const std::string part = reach_hop_words(m, f.target_kind, f.target, h);
    if (part.empty()) continue;
    if (!out.empty()) out += " > ";
    out += part;
  }
  return out;
}

std::size_t write_reach_table(std::ostream& out, const model::Model& m, const ReachReport& r) {
  const auto& flows = r.reach.flows;
  std::string from;
  for (const auto& s : r.sources) from += (from.empty() ? "" : ", ") + reach_source_text(m, s);
  out << "from " << from;
  if (!r.to.empty()) out << " to " << r.to;
  out << "\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : flows) {
    rows.push_back(reach_row(m, f));
    rows.back().front().insert(0, "  ");
  }
  if (rows.empty()) {
    out << "nothing reachable\n";
  } else {
    rows = merge_portless(std::move(rows));
    write_text_table(out, {"  SOURCE", "TARGET", "IP", "PROTO", "PORTS", "SOURCES", "RULES"}, rows);
    const std::size_t targets = reach_target_count(flows);
    out << fmt::format("{} flow{} to {} target{}\n", flows.size(), flows.size() == 1 ? "" : "s", targets,
                       targets == 1 ? "" : "s");
  }
  const auto& broken = r.reach.broken;
  if (!broken.empty()) {
    out << fmt::format("\n{} broken flow{}: {} every filter but the reply cannot return (not reachable)\n",
                       broken.size(), broken.size() == 1 ? "" : "s", broken.size() == 1 ? "it passes" : "they pass");
    std::vector<std::vector<std::string>> lines;
    for (const auto& f : broken) {
      auto row = reach_row(m, f);
      row.front().insert(0, "  ");
      row.back() = f.broken ? broken_text(m, *f.broken) : "";
      lines.push_back(std::move(row));
    }
    write_text_table(out, {"  SOURCE", "TARGET", "IP", "PROTO", "PORTS", "SOURCES", "WHY"},
                     merge_portless(std::move(lines)));
  }
  return flows.size() + broken.size();
}

void write_reach_json(std::ostream& out, const model::Model& m, const ReachReport& r,
                      const std::vector<model::Diagnostic>& diagnostics) {
  ordered_json from;
  from["query"] = r.from;
  if (!r.gateway.empty()) from["gateway"] = r.gateway;
  ordered_json sources = ordered_json::array();
  for (const auto& s : r.sources) sources.push_back(reach_query_source_json(m, s));
  from["sources"] = std::move(sources);
  out << "{\n  \"format\": \"exposim-reach\",\n  \"version\": 1,\n  \"from\": " << from.dump()
      << ",\n  \"to\": " << (r.to.empty() ? ordered_json(nullptr) : ordered_json(r.to)).dump() << ",\n  \"flows\": [";
  const auto write_list = [&](const std::vector<ReachFlow>& list) {
    for (std::size_t i = 0; i < list.size(); ++i)
      out << (i ? ",\n    " : "\n    ") << reach_flow_json(m, list[i]).dump();
    out << (list.empty() ? "]" : "\n  ]");
  };
  write_list(r.reach.flows);
  const ordered_json summary = {{"flows", r.reach.flows.size()},
                                {"targets", reach_target_count(r.reach.flows)},
                                {"broken", r.reach.broken.size()},
                                {"source_classes", r.reach.source_classes},
                                {"target_classes", r.reach.target_classes},
                                {"evaluations", r.reach.evaluations}};
  out << ",\n  \"summary\": " << summary.dump() << ",\n  \"broken\": [";
  write_list(r.reach.broken);
  out << ",\n  \"diagnostics\": [";
  for (std::size_t i = 0; i < diagnostics.size(); ++i) {
    out << (i ? ",\n    " : "\n    ") << diagnostic_json(diagnostics[i]).dump();
  }
  out << (diagnostics.empty() ? "]" : "\n  ]") << "\n}\n";
}

void write_reach_csv(std::ostream& out, const model::Model& m, const ReachReport& r) {
  out << "source,source_type,source_id,source_ip,target,target_type,target_id,target_ip,protocol,ports,sources,"
         "broken,why,path_rules\n";
  const auto row = [&](const ReachFlow& f, bool broken) {
    std::string source_id;
    std::string source_ip;
    std::string source_type = "addresses";
    if (f.source.nic >= 0) {
      const auto& nic = m.nics[static_cast<std::size_t>(f.source.nic)];
      const auto& cfg = nic.ip_configurations[static_cast<std::size_t>(f.source.ip_configuration)];
      source_type = f.source_vm >= 0 ? "virtual-machine" : "network-interface";
      source_id = f.source_vm >= 0 ? m.vms[static_cast<std::size_t>(f.source_vm)].id : nic.id;
      source_ip = cfg.private_ip ? cfg.private_ip->to_string() : "";
    } else if (f.source_subnet >= 0) {
      source_id = m.subnets[static_cast<std::size_t>(f.source_subnet)].id;
    }
    std::string target_type = "private-endpoint";
    std::string target_id;
    if (f.target_kind == RK::kPrivateEndpoint) {
      target_id = m.private_endpoints[static_cast<std::size_t>(f.target)].id;
    } else if (f.target_kind == RK::kPaasService) {
      target_type = model::to_string(f.target_kind);
      target_id = m.paas_services[static_cast<std::size_t>(f.target)].id;
    } else {
      target_type = f.vm >= 0 ? "virtual-machine" : "network-interface";
      target_id = f.vm >= 0 ? m.vms[static_cast<std::size_t>(f.vm)].id : m.nics[static_cast<std::size_t>(f.nic)].id;
    }
    std::string sources;
    for (const auto& c : model::to_cidr_strings(f.sources)) sources += (sources.empty() ? "" : ";") + c;
    const std::vector<std::string> cells = {reach_flow_source(m, f),
                                            source_type,
                                            source_id,
                                            source_ip,
                                            reach_flow_target(m, f),
                                            target_type,
                                            target_id,
                                            reach_target_ip(m, f),
                                            model::to_string(f.protocol),
                                            reach_ports_text(f),
                                            sources,
                                            broken ? "true" : "false",
                                            broken && f.broken ? broken_text(m, *f.broken) : "",
                                            reach_rules_text(m, f)};
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_cell(cells[i]);
    out << '\n';
  };
  for (const auto& f : r.reach.flows) row(f, false);
  for (const auto& f : r.reach.broken) row(f, true);
}

}  // namespace exposim::cli
