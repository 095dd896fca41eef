// The load, validate, analyse and report-diagnostics pipeline of analyze, graph and check (cli/pipeline.h).
#include "cli/pipeline.h"

#include <optional>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/timing.h"

namespace exposim::cli {

int analyze_inputs(const InputOptions& o, SolveTiming timing, std::ostream& err, AnalyzedInputs& out) {
  model::Diagnostics diags;
  std::optional<DiagnosticPolicy> policy;
  if (const int rc = load_inputs(o, err, out.model, diags, policy); rc != kExitOk) return rc;
  const auto t0 = Clock::now();
  out.analysis = solver::analyze(out.model);
  if (o.timings && timing == SolveTiming::kDuration) {
    err << fmt::format("exposim: timing: solve {:.3f} s\n", seconds_since(t0));
  } else if (o.timings && timing == SolveTiming::kDurationAndCounts) {
    err << fmt::format("exposim: timing: solve {:.3f} s ({} targets, {} distinct evaluations)\n", seconds_since(t0),
                       out.analysis.targets_evaluated, out.analysis.distinct_evaluations);
  }
  return finish_diagnostics(o, *policy, diags, std::move(out.analysis.findings), err, out.diagnostics);
}

}  // namespace exposim::cli
