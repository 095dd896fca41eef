// analyze's table (cli/analyze_table.h).
#include "cli/analyze_table.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "check/spec.h"
#include "cli/analyze_report.h"
#include "cli/broken_text.h"
#include "cli/exposure_cells.h"
#include "cli/terminal.h"
#include "cli/text_table.h"
#include "model/service_tags.h"
#include "solver/analysis.h"
#include "solver/paas.h"

namespace exposim::cli {
namespace {

const std::vector<std::string> kHeader = {"TARGET", "IP", "ENTRY", "VIA", "PROTO", "PORTS", "SOURCES", "RULES"};
using namespace table_column;
constexpr std::size_t kListed = 5;  // names listed in a header line before "+N more"

/// A row and the exposure it stands for (the first, when portless protocols are collapsed).
struct Built {
  RiskRow row;
  const solver::Exposure* exposure;
};

/// PORTS for the table: "all except 3389" when the complement is the shorter list.
std::string ports_cell(const solver::Exposure& e) {
  if (!model::has_ports(e.protocol) || e.ports.is_all()) return ports_text(e);
  const model::PortSet rest = e.ports.complement();
  if (rest.intervals().size() >= e.ports.intervals().size()) return ports_text(e);
  std::string p = "all except " + model::to_string(rest);
  if (!e.source_ports.is_all()) p += " (from source ports " + model::to_string(e.source_ports) + ")";
  return p;
}

/// The rows of `exposures` (broken flows: WHY in the last cell, no risk), portless protocols collapsed.
std::vector<Built> build_rows(const model::Model& m, const std::vector<solver::Exposure>& exposures,
                              const model::IpSet& internet, TableSort sort, bool broken,
                              std::size_t max_sources = kDefaultMaxSources) {
  std::vector<Built> rows;
  rows.reserve(exposures.size());
  // Portless rows by everything but the protocol: the row they join.
  std::unordered_map<std::string, std::size_t> portless;
  // SOURCES by source set: most exposures share a few rules' sources, and the cell costs a walk of the set.
  std::map<std::vector<model::Interval<model::U128>>, std::string> sources;
  for (const auto& e : exposures) {
    std::string via = solver::to_string(e.via);
    if (e.jit) via += " (jit)";
    std::string from;
    if (e.any_source) {
      from = "any";
    } else {
      auto [it, added] = sources.try_emplace(e.sources.intervals());
      if (added) it->second = sources_text(e, internet, max_sources);
      from = it->second;
    }
    // The cells of table_row(), with the table's PORTS.
    std::vector<std::string> cells = {
        target_name(m, e), private_ip(m, e), entry_label(m, e), std::move(via), model::to_string(e.protocol),
        ports_cell(e),     std::move(from),  rules_text(m, e)};
    if (broken) cells.back() = e.broken ? broken_text(m, *e.broken) : "";
    if (!model::has_ports(e.protocol)) {
      const auto [kind, index, config] = target_key(e);
      std::string key = fmt::format("{}/{}/{}", kind, index, config);
      for (std::size_t c = 0; c < cells.size(); ++c) {
        if (c != kProto) key.append("\x1f").append(cells[c]);
      }
      const auto [it, added] = portless.try_emplace(std::move(key), rows.size());
      if (!added) {
        rows[it->second].row.cells[kProto] += "," + cells[kProto];
        continue;
      }
    }
    const Risk risk = broken ? Risk::kRestricted : risk_of(e, cells[kSources]);
    rows.push_back({RiskRow{std::move(cells), risk}, &e});
  }
  if (sort == TableSort::kRisk) {
    std::stable_sort(rows.begin(), rows.end(), [](const Built& x, const Built& y) { return x.row.risk < y.row.risk; });
  }
  return rows;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return with_thousands(n) + " " + (n == 1 ? one : many);
}

/// "a, b, c +2 more".
std::string listed(const std::set<std::string>& names) {
  std::string s;
  std::size_t i = 0;
  for (const auto& n : names) {
    if (i == kListed) break;
    s += (i++ ? ", " : "") + n;
  }
  if (names.size() > kListed) s += fmt::format(" +{} more", names.size() - kListed);
  return s;
}

/// The address or host a client connects to.
std::string entry_of(const model::Model& m, const solver::Exposure& e) {
  if (e.via == solver::Via::kPaasPublic) return paas_entry(m, e);
  std::string ip = entry_ip(m, e);
  if (!ip.empty()) return ip;
  if (e.public_ip >= 0) return m.public_ips[e.public_ip].name + " (unallocated)";
  return "(unknown public IP)";
}

const char* kind_name(model::ResourceKind kind, bool many) {
  using RK = model::ResourceKind;
  switch (kind) {
    case RK::kFirewall: return many ? "firewalls" : "firewall";
    case RK::kApplicationGateway: return many ? "application gateways" : "application gateway";
    case RK::kBastionHost: return many ? "Bastion hosts" : "Bastion host";
    case RK::kPaasService: return many ? "PaaS services" : "PaaS service";
    default: break;
  }
  return many ? "other targets" : "other target";
}

/// The summary lines after the rows (unchanged wording: tests and docs quote them).
void write_summary_lines(std::ostream& out, const model::Model& m, const solver::Analysis& a) {
  std::size_t on_nics = 0;
  for (const auto& e : a.exposures) on_nics += e.nic >= 0 ? 1 : 0;
  const auto [nic_targets, other_targets] = count_targets(a.exposures);
  // The ip configurations' line and the entry points' line, the one with exposures first, each true on its own
  // (an estate of entry points only has no ip configuration with an internet entry).
  std::string nic_line;
  if (on_nics > 0) {
    nic_line =
        fmt::format("{} exposure{} on {} of {} ip configuration{} with an internet entry", on_nics,
                    on_nics == 1 ? "" : "s", nic_targets, a.targets_evaluated, a.targets_evaluated == 1 ? "" : "s");
  } else if (a.targets_evaluated > 0) {
    nic_line = fmt::format("no exposure on the {} ip configuration{} with an internet entry", a.targets_evaluated,
                           a.targets_evaluated == 1 ? "" : "s");
  } else {
    nic_line =
        "no ip configuration has an internet entry (a public IP, a public load balancer, a firewall DNAT rule, "
        "an application gateway or a Bastion host reaching it)";
    if (a.exposures.empty()) nic_line = "no exposures: " + nic_line;
  }
  std::string entry_line;
  if (other_targets > 0) {
    // Entry points by kind, in a fixed order: "1 firewall, 2 PaaS services".
    std::map<model::ResourceKind, std::set<int>> kinds;
    for (const auto& e : a.exposures) {
      if (e.nic < 0) kinds[e.target_kind].insert(e.target);
    }
    std::string by_kind;
    using RK = model::ResourceKind;
    for (const auto kind : {RK::kFirewall, RK::kApplicationGateway, RK::kBastionHost, RK::kPaasService}) {
      const auto it = kinds.find(kind);
      if (it == kinds.end()) continue;
      by_kind += fmt::format("{}{} {}", by_kind.empty() ? "" : ", ", it->second.size(),
                             kind_name(kind, it->second.size() != 1));
    }
    const std::size_t n = a.exposures.size() - on_nics;
    entry_line = fmt::format("{} exposure{} of {} entry point{} ({})", n, n == 1 ? "" : "s", other_targets,
                             other_targets == 1 ? "" : "s", by_kind);
  }
  if (on_nics == 0 && !entry_line.empty()) {
    out << entry_line << '\n' << nic_line << '\n';
  } else {
    out << nic_line << '\n';
    if (!entry_line.empty()) out << entry_line << '\n';
  }
  if (a.paas_services_evaluated > 0) {
    std::size_t with_pe = 0;
    for (std::size_t s = 0; s < m.paas_services.size(); ++s) {
      with_pe += solver::approved_private_endpoints(m, static_cast<int>(s)) > 0 ? 1 : 0;
    }
    out << fmt::format(
        "{} PaaS service{} evaluated, {} with an approved private endpoint (which does not close the "
        "public endpoint)\n",
        a.paas_services_evaluated, a.paas_services_evaluated == 1 ? "" : "s", with_pe);
  }
}

/// Which published table decided the service tags (--service-tags).
std::string service_tags_line(const model::ServiceTagTable& t) {
  return fmt::format("service tags: file '{}' (cloud {}, changeNumber {}, {} tags)", t.file,
                     t.cloud.empty() ? "not given" : t.cloud, t.change_number, with_thousands(t.tags().size()));
}

/// The header lines (table_header) from the rows already built.
std::vector<std::string> header_lines(const model::Model& m, const solver::Analysis& a,
                                      const std::vector<Built>& rows) {
  if (a.exposures.empty()) return {};
  std::set<std::tuple<int, int, int>> management;
  std::set<std::string> management_names;
  std::set<std::string> entries;
  std::map<std::string, std::size_t> vias;
  for (const auto& b : rows) {
    if (b.row.risk == Risk::kManagementFromAny && management.insert(target_key(*b.exposure)).second) {
      management_names.insert(b.row.cells[0]);
    }
  }
  for (const auto& e : a.exposures) {
    entries.insert(entry_of(m, e));
    ++vias[solver::to_string(e.via)];
  }
  std::vector<std::pair<std::string, std::size_t>> by_via(vias.begin(), vias.end());
  std::stable_sort(by_via.begin(), by_via.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
  std::string via_text;
  for (const auto& [via, n] : by_via)
    via_text += fmt::format("{}{} {}", via_text.empty() ? "" : ", ", via, with_thousands(n));
  std::vector<std::string> out;
  out.push_back(fmt::format(
      "management ports ({}) open to any source: {}", model::to_string(check::default_management_ports()),
      management.empty() ? std::string("no target")
                         : plural(management.size(), "target", "targets") + " (" + listed(management_names) + ")"));
  out.push_back(fmt::format("internet entries: {} ({})", with_thousands(entries.size()), listed(entries)));
  out.push_back(fmt::format("exposures by via: {}", via_text));
  if (m.service_tags) out.push_back(service_tags_line(*m.service_tags));
  return out;
}

std::vector<std::string> aggregates(const model::Model& m, const std::vector<Built>& rows) {
  struct Group {
    std::set<int> nics;
    std::set<int> subnets;
    std::map<model::ResourceKind, std::set<int>> others;
    std::size_t targets() const {
      std::size_t n = nics.size();
      for (const auto& [kind, set] : others) n += set.size();
      return n;
    }
  };
  // (risk, protocols, ports, from): the groups, in the order of their key.
  std::map<std::tuple<Risk, std::string, std::string, std::string>, Group> groups;
  for (const auto& b : rows) {
    const auto& e = *b.exposure;
    const std::string& sources = b.row.cells[kSources];
    const std::string from = sources == "any"                      ? "from any"
                             : sources.rfind("any except", 0) == 0 ? "from any except some sources"
                                                                   : "from restricted sources";
    Group& g = groups[{b.row.risk, b.row.cells[kProto], b.row.cells[kPorts], from}];
    if (e.nic >= 0) {
      g.nics.insert(e.nic);
      const auto& subnet = m.nics[e.nic].ip_configurations[e.ip_configuration].subnet;
      g.subnets.insert(subnet.index);
    } else {
      g.others[e.target_kind].insert(e.target);
    }
  }
  std::vector<std::pair<const decltype(groups)::key_type*, const Group*>> order;
  for (const auto& [key, g] : groups) order.emplace_back(&key, &g);
  std::stable_sort(order.begin(), order.end(), [](const auto& x, const auto& y) {
    if (std::get<0>(*x.first) != std::get<0>(*y.first)) return std::get<0>(*x.first) < std::get<0>(*y.first);
    return x.second->targets() > y.second->targets();
  });
  std::vector<std::string> out;
  for (const auto& [key, g] : order) {
    const auto& [risk, proto, ports, from] = *key;
    std::string what = ports == "-" ? proto : proto + "/" + ports;
    std::string counts;
    if (!g->nics.empty()) {
      counts = plural(g->nics.size(), "NIC", "NICs") + " in " + plural(g->subnets.size(), "subnet", "subnets");
    }
    for (const auto& [kind, set] : g->others) {
      counts += (counts.empty() ? "" : ", ") + with_thousands(set.size()) + " " + kind_name(kind, set.size() != 1);
    }
    out.push_back(fmt::format("{}{} {}: {}", risk_marker(risk), " " + what, from, counts));
  }
  return out;
}

void write_lines(std::ostream& out, const std::vector<std::string>& lines) {
  for (const auto& l : lines) out << l << '\n';
}

}  // namespace

Risk risk_of(const solver::Exposure& e, const std::string& sources_cell) {
  if (sources_cell.rfind("any", 0) != 0) return Risk::kRestricted;
  const bool firewall_frontend = e.nic < 0 && e.target_kind == model::ResourceKind::kFirewall;
  const bool management = (e.protocol == model::Protocol::kTcp || e.protocol == model::Protocol::kUdp) &&
                          e.via != solver::Via::kBastion && !firewall_frontend &&
                          !e.ports.intersect(check::default_management_ports()).empty();
  return management ? Risk::kManagementFromAny : Risk::kFromAny;
}

std::vector<RiskRow> table_rows(const model::Model& m, const solver::Analysis& a, TableSort sort) {
  std::vector<RiskRow> out;
  for (auto& b : build_rows(m, a.exposures, a.internet, sort, false)) out.push_back(std::move(b.row));
  return out;
}

std::vector<std::string> table_header(const model::Model& m, const solver::Analysis& a) {
  return header_lines(m, a, build_rows(m, a.exposures, a.internet, TableSort::kName, false));
}

std::vector<std::string> aggregate_lines(const model::Model& m, const solver::Analysis& a) {
  return aggregates(m, build_rows(m, a.exposures, a.internet, TableSort::kName, false));
}

std::size_t write_table(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                        const TableOptions& options) {
  std::vector<Built> built = build_rows(m, a.exposures, a.internet, options.sort, false, options.max_sources);
  std::vector<std::string> header = header_lines(m, a, built);
  for (auto& l : header) l = terminal_cell(l);  // names of targets and entries
  write_lines(out, header);
  if (!header.empty()) out << '\n';
  std::size_t rows = 0;
  if (options.summary) {
    const auto lines = aggregates(m, built);
    write_lines(out, lines);
    if (!lines.empty()) out << '\n';
  } else {
    std::vector<RiskRow> table;
    table.reserve(built.size());
    for (auto& b : built) table.push_back(std::move(b.row));
    rows = table.size();
    if (!table.empty()) write_lines(out, layout_table(kHeader, table, options.layout, LastColumn::kRules));
  }
  write_summary_lines(out, m, a);
  if (a.broken.empty()) return rows;
  out << fmt::format("\n{} broken flow{}: they pass every filter but the reply cannot return (not exposures)\n",
                     a.broken.size(), a.broken.size() == 1 ? "" : "s");
  if (options.summary) return rows;
  std::vector<RiskRow> broken;
  for (auto& b : build_rows(m, a.broken, a.internet, TableSort::kName, true, options.max_sources)) {
    broken.push_back(std::move(b.row));
  }
  auto h = kHeader;
  h.back() = "WHY";
  write_lines(out, layout_table(h, broken, options.layout, LastColumn::kWhy));
  return rows;
}

}  // namespace exposim::cli
