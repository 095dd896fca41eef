// The pipeline of the commands that read an estate: load the inputs (import, validate, apply the diagnostic
// policy), then finish the diagnostics (the policy applied to the findings, everything printed once); between the
// two analyze, graph and check analyse the estate (analyze_inputs()), explain follows one packet.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <vector>

#include "cli/input_options.h"
#include "cli/progress.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/analysis.h"

namespace exposim::cli {

/// Imports `o.files` into `m` (diagnostics into `diags`), validates them unless importing failed, and applies the
/// policy made from `o` (returned in `policy`). Returns kExitOk, or the exit code after printing the diagnostics.
/// Shows the import's progress on `progress`, or on its own (cli/progress.h) when none is given.
int load_inputs(const InputOptions& o, std::ostream& err, model::Model& m, model::Diagnostics& diags,
                std::optional<DiagnosticPolicy>& policy, Progress* progress = nullptr);

/// Adds the solver's `findings` to `diags` after applying the policy, prints everything once into `sorted`
/// order and returns kExitOk, or kExitBadInput when a finding became an error (--fail-on).
int finish_diagnostics(const InputOptions& o, const DiagnosticPolicy& policy, model::Diagnostics& diags,
                       model::Diagnostics findings, std::ostream& err, std::vector<model::Diagnostic>& sorted);

/// What `--timings` says of the solve: nothing (check), its duration (graph), or its duration with the counts of
/// targets and distinct evaluations (analyze).
enum class SolveTiming { kNone, kDuration, kDurationAndCounts };

/// An analysed estate, filled by analyze_inputs().
struct AnalyzedInputs {
  model::Model model;
  solver::Analysis analysis;  // its findings are moved into `diagnostics`
  /// Every diagnostic of the inputs and the findings, after the policy, sorted: what was printed.
  std::vector<model::Diagnostic> diagnostics;
};

/// Imports and validates `o.files` (load_inputs()), analyses the model, applies the policy to the findings and
/// prints every diagnostic once (finish_diagnostics()), saying the phases' times with --timings and showing the
/// import's and the solve's progress on a terminal (cli/progress.h). Returns kExitOk
/// with `out` filled, or the exit code of bad inputs or options after printing the diagnostics.
/// Work on the analysed model before the diagnostics are finished (analyze and graph --attack-paths): the findings it
/// returns join the analysis's, under the same policy, printed with them.
using AfterSolve = std::function<model::Diagnostics(const model::Model& m, const solver::Analysis& a)>;
int analyze_inputs(const InputOptions& o, SolveTiming timing, std::ostream& err, AnalyzedInputs& out,
                   const AfterSolve& after_solve = {});

}  // namespace exposim::cli
