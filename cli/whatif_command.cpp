// `exposim whatif`: the exposure an estate would have after a change, compared with the exposure it has
// (docs/whatif.md).
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/terminal.h"
#include "cli/timing.h"
#include "cli/whatif_east_west.h"
#include "cli/whatif_report.h"
#include "importers/azure/resource_writer.h"
#include "importers/change.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/incremental.h"
#include "solver/whatif.h"

namespace exposim::cli {
namespace {

/// What makes two diagnostics the same finding on the two sides: code, pointer and message. The file is
/// left out: with --after the same warning of the same estate is at the same place of another file. In a
/// --plan file the pointer is left out too: the same resource is under /prior_state before and under
/// /planned_values after, at another index when the plan adds or destroys one; its message names it by address.
using SideKey = std::tuple<std::string, std::string, std::string>;
SideKey side_key(const model::Diagnostic& d, const std::vector<std::string>& plans) {
  const bool in_plan = std::find(plans.begin(), plans.end(), d.where.file.str()) != plans.end();
  return {d.code, in_plan ? std::string() : d.where.pointer, d.message};
}

/// Adds to `all` the diagnostics of `after` that the before side does not have; true when one is an error.
bool add_new(model::Diagnostics& all, const std::vector<model::Diagnostic>& before,
             const std::vector<model::Diagnostic>& after, const std::vector<std::string>& plans) {
  std::set<SideKey> known;
  for (const auto& d : before) known.insert(side_key(d, plans));
  bool errors = false;
  for (const auto& d : after) {
    if (known.count(side_key(d, plans)) != 0) continue;
    errors = errors || d.severity == model::Severity::kError;
    all.add(d);
  }
  return errors;
}

struct Whatif {
  InputOptions input;
  std::vector<std::string> changes;
  std::vector<std::string> after;
  std::vector<std::string> plans;
  std::string format = "table";
  std::string output;
  std::string write;
  bool full{false};
  bool fail_on_latent{false};
  std::vector<std::string> from;  // east-west sources (--from), as `exposim reach --from`
  std::string to;                 // east-west targets (--to), as `exposim reach --to`
  std::string gateway;
  bool east_west{false};  // every subnet as an east-west source

