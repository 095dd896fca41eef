// Loading the inputs, finishing the diagnostics and the analyse pipeline between them (cli/pipeline.h).
#include "cli/pipeline.h"

#include <optional>

#include <fmt/format.h>

#include "cli/analyzed_inputs.h"
#include "cli/exit_codes.h"
#include "cli/timing.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace exposim::cli {

int load_inputs(const InputOptions& o, std::ostream& err, model::Model& m, model::Diagnostics& diags,
                std::optional<DiagnosticPolicy>& policy, Progress* progress) {
  int rc = kExitOk;
  policy = DiagnosticPolicy::make(o, err, rc);
  if (!policy) return rc;
  std::optional<Progress> own;
  if (progress == nullptr) progress = &own.emplace(err, progress_wanted(err, o.quiet));
  auto t0 = Clock::now();
  const auto reports = import_files(o, o.files, m, diags, err, {}, progress);
  if (o.timings) err << fmt::format("exposim: timing: import {:.3f} s\n", seconds_since(t0));
  if (!diags.has_errors()) {  // what a file that could not be read lacks would only repeat its error
    t0 = Clock::now();
    model::validate(m, diags, validate_options(o, importers::has_template(reports)));
    if (o.timings) err << fmt::format("exposim: timing: validate {:.3f} s\n", seconds_since(t0));
  }
  policy->apply_to_input(diags);
  if (diags.has_errors()) {
    print_diagnostics(err, diags.sorted(), o.verbose);
    return kExitBadInput;
  }
  return kExitOk;
}

int finish_diagnostics(const InputOptions& o, const DiagnosticPolicy& policy, model::Diagnostics& diags,
                       model::Diagnostics findings, std::ostream& err, std::vector<model::Diagnostic>& sorted) {
  policy.apply_to_findings(findings);
  diags.append(findings);
  sorted = diags.sorted();
  print_diagnostics(err, sorted, o.verbose);
  return diags.has_errors() ? kExitBadInput : kExitOk;
}

int analyze_inputs(const InputOptions& o, SolveTiming timing, std::ostream& err, AnalyzedInputs& out,
                   const AfterSolve& after_solve) {
  model::Diagnostics diags;
  std::optional<DiagnosticPolicy> policy;
  Progress progress(err, progress_wanted(err, o.quiet));
  if (const int rc = load_inputs(o, err, out.model, diags, policy, &progress); rc != kExitOk) return rc;
  const auto t0 = Clock::now();
  solver::AnalyzeOptions options;
  options.jobs = o.jobs;
  if (progress.enabled()) {
    options.progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
      progress.update(solve_progress_text(stage, done, total));
    };
  }
  out.analysis = solver::analyze(out.model, options);
  progress.clear();
  if (o.timings && timing == SolveTiming::kDuration) {
    err << fmt::format("exposim: timing: solve {:.3f} s\n", seconds_since(t0));
  } else if (o.timings && timing == SolveTiming::kDurationAndCounts) {
    err << fmt::format("exposim: timing: solve {:.3f} s ({} targets, {} distinct evaluations)\n", seconds_since(t0),
                       out.analysis.targets_evaluated, out.analysis.distinct_evaluations);
  }
  if (after_solve) out.analysis.findings.append(after_solve(out.model, out.analysis));
  model::name_source_instances(out.model, out.analysis.findings);
  return finish_diagnostics(o, *policy, diags, std::move(out.analysis.findings), err, out.diagnostics);
}

}  // namespace exposim::cli
