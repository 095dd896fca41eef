// `exposim whatif` (cli/whatif_command.h, docs/whatif.md).
#include "cli/whatif_command.h"

#include <chrono>
#include <map>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/whatif_report.h"
#include "importers/azure/resource_writer.h"
#include "importers/change.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/incremental.h"
#include "solver/whatif.h"

namespace exposim::cli {

struct WhatifCommand::Options {
  std::vector<std::string> files;
  std::vector<std::string> parameter_files;
  std::vector<std::string> parameters;
  std::vector<std::string> template_dirs;
  bool strict{false};
  bool allow_missing{false};
  bool verbose{false};
  bool timings{false};
  std::vector<std::string> changes;
  std::vector<std::string> after;
  std::string format = "table";
  std::string output;
  std::string write;
  bool full{false};
};

WhatifCommand::WhatifCommand() : o_(std::make_unique<Options>()) {}
WhatifCommand::~WhatifCommand() = default;

void WhatifCommand::add(CLI::App& app) {
  auto* cmd = app.add_subcommand("whatif", "Compare the exposure after a change (or a second version of the estate) "
                                           "with the exposure now; exit 1 when it grew");
  Options& o = *o_;
  cmd->add_option("files", o.files, "The estate as it is: Azure resource JSON files and deployment templates")->required();
  cmd->add_option("--parameters", o.parameter_files, "A template parameter file; repeatable");
  cmd->add_option("--param", o.parameters, "A template parameter as NAME=VALUE; repeatable");
  cmd->add_option("--template-dir", o.template_dirs,
                  "A directory where linked templates given by URI are looked up (nested/x.json, then x.json); "
                  "repeatable");
  cmd->add_flag("--strict", o.strict,
                "Treat warnings (assumptions taken about the input) as errors; a template parameter without a value "
                "is an error");
  cmd->add_flag("--allow-missing", o.allow_missing,
                "Accept references to resources absent from the input, assuming they admit everything (the default "
                "when an input is a template, except with --strict)");
  cmd->add_flag("-v,--verbose", o.verbose, "Print every diagnostic");
  cmd->add_flag("--timings", o.timings, "Print the time spent in each phase to stderr");
  cmd->add_option("--change", o.changes, "A change document (docs/whatif.md); repeatable, applied in order");
  cmd->add_option("--after", o.after, "The estate after the change: a second export or template of the same estate")
      ->expected(1, -1);
  cmd->add_option("-f,--format", o.format, "Output format")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("-o,--output", o.output, "Write the report to this file (atomically) instead of stdout");
  cmd->add_option("--write", o.write, "Write the resources the changes touched as Azure resource JSON (atomically)");
  cmd->add_flag("--full", o.full,
                "Solve the changed estate completely instead of only what the change can affect (same result, slower)");
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void print(std::ostream& err, const std::vector<model::Diagnostic>& diags, bool all) {
  constexpr std::size_t kShownPerCode = 5;
  std::map<std::pair<std::string, std::string>, std::size_t> seen;
  for (const auto& d : diags) {
    const std::size_t n = ++seen[{d.where.file.str(), d.code}];
    if (all || n <= kShownPerCode || d.severity == model::Severity::kError) err << "exposim: " << model::to_string(d) << '\n';
  }
}

}  // namespace

int WhatifCommand::run(std::ostream& out, std::ostream& err) {
  const Options& o = *o_;
  if (o.changes.empty() == o.after.empty()) {
    err << "exposim: error: whatif needs either --change CHANGE (repeatable) or --after FILE..., not both\n";
    return kExitUsage;
  }
  if (!o.write.empty() && o.changes.empty()) {
    err << "exposim: error: --write writes what --change changed; with --after there is nothing to write\n";
    return kExitUsage;
  }
  importers::InputOptions io;
  io.parameter_files = o.parameter_files;
  io.parameters = o.parameters;
  io.template_dirs = o.template_dirs;
  io.strict = o.strict;

  auto t0 = Clock::now();
  model::Model before;
  model::Diagnostics before_diags;
  const auto before_reports = importers::import_inputs(o.files, io, before, before_diags);
  // Resources a template references but does not declare already exist: the normal case (docs/arm-templates.md).
  bool templates = importers::has_template(before_reports);
  if (before_diags.has_errors()) {
    print(err, before_diags.sorted(), o.verbose);
    return kExitBadInput;
  }
  model::Model after;
  model::Diagnostics after_diags;  // what the change (or the after inputs) and validating it add
  std::vector<model::Changed> changed;
  if (!o.changes.empty()) {
    after = before;  // an imported model: validation resolves the edited copy from scratch
    for (const auto& path : o.changes) {
      if (!importers::apply_change_file(path, after, after_diags, changed)) {
        print(err, after_diags.sorted(), true);
        err << "exposim: error: the change was not applied; nothing was written\n";
        return kExitBadInput;
      }
    }
  } else {
    templates = importers::has_template(importers::import_inputs(o.after, io, after, after_diags)) || templates;
  }
  const model::ValidateOptions vo{o.allow_missing || (templates && !o.strict)};
  if (o.timings) err << fmt::format("exposim: timing: import and change {:.3f} s\n", seconds_since(t0));
  t0 = Clock::now();
  model::validate(before, before_diags, vo);
  model::validate(after, after_diags, vo);
  if (o.timings) err << fmt::format("exposim: timing: validate both {:.3f} s\n", seconds_since(t0));
  if (o.strict) {
    before_diags.promote_warnings();
    after_diags.promote_warnings();
  }
  // Diagnostics of the after side that the before side also has are the estate's, not the change's.
  const auto before_sorted = before_diags.sorted();
  std::set<std::tuple<std::string, std::string, std::string>> known;
  for (const auto& d : before_sorted) known.emplace(d.code, d.where.file.str() + d.where.pointer, d.message);
  model::Diagnostics all = before_diags;
  bool after_errors = false;
  for (const auto& d : after_diags.sorted()) {
    if (known.count({d.code, d.where.file.str() + d.where.pointer, d.message}) != 0) continue;
    if (d.severity == model::Severity::kError) after_errors = true;
    all.add(d);
  }
  if (before_diags.has_errors() || after_errors) {
    print(err, all.sorted(), o.verbose);
    if (after_errors && !o.changes.empty()) err << "exposim: error: the changed estate is not valid; nothing was written\n";
    return kExitBadInput;
  }
  t0 = Clock::now();
  solver::Analysis a_before;
  solver::Analysis a_after;
  std::optional<solver::AnalysisScope> scope;  // set when the after model was solved incrementally
  if (o.changes.empty() || o.full) {
    a_before = solver::analyze(before);
    a_after = solver::analyze(after);
    if (o.timings) err << fmt::format("exposim: timing: solve both {:.3f} s\n", seconds_since(t0));
  } else {
    // Only what the change can affect is solved again (solver/incremental.h); the result is the same.
    solver::IncrementalAnalysis inc(before);
    a_before = inc.analysis();
    if (o.timings) err << fmt::format("exposim: timing: solve before {:.3f} s\n", seconds_since(t0));
    t0 = Clock::now();
    const bool incremental = inc.update(before, after, changed);
    scope = inc.last_scope();
    a_after = inc.take();
    if (o.timings) {
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
  if (o.timings) err << fmt::format("exposim: timing: compare {:.3f} s\n", seconds_since(t0));
  all.append(a_before.findings);
  {
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (const auto& d : a_before.findings.items()) seen.emplace(d.code, d.where.file.str() + d.where.pointer, d.message);
    for (const auto& d : a_after.findings.items()) {
      if (seen.count({d.code, d.where.file.str() + d.where.pointer, d.message}) == 0) all.add(d);
    }
  }
  const auto sorted = all.sorted();
  print(err, sorted, o.verbose);

  if (!o.write.empty()) {
    std::string error;
    const bool ok = write_file_atomically(
        o.write,
        [&](std::ostream& f) {
          nlohmann::ordered_json list = nlohmann::ordered_json::array();
          for (const auto& c : changed) {
            auto j = importers::azure::resource_json(after, c);
            if (!j.is_null()) list.push_back(std::move(j));
          }
          f << list.dump(2) << '\n';
        },
        error);
    if (!ok) {
      err << "exposim: error: " << error << '\n';
      return kExitOutputError;
    }
  }
  const WhatifResult result{before, a_before, after, a_after, diff, changed};
  auto write = [&](std::ostream& s) {
    if (o.format == "json") {
      write_whatif_json(s, result, sorted);
    } else {
      write_whatif_table(s, result);
    }
  };
  if (o.output.empty() || o.output == "-") {
    write(out);
    out.flush();
    if (!out) return kExitOutputError;
  } else {
    std::string error;
    if (!write_file_atomically(o.output, write, error)) {
      err << "exposim: error: " << error << '\n';
      return kExitOutputError;
    }
  }
  return diff.grew ? kExitFindings : kExitOk;
}

}  // namespace exposim::cli
