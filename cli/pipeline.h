// The pipeline of the commands that read an estate: load the inputs (import, validate, apply the diagnostic
// policy), then finish the diagnostics (the policy applied to the findings, everything printed once); between the
// two analyze, graph, check, recommend and report analyse the estate (analyze_inputs(), cli/analyzed_inputs.h),
// explain follows one packet, reach and matrix follow east-west flows.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "cli/input_options.h"
#include "cli/progress.h"
#include "model/diagnostic.h"
#include "model/model.h"

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

}  // namespace exposim::cli
