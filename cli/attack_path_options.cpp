// --attack-paths and --critical (cli/attack_path_options.h).
#include "cli/attack_path_options.h"

#include <algorithm>

#include <CLI/CLI.hpp>

#include "check/evaluate.h"
#include "cli/terminal.h"

namespace exposim::cli {

void add_attack_path_options(CLI::App& cmd, AttackPathFlags& flags) {
  cmd.add_flag("--attack-paths", flags.enabled,
               "Also chain the internet's exposure with east-west reachability: what each exposed ip configuration "
               "reaches, in one step or, toward private endpoints and critical VMs, two, ranked by what it reaches");
  cmd.add_option("--critical", flags.critical,
                 "With --attack-paths: VMs to rank as critical, name:GLOB, id:GLOB, tag:KEY=VALUE, tag:KEY, "
                 "subnet:GLOB or vnet:GLOB (repeatable: any of them selects)");
}

CriticalSelector parse_critical_selector(std::string_view text) {
  CriticalSelector out;
  const auto colon = text.find(':');
  const std::string_view kind = colon == std::string_view::npos ? std::string_view{} : text.substr(0, colon);
  const std::string value(colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1));
  auto& s = out.selector;
  if (kind.empty() || value.empty()) {
    out.error = "--critical '" + std::string(text) +
                "': expected name:GLOB, id:GLOB, tag:KEY=VALUE, tag:KEY, subnet:GLOB or vnet:GLOB";
    return out;
  }
  if (kind == "name") {
    s.names.push_back(value);
  } else if (kind == "id") {
    s.ids.push_back(value);
  } else if (kind == "subnet") {
    s.subnets.push_back(value);
  } else if (kind == "vnet") {
    s.vnets.push_back(value);
  } else if (kind == "tag") {
    const auto eq = value.find('=');
    check::TagMatch t;
    t.key = value.substr(0, eq);
    if (eq != std::string::npos) t.value = value.substr(eq + 1);
    if (t.key.empty()) {
      out.error = "--critical '" + std::string(text) + "': a tag selector needs a key (tag:KEY=VALUE or tag:KEY)";
      return out;
    }
    s.tags.push_back(std::move(t));
  } else {
    out.error = "--critical '" + std::string(text) + "': unknown selector '" + std::string(kind) +
                "' (name, id, tag, subnet or vnet)";
    return out;
  }
  s.given = true;
  return out;
}

std::optional<solver::AttackPaths> compute_attack_paths(const model::Model& m, const solver::Analysis& a,
                                                        const AttackPathFlags& flags, int jobs, std::ostream& err) {
  std::vector<check::Selector> selectors;
  for (const auto& text : flags.critical) {
    auto c = parse_critical_selector(text);
    if (!c.error.empty()) {
      err << "exposim: error: " << terminal_cell(c.error) << '\n';
      return std::nullopt;
    }
    selectors.push_back(std::move(c.selector));
  }
  // Which ip configurations each selector chooses, once: the solver asks per ip configuration.
  std::vector<std::vector<bool>> critical(m.nics.size());
  std::vector<bool> used(selectors.size(), false);
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    critical[n].assign(m.nics[n].ip_configurations.size(), false);
    for (std::size_t c = 0; c < critical[n].size(); ++c) {
      const check::Subject subject{model::ResourceKind::kNetworkInterface, static_cast<int>(n), static_cast<int>(c)};
      for (std::size_t k = 0; k < selectors.size(); ++k) {
        if (check::matches(m, selectors[k], subject)) {
          critical[n][c] = true;
          used[k] = true;
        }
      }
    }
  }
  for (std::size_t k = 0; k < selectors.size(); ++k) {
    if (used[k]) continue;
    err << "exposim: warning: --critical '" << terminal_cell(flags.critical[k]) << "' selects no ip configuration"
        << terminal_cell(check::selector_suggestion(m, selectors[k])) << '\n';
  }
  solver::AttackPathOptions options;
  options.jobs = jobs;
  if (!selectors.empty()) {
    options.critical = [&critical](model::IpConfigIndex x) {
      return critical[static_cast<std::size_t>(x.nic)][static_cast<std::size_t>(x.ip_configuration)];
    };
  }
  return solver::attack_paths(m, a, options);
}

}  // namespace exposim::cli
