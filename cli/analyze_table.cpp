// analyze's table (cli/analyze_table.h).
#include "cli/analyze_table.h"

#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "cli/exposure_cells.h"
#include "cli/text_table.h"
#include "solver/paas.h"

namespace exposim::cli {

void write_table(std::ostream& out, const model::Model& m, const solver::Analysis& a) {
  const std::vector<std::string> header = {"TARGET", "IP", "ENTRY", "VIA", "PROTO", "PORTS", "SOURCES", "RULES"};
  std::vector<std::vector<std::string>> rows;
  std::size_t on_nics = 0;
  for (const auto& e : a.exposures) {
    rows.push_back(table_row(m, e, a.internet));
    if (e.nic >= 0) ++on_nics;
  }
  const auto [nic_targets, other_targets] = count_targets(a.exposures);
  if (!rows.empty()) {
    write_text_table(out, header, rows);
  }
  // The summary: the ip configurations' line and the entry points' line, the one with exposures first, each
  // true on its own (an estate of entry points only has no ip configuration with an internet entry).
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
    for (const auto& [kind, one, many] :
         {std::tuple{RK::kFirewall, "firewall", "firewalls"},
          std::tuple{RK::kApplicationGateway, "application gateway", "application gateways"},
          std::tuple{RK::kBastionHost, "Bastion host", "Bastion hosts"},
          std::tuple{RK::kPaasService, "PaaS service", "PaaS services"}}) {
      const auto it = kinds.find(kind);
      if (it == kinds.end()) continue;
      by_kind +=
          fmt::format("{}{} {}", by_kind.empty() ? "" : ", ", it->second.size(), it->second.size() == 1 ? one : many);
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
  if (!a.broken.empty()) {
    out << fmt::format("\n{} broken flow{}: they pass every filter but the reply cannot return (not exposures)\n",
                       a.broken.size(), a.broken.size() == 1 ? "" : "s");
    std::vector<std::vector<std::string>> broken;
    for (const auto& e : a.broken) {
      auto row = table_row(m, e, a.internet);
      row.back() = e.broken;
      broken.push_back(std::move(row));
    }
    auto h = header;
    h.back() = "WHY";
    write_text_table(out, h, broken);
  }
}

}  // namespace exposim::cli
