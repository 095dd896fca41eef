// `exposim reach`: what a source inside the estate (or on-premises) reaches east-west, as a table, JSON or CSV
// (cli/reach_report.h). --from and --to are resolved by solver/reach_source.h.
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/pipeline.h"
#include "cli/progress.h"
#include "cli/reach_query_text.h"
#include "cli/reach_report.h"
#include "cli/terminal.h"
#include "cli/timing.h"
#include "model/validate.h"
#include "solver/reach_source.h"

namespace exposim::cli {
namespace {

struct ReachCommand {
  InputOptions input;
  std::string from;
  std::string to;
  std::string gateway;
  std::string format = "table";
  std::string output;

  /// Prints the error of a --from, --to or --gateway that names nothing usable in the input, and its candidates: exit
  /// 2, as explain's unknown target and source (the answer depends on what the input holds).
  static int query_error(const model::Model& m, const solver::ReachQueryError& e, std::ostream& err) {
    err << "exposim: error: " << terminal_cell(reach_error_text(m, e)) << '\n';
    for (const auto& c : reach_candidates_text(m, e)) err << "exposim: note: candidate: " << terminal_cell(c) << '\n';
    return kExitBadInput;
  }

  int run(std::ostream& out, std::ostream& err) const {
    model::Model m;
    model::Diagnostics diags;
    std::optional<DiagnosticPolicy> policy;
    Progress progress(err, progress_wanted(err, input.quiet));
    if (const int rc = load_inputs(input, err, m, diags, policy, &progress); rc != kExitOk) return rc;

    ReachReport report;
    report.from = from;
    report.to = to;
    report.gateway = gateway;
    const solver::ResolvedReachSource source = solver::resolve_reach_source(m, from, gateway);
    std::optional<solver::ResolvedReachTargets> targets;
    if (!to.empty() || to_given) targets = solver::resolve_reach_targets(m, to);
    const solver::ReachQueryError* error = source.error ? &*source.error : nullptr;
    if (error == nullptr && targets && targets->error) error = &*targets->error;
    if (error != nullptr) {
      // The inputs' diagnostics first: a resource not read is often why a name is unknown.
      std::vector<model::Diagnostic> sorted;
      if (const int rc = finish_diagnostics(input, *policy, diags, {}, err, sorted); rc != kExitOk) return rc;
      return query_error(m, *error, err);
    }
    report.sources = source.sources;

    const auto t0 = Clock::now();
    solver::ReachOptions options;
    options.jobs = input.jobs;
    options.paas = true;  // PaaS public endpoints are targets too (docs/model.md)
    if (targets) {
      options.targets = [t = &targets->targets](model::ResourceKind kind, int index) { return t->admits(kind, index); };
    }
    if (progress.enabled()) {
      options.progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
        progress.update(solve_progress_text(stage, done, total));
      };
    }
    model::Diagnostics findings;
    for (const auto& s : report.sources) {
      solver::Reach r = solver::reach(m, s, options);
      for (auto& f : r.flows) {
        if (!targets || targets->targets.contains(f)) report.reach.flows.push_back(std::move(f));
      }
      for (auto& f : r.broken) {
        if (!targets || targets->targets.contains(f)) report.reach.broken.push_back(std::move(f));
      }
      findings.append(r.findings);
      report.reach.source_classes += r.source_classes;
      report.reach.target_classes += r.target_classes;
      report.reach.evaluations += r.evaluations;
    }
    progress.clear();
    if (input.timings) {
      err << fmt::format("exposim: timing: solve {:.3f} s ({} source classes, {} target classes, {} evaluations)\n",
                         seconds_since(t0), report.reach.source_classes, report.reach.target_classes,
                         report.reach.evaluations);
    }
    model::name_source_instances(m, findings);
    std::vector<model::Diagnostic> sorted;
    if (const int rc = finish_diagnostics(input, *policy, diags, std::move(findings), err, sorted); rc != kExitOk) {
      return rc;
    }
    const auto t1 = Clock::now();
    const int rc = write_output(
        output,
        [&](std::ostream& o) {
          if (format == "json") {
            write_reach_json(o, m, report, sorted);
          } else if (format == "csv") {
            write_reach_csv(o, m, report);
          } else {
            write_terminal_safe(o, [&](std::ostream& safe) { write_reach_table(safe, m, report); });
          }
        },
        out, err);
    if (input.timings) err << fmt::format("exposim: timing: report {:.3f} s\n", seconds_since(t1));
    return rc;
  }

  bool to_given{false};
};

}  // namespace

Command::Run reach_command(CLI::App& cmd) {
  auto c = std::make_shared<ReachCommand>();
  add_input_options(cmd, c->input, kInputFilesHelp);
  cmd.add_option("--from", c->from,
                 "Source: a private IP address, a NIC or VM name or id (every ip configuration), subnet:NAME or "
                 "subnet:VNET/NAME, vnet:NAME, a subnet's or VNet's id, or an address prefix outside every VNet "
                 "(on-premises, arriving through a GatewaySubnet)")
      ->required();
  auto* to =
      cmd.add_option("--to", c->to,
                     "Only these targets: a NIC, VM or private endpoint name or id, a private IP address, "
                     "subnet:NAME, subnet:VNET/NAME, vnet:NAME, a subnet's or VNet's id, or a PaaS service's "
                     "name, id or host name (its public endpoint; an App Service's SCM host name: its SCM site)");
  cmd.add_option("--gateway", c->gateway,
                 "An on-premises --from: the VNet (name or id) whose GatewaySubnet it arrives through; default: "
                 "the only VNet with a GatewaySubnet");
  cmd.add_option("-f,--format", c->format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}));
  cmd.add_option("-o,--output", c->output, "Write the report to this file (atomically) instead of stdout");
  return [c, to](std::ostream& out, std::ostream& err) {
    c->to_given = to->count() > 0;
    return c->run(out, err);
  };
}

}  // namespace exposim::cli
