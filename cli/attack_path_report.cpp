// analyze --attack-paths's section and JSON (cli/attack_path_report.h).
#include "cli/attack_path_report.h"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "cli/exposure_cells.h"
#include "cli/json_parts.h"
#include "cli/reach_report.h"
#include "cli/terminal.h"
#include "solver/analysis.h"
#include "solver/paas_hop.h"

namespace exposim::cli {

using nlohmann::ordered_json;

namespace {

std::string attack_entry_name(const model::Model& m, const solver::AttackPath& p) {
  if (p.entry_vm >= 0) return m.vms[static_cast<std::size_t>(p.entry_vm)].name;
  return m.nics[static_cast<std::size_t>(p.entry.nic)].name;
}

/// A step's target as the chain names it: reach's TARGET, "(SCM site)" after an App Service's SCM site.
std::string attack_target_name(const model::Model& m, const solver::ReachFlow& f) {
  std::string name = reach_flow_target(m, f);
  if (f.target_kind == model::ResourceKind::kPaasService && solver::scm_path(f.path)) name += " (SCM site)";
  return name;
}

/// "tcp 8080", "udp all", "icmp": a flow's protocol and ports.
std::string attack_ports_text(const solver::ReachFlow& f) {
  // Appended piecewise: GCC 12 warns falsely on `" " + std::string` inlined.
  std::string s = model::to_string(f.protocol);
  if (!model::has_ports(f.protocol)) return s;
  s.append(" ").append(f.ports.is_all() ? std::string("all") : model::to_string(f.ports));
  if (!f.source_ports.is_all()) s.append(" (from source ports ").append(model::to_string(f.source_ports)).append(")");
  return s;
}

/// A step's flows as lines "vm-web-1 -> vm-app-1 tcp 8080: RULES"; flows of portless protocols with the same rules
/// are one line ("icmp,esp,ah"), as in analyze's and reach's tables.
std::vector<std::string> attack_step_lines(const model::Model& m, const solver::AttackStep& step) {
  std::vector<std::pair<std::string, std::string>> parts;  // (protocol and ports, rules)
  for (const auto& f : step.flows) {
    std::string ports = attack_ports_text(f);
    std::string rules = reach_rules_text(m, f);
    if (!model::has_ports(f.protocol) && !parts.empty() && parts.back().second == rules &&
        parts.back().first.find(' ') == std::string::npos) {
      parts.back().first += "," + ports;
      continue;
    }
    parts.emplace_back(std::move(ports), std::move(rules));
  }
  const auto& front = step.flows.front();
  const std::string ends = reach_flow_source(m, front) + " -> " + attack_target_name(m, front);
  std::vector<std::string> out;
  for (const auto& [ports, rules] : parts) out.push_back(ends + " " + ports + ": " + rules);
  return out;
}

ordered_json attack_ports_json(const model::PortSet& ports) {
  ordered_json out = ordered_json::array();
  for (const auto& iv : ports.intervals()) out.push_back({iv.lo, iv.hi});
  return out;
}

}  // namespace

std::string attack_chain_text(const model::Model& m, const solver::AttackPath& p) {
  std::string s = "internet -> " + attack_entry_name(m, p);
  for (const auto& step : p.steps) s += " -> " + attack_target_name(m, step.flows.front());
  return s;
}

void write_attack_paths_text(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                             const solver::AttackPaths& paths) {
  out << '\n';
  if (paths.paths.empty()) {
    out << "attack paths: none (no internet-exposed ip configuration reaches anything east-west)\n";
    return;
  }
  std::set<model::IpConfigIndex> entries;
  for (const auto& p : paths.paths) entries.insert(p.entry);
  out << fmt::format("attack paths: {} from {} exposed ip configuration{}\n", paths.paths.size(), entries.size(),
                     entries.size() == 1 ? "" : "s");
  for (std::size_t k = 0; k < paths.paths.size(); ++k) {
    const auto& p = paths.paths[k];
    out << terminal_cell(fmt::format("{}. {}: {}", k + 1, solver::to_string(p.rank), attack_chain_text(m, p))) << '\n';
    for (const int x : p.exposures) {
      const auto& e = a.exposures[static_cast<std::size_t>(x)];
      out << terminal_cell(fmt::format("   entry   {} {} {} {} from {}: {}", entry_label(m, e),
                                       solver::to_string(e.via), model::to_string(e.protocol), ports_text(e),
                                       sources_text(e, a.internet), rules_text(m, e)))
          << '\n';
    }
    for (std::size_t s = 0; s < p.steps.size(); ++s) {
      for (const auto& line : attack_step_lines(m, p.steps[s])) {
        out << terminal_cell(fmt::format("   step {}  {}", s + 1, line)) << '\n';
      }
    }
  }
  if (paths.truncated) {
    out << fmt::format("attack paths: second steps were searched from the first {} intermediates only\n",
                       solver::AttackPathOptions{}.max_second_step_sources);
  }
}

ordered_json attack_paths_json(const model::Model& m, const solver::AttackPaths& paths) {
  ordered_json out = ordered_json::array();
  for (const auto& p : paths.paths) {
    ordered_json j;
    j["rank"] = solver::to_string(p.rank);
    j["chain"] = attack_chain_text(m, p);
    j["entry"] = target_json(m, p.entry.nic, p.entry.ip_configuration, p.entry_vm);
    j["exposures"] = p.exposures;
    ordered_json steps = ordered_json::array();
    for (const auto& step : p.steps) {
      const auto& f = step.flows.front();
      ordered_json s;
      s["target"] = reach_flow_json(m, f)["target"];
      // Every protocol the step passes, with its ports (null for a portless protocol), in the flows' order.
      std::vector<std::pair<model::Protocol, model::PortSet>> by_protocol;
      for (const auto& g : step.flows) {
        auto it = std::find_if(by_protocol.begin(), by_protocol.end(),
                               [&](const auto& bp) { return bp.first == g.protocol; });
        if (it == by_protocol.end()) {
          by_protocol.emplace_back(g.protocol, g.ports);
        } else {
          it->second = it->second.unite(g.ports);
        }
      }
      ordered_json ports = ordered_json::object();
      for (const auto& [proto, set] : by_protocol) {
        ports[model::to_string(proto)] = model::has_ports(proto) ? attack_ports_json(set) : ordered_json(nullptr);
      }
      s["ports"] = std::move(ports);
      ordered_json flows = ordered_json::array();
      for (const auto& g : step.flows) flows.push_back(reach_flow_json(m, g));
      s["flows"] = std::move(flows);
      steps.push_back(std::move(s));
    }
    j["steps"] = std::move(steps);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace exposim::cli