  int run(std::ostream& out, std::ostream& err) const {
    const Whatif& o = *this;
    const InputOptions& in = o.input;
    if (int{!o.changes.empty()} + int{!o.after.empty()} + int{!o.plans.empty()} != 1) {
      err << "exposim: error: whatif needs one of --change CHANGE (repeatable), --after FILE... or --plan PLAN "
             "(repeatable)\n";
      return kExitUsage;
    }
    if (in.files.empty() && o.plans.empty()) {
      err << "exposim: error: whatif needs the estate's files (only --plan can do without)\n";
      return kExitUsage;
    }
    for (const auto& plan : o.plans) {
      std::error_code ec;
      if (std::filesystem::is_directory(plan, ec)) {
        err << fmt::format("exposim: error: --plan takes a Terraform plan file, not a directory ('{}')\n",
                           terminal_cell(plan));
        return kExitUsage;
      }
    }
    if (o.east_west && !o.from.empty()) {
      err << "exposim: error: --east-west compares every subnet; --from names some sources: give one of them\n";
      return kExitUsage;
    }
    if (!o.to.empty() && o.from.empty() && !o.east_west) {
      err << "exposim: error: --to chooses the targets of the east-west comparison: give --from or --east-west\n";
      return kExitUsage;
    }
    if (!o.gateway.empty() && o.from.empty()) {
      err << "exposim: error: --gateway is for an on-premises --from\n";
      return kExitUsage;
    }
    if (!o.write.empty() && o.changes.empty()) {
      err << fmt::format("exposim: error: --write writes what --change changed; with {} there is nothing to write\n",
                         o.after.empty() ? "--plan" : "--after");
      return kExitUsage;
    }
    int rc = kExitOk;
    const auto policy = DiagnosticPolicy::make(in, err, rc);
    if (!policy) return rc;
    // As analyze: on a terminal, a run past a second shows the file read and the solver's stage (cli/progress.h).
    Progress progress(err, progress_wanted(err, in.quiet));

    auto t0 = Clock::now();
    model::Model before;
    model::Diagnostics before_diags;
    // With --plan both sides read the inputs and the plans: before from the plans' prior state, after from
    // their planned values.
    std::vector<std::string> files = in.files;
    files.insert(files.end(), o.plans.begin(), o.plans.end());
    const auto before_reports = import_files(in, files, before, before_diags, err, o.plans, &progress);
    bool templates = importers::has_template(before_reports);
    if (before_diags.has_errors()) {
      policy->apply_to_input(before_diags);  // --ignore, --fail-on and --strict, as every command does
      print_diagnostics(err, before_diags.sorted(), in.verbose);
      return kExitBadInput;
    }
    // The plans are the last reports: a directory among the files is replaced by its input files.
    for (std::size_t k = before_reports.size() - std::min(before_reports.size(), o.plans.size());
         k < before_reports.size(); ++k) {
      const auto& r = before_reports[k];
      if (r.kind != "terraform" || r.stats.detected_shape.rfind("Terraform plan", 0) != 0) {
        err << fmt::format("exposim: error: {}: --plan takes a Terraform plan (terraform show -json tfplan), not {}\n",
                           r.path,
                           r.kind == "terraform"  ? "a state"
                           : r.kind == "template" ? "a deployment template"
                                                  : "Azure resource JSON");
        return kExitBadInput;
      }
    }
    model::Model after;
    model::Diagnostics after_diags;  // what the change (or the after inputs) and validating it add
    std::vector<model::Changed> changed;
    if (!o.changes.empty()) {
      after = before;  // an imported model: validation resolves the edited copy from scratch
      for (const auto& path : o.changes) {
        if (!importers::apply_change_file(path, after, after_diags, changed)) {
          print_diagnostics(err, after_diags.sorted(), true);
          err << "exposim: error: the change was not applied; nothing was written\n";
          return kExitBadInput;
        }
      }
    } else if (!o.after.empty()) {
      const auto after_reports = import_files(in, o.after, after, after_diags, err, {}, &progress);
      templates = templates || importers::has_template(after_reports);
    } else {
      import_files(in, files, after, after_diags, err, {}, &progress);
    }
    const model::ValidateOptions vo = validate_options(in, templates);
    if (in.timings) err << fmt::format("exposim: timing: import and change {:.3f} s\n", seconds_since(t0));
    t0 = Clock::now();
    model::validate(before, before_diags, vo);
    // As every command: an after side that did not import is not validated (its errors are what to fix).
    if (!after_diags.has_errors()) model::validate(after, after_diags, vo);
    if (in.timings) err << fmt::format("exposim: timing: validate both {:.3f} s\n", seconds_since(t0));
    // A resource of a plan that another input defines too is dropped by validation (the first definition is
    // kept), and what the plan does to it would not be seen. The usual cause: the workspace's state beside its plan.
    for (const auto& d : after_diags.items()) {
      if (d.code != "duplicate-resource" ||
          std::find(o.plans.begin(), o.plans.end(), d.where.file.str()) == o.plans.end()) {
        continue;
      }
      err << fmt::format(
          "exposim: error: {}: {}: the plan's resources must not be given again by the other inputs (the plan holds "
          "its own state as prior_state; give only what it does not manage)\n",
          d.where.file.str(), d.message);
      return kExitBadInput;
    }
    policy->apply_to_input(before_diags);
    policy->apply_to_input(after_diags);
    // Diagnostics of the after side that the before side also has are the estate's, not the change's: each is
    // printed once.
    const auto before_sorted = before_diags.sorted();
    model::Diagnostics all = before_diags;
    const bool after_errors = add_new(all, before_sorted, after_diags.sorted(), o.plans);
    if (before_diags.has_errors() || after_errors) {
      print_diagnostics(err, all.sorted(), in.verbose);
      if (after_errors && !o.changes.empty())
        err << "exposim: error: the changed estate is not valid; nothing was written\n";
      return kExitBadInput;
    }
    t0 = Clock::now();
    solver::Analysis a_before;
    solver::Analysis a_after;
    std::optional<solver::AnalysisScope> scope;  // set when the after model was solved incrementally
    if (o.changes.empty() || o.full) {
      const auto solve = [&](const model::Model& m, std::string_view side) {
        solver::AnalyzeOptions options;
        options.jobs = in.jobs;
        if (progress.enabled()) {
          options.progress = [&progress, side](std::string_view stage, std::size_t done, std::size_t total) {
            progress.update(solve_progress_text(fmt::format("{} ({})", stage, side), done, total));
          };
        }
        solver::Analysis a = solver::analyze(m, options);
        progress.clear();
        return a;
      };
      a_before = solve(before, "before");
      a_after = solve(after, "after");
      if (in.timings) err << fmt::format("exposim: timing: solve both {:.3f} s\n", seconds_since(t0));
    } else {
      // Only what the change can affect is solved again (solver/incremental.h); the result is the same.
      solver::IncrementalAnalysis inc(before);
      a_before = inc.snapshot();
      if (in.timings) err << fmt::format("exposim: timing: solve before {:.3f} s\n", seconds_since(t0));
      t0 = Clock::now();
      const bool incremental = inc.update(before, after, changed);
      scope = inc.last_scope();
      a_after = inc.take();
      if (in.timings) {
        err << fmt::format("exposim: timing: solve after {:.3f} s ({})\n", seconds_since(t0),
                           incremental ? "incremental"
                                       : "full: the change reaches a possible network virtual appliance or a resource "
                                         "the incremental path does not cover");
      }
    }
    t0 = Clock::now();
    // Incrementally solved, only the scope's exposures can differ: only they are compared (the same diff).
    const solver::WhatifDiff diff = scope ? solver::diff_scoped(before, a_before, after, a_after, *scope)
                                          : solver::diff_analyses(before, a_before, after, a_after);
    if (in.timings) err << fmt::format("exposim: timing: compare {:.3f} s\n", seconds_since(t0));
    // East-west, when asked: reach() from the same sources in both models, compared (cli/whatif_east_west.h).
    std::optional<EastWestWhatif> east_west;
    if (o.east_west || !o.from.empty()) {
      t0 = Clock::now();
      EastWestQuery q;
      q.from = o.from;
      q.to = o.to;
      q.gateway = o.gateway;
      q.every_subnet = o.east_west;
      q.jobs = in.jobs;
      if (progress.enabled()) {
        q.progress = [&progress](std::string_view stage, std::size_t done, std::size_t total) {
          progress.update(solve_progress_text(fmt::format("{} (east-west)", stage), done, total));
        };
      }
      east_west.emplace();
      std::ostringstream query_error;  // printed after the inputs' diagnostics, as `reach` does
      const int ew_rc = run_east_west_whatif(before, after, q, *east_west, query_error);
      progress.clear();
      if (ew_rc != kExitOk) {
        print_diagnostics(err, all.sorted(), in.verbose);
        err << query_error.str();
        return ew_rc;
      }
      if (in.timings) {
        err << fmt::format("exposim: timing: east-west {:.3f} s ({} reach calls)\n", seconds_since(t0),
                           east_west->reach_calls);
      }
    }
    model::Diagnostics findings_before = a_before.findings;
    model::Diagnostics findings_after = a_after.findings;
    if (east_west) {  // reach()'s findings (an NSG past its work budget) join the analyses' (printed once)
      findings_before.append(east_west->findings_before);
      findings_after.append(east_west->findings_after);
    }
    policy->apply_to_findings(findings_before);
    policy->apply_to_findings(findings_after);
    all.append(findings_before);
    add_new(all, findings_before.sorted(), findings_after.sorted(), o.plans);
    const auto sorted = all.sorted();
    print_diagnostics(err, sorted, in.verbose);
    if (all.has_errors()) return kExitBadInput;  // a finding made fatal by --fail-on; nothing is written

    if (!o.write.empty()) {
      std::string error;
      const bool ok = write_file_atomically(
          o.write, [&](std::ostream& f) { f << importers::azure::changed_resources_json(after, changed); }, error);
      if (!ok) {
        err << "exposim: error: " << error << '\n';
        return kExitOutputError;
      }
    }
    t0 = Clock::now();
    const std::vector<solver::LatentRule> latent =
        solver::latent_rules(before, a_before, after, a_after, o.changes.empty() ? nullptr : &changed);
    if (in.timings) err << fmt::format("exposim: timing: latent rules {:.3f} s\n", seconds_since(t0));
    const WhatifResult result{before, a_before, after,  a_after,
                              diff,   changed,  latent, east_west ? &*east_west : nullptr};
    auto write = [&](std::ostream& s) {
      if (o.format == "json") {
        write_whatif_json(s, result, sorted);
      } else if (o.format == "markdown") {
        write_terminal_safe(s, [&](std::ostream& safe) { write_whatif_markdown(safe, result); });
      } else {
        write_terminal_safe(s, [&](std::ostream& safe) { write_whatif_table(safe, result); });
      }
    };
    if (const int rc = write_output(o.output, write, out, err); rc != kExitOk) return rc;
    const bool grew = diff.grew || (east_west && east_west->diff.grew);  // east-west openings count when asked
    return grew || (o.fail_on_latent && !latent.empty()) ? kExitFindings : kExitOk;
  }
};

}  // namespace

/// Exit codes: 0 when the exposure did not grow, 1 when it grew (or, with --fail-on-latent, a latent rule exists), 2
/// for a bad input or change, 4 for an output error.
Command::Run whatif_command(CLI::App& cmd) {
  auto c = std::make_shared<Whatif>();
  Whatif& o = *c;
  add_input_options(cmd, o.input,
                    "The estate as it is: Azure resource JSON files, deployment templates, Terraform plans or state "
                    "(with --plan: what both sides share; optional)");
  cmd.get_option("files")->required(false);  // with --plan the plan can be the whole estate
  cmd.add_option("--change", o.changes, "A change document (docs/whatif.md); repeatable, applied in order");
  cmd.add_option("--after", o.after, "The estate after the change: a second export or template of the same estate")
      ->expected(1, -1);
  cmd.add_option("--plan", o.plans,
                 "A Terraform plan (terraform show -json tfplan): its prior state against its planned values; "
                 "repeatable");
  cmd.add_option("-f,--format", o.format, "Output format (markdown: a pull-request comment)")
      ->check(CLI::IsMember({"table", "json", "markdown"}));
  cmd.add_option("-o,--output", o.output, "Write the report to this file (atomically) instead of stdout");
  cmd.add_option("--write", o.write, "Write the resources the changes touched as Azure resource JSON (atomically)");
  cmd.add_flag("--full", o.full,
               "Solve the changed estate completely instead of only what the change can affect (same result, slower)");
  cmd.add_flag("--fail-on-latent", o.fail_on_latent,
               "Exit 1 also when the change adds or widens a rule that admits the internet but reaches nothing yet");
  cmd.add_option("--from", o.from,
                 "Also compare what this source reaches east-west (as exposim reach --from: a private IP address, a "
                 "NIC or VM, subnet:NAME, vnet:NAME, an id, an on-premises prefix); repeatable")
      ->allow_extra_args(false);  // one source per --from: what follows is an input file
  cmd.add_option("--to", o.to,
                 "Only compare east-west flows to these targets (as exposim reach --to: a NIC, VM or private endpoint, "
                 "a private IP address, subnet:NAME, vnet:NAME, an id)");
  cmd.add_option("--gateway", o.gateway,
                 "An on-premises --from: the VNet whose GatewaySubnet it arrives through (default: the only one)");
  cmd.add_flag("--east-west", o.east_west,
               "Also compare what every subnet reaches east-west (the segmentation by subnet)");
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
