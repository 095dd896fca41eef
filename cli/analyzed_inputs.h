// The analysing step of the pipeline (cli/pipeline.h), for the commands that report on the whole estate's analysis
// (analyze, graph, check, recommend, report): load, analyse, finish the diagnostics. Apart from the pipeline's other
// steps so that the commands that do not analyse (explain, reach, matrix) do not depend on the analysis's types.
// Defined in cli/pipeline.cpp.
#pragma once

#include <functional>
#include <ostream>
#include <vector>

#include "cli/input_options.h"
#include "cli/pipeline.h"
#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/analysis.h"

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
/// prints every diagnostic once (finish_diagnostics()), saying the phases' times with --timings and showing the
/// import's and the solve's progress on a terminal (cli/progress.h). Returns kExitOk
/// with `out` filled, or the exit code of bad inputs or options after printing the diagnostics.
/// Work on the analysed model before the diagnostics are finished (analyze and graph --attack-paths): the findings it
/// returns join the analysis's, under the same policy, printed with them.
using AfterSolve = std::function<model::Diagnostics(const model::Model& m, const solver::Analysis& a)>;
int analyze_inputs(const InputOptions& o, SolveTiming timing, std::ostream& err, AnalyzedInputs& out,
                   const AfterSolve& after_solve = {});

}  // namespace exposim::cli
