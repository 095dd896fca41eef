// The pipeline of the commands that analyse an estate (analyze, graph, check): load the inputs, validate them,
// analyse, then apply the diagnostic policy to the findings and print every diagnostic once.
#pragma once

#include <ostream>
#include <vector>

#include "cli/input_options.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/exposure.h"

namespace exposim::cli {

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
/// prints every diagnostic once (finish_diagnostics()), saying the phases' times with --timings. Returns kExitOk
/// with `out` filled, or the exit code of bad inputs or options after printing the diagnostics.
int analyze_inputs(const InputOptions& o, SolveTiming timing, std::ostream& err, AnalyzedInputs& out);

}  // namespace exposim::cli
